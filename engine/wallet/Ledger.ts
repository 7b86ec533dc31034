// Exactly-once postings. Each call runs in a short database transaction on a fresh EntityManager
// fork; no lock is held in JS across awaits — the database serialises conflicting writes (row
// locks on MySQL, the single writer on SQLite). The idempotency key is UNIQUE in `transactions`:
// a retry with the same key and the same request gets the original result back, with other
// parameters it is a conflict.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException } from "@mikro-orm/core";
import { Transaction, type SqlStore, type TransactionEntity } from "../../storage/sql/index.ts";
import { LedgerTransaction, type Recorded } from "./LedgerTransaction.ts";
import { WalletError, type TransactionKind } from "./types.ts";

export interface LedgerResult extends Recorded {
  replayed: boolean;
}

const MAX_ATTEMPTS = 8;

function isTransient(err: unknown): boolean {
  if (err instanceof DeadlockException || err instanceof LockWaitTimeoutException) return true;
  const message = err instanceof Error ? err.message : "";
  return /SQLITE_BUSY|database is locked/i.test(message);
}

/** JSON with object keys sorted, so {a, b} and {b, a} stand for the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function requestHash(request: unknown): string {
  return createHash("sha256").update(stableJson(request)).digest("hex");
}

/** The original result of a posting whose key was used before (or a conflict when the request differs). */
export function replayOf(row: TransactionEntity, hash: string): LedgerResult {
  if (row.requestHash !== hash) throw new WalletError("idempotency_conflict", "This key was already used for a different request");
  return {
    id: row.id,
    kind: row.kind as TransactionKind,
    amount: Number(row.amount),
    balanceAfter: row.balanceAfter === null || row.balanceAfter === undefined ? null : Number(row.balanceAfter),
    createdAt: row.createdAt,
    replayed: true,
  };
}

export class Ledger {
  constructor(private readonly sql: SqlStore) {}

  /**
   * Runs `body` in one database transaction unless `key` was used before. `request` is what the
   * key stands for (hashed); `body` must call `tx.record(...)` once, or throw to roll back.
   */
  async post(key: string, request: unknown, body: (tx: LedgerTransaction) => Promise<unknown>): Promise<LedgerResult> {
    const hash = requestHash(request);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sql.em().transactional(async (em) => {
          const existing = await em.findOne(Transaction, { idempotencyKey: key });
          if (existing) return replayOf(existing, hash);
          const tx = new LedgerTransaction(em, this.sql.kind, key, hash, attempt > 1);
          await body(tx);
          if (!tx.recorded) throw new Error("ledger posting recorded nothing");
          return { ...tx.recorded, replayed: false };
        });
      } catch (err) {
        // A concurrent call with the same key committed first: answer as its replay.
        if (err instanceof UniqueConstraintViolationException) {
          const existing = await this.byKey(key);
          if (existing) return replayOf(existing, hash);
          throw err;
        }
        if (isTransient(err) && attempt < MAX_ATTEMPTS) {
          // Jittered exponential back-off, so the transactions that collided do not collide again.
          await sleep(1 + Math.floor(Math.random() * 2 ** Math.min(attempt, 6)));
          continue;
        }
        throw err;
      }
    }
  }

  private byKey(key: string): Promise<TransactionEntity | null> {
    return this.sql.em().findOne(Transaction, { idempotencyKey: key });
  }
}
