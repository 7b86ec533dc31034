// Request pieces shared by the wallet & commerce routes. Token amounts are JSON integers only:
// "10", 1.5, -1, 0, 1e308 and NaN are all a 400.
import { z } from "zod";
import { WALLET_RULES } from "../../../config/packages.ts";

export const tokens = (max: number = WALLET_RULES.maxTransfer) => z.number().int().min(1).max(max);

/** A client's idempotency key: the same key twice does the work once. */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,128}$/, "must be 1–128 printable ASCII characters without spaces");

/** Short single-line text shown to other people (tip menu items, goals). */
export const shortLabel = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters");
