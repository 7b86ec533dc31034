// Checks on what rooms and services hand the wallet. HTTP bodies are validated by zod first;
// these guard the room path, where a bug must become an `error` reply, not a bad ledger row.
import type { Reference } from "./LedgerTransaction.ts";
import { WalletError } from "./types.ts";

const KEY = /^[\x21-\x7e]{1,128}$/;

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || !KEY.test(key)) throw new WalletError("invalid_request", "key must be 1–128 printable ASCII characters");
}

export function assertAmount(amount: unknown, max: number): asserts amount is number {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 1 || amount > max) {
    throw new WalletError("invalid_amount", `amount must be a whole number of tokens from 1 to ${max}`);
  }
}

export function assertReference(reference: unknown): asserts reference is Reference {
  if (typeof reference !== "object" || reference === null || Array.isArray(reference)) throw new WalletError("invalid_request", "reference must be an object");
  for (const [k, v] of Object.entries(reference)) {
    const ok = (typeof v === "string" && v.length <= 64) || (typeof v === "number" && Number.isFinite(v));
    if (!ok || k.length > 32) throw new WalletError("invalid_request", `reference.${k} must be a short string or a number`);
  }
}

/** Idempotency keys are scoped per kind and sender, so two users (or a tip and a spin) may reuse a string. */
export const scopedKey = (kind: string, userId: string, key: string) => `${kind}:${userId}:${key}`;
