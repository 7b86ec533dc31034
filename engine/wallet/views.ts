// What of the wallet leaves the server, and its OpenAPI schemas.
import { z } from "zod";
import type { LedgerLine, PayoutRow, WalletFlagRow } from "../../storage/sql/index.ts";
import { TRANSACTION_KINDS } from "./types.ts";

export const walletSchema = z.object({ balance: z.number().int(), currency: z.literal("TKN"), earnings: z.number().int(), locked: z.boolean() });

export const ledgerLineSchema = z.object({
  id: z.string(),
  transactionId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  account: z.enum(["wallet", "earnings"]),
  /** Signed: negative left this account. */
  amount: z.number().int(),
  status: z.string(),
  /** The other user, when there is one. */
  counterpartyId: z.string().nullable(),
  reference: z.record(z.string(), z.unknown()),
  /** The balance right after, on transactions the user started. */
  balanceAfter: z.number().int().nullable(),
  createdAt: z.string(),
});

export function ledgerLineView(userId: string, line: LedgerLine): z.infer<typeof ledgerLineSchema> {
  const t = line.transaction;
  const own = t.senderId === userId || (t.kind === "topup" && t.receiverId === userId);
  return {
    id: line.id,
    transactionId: t.id,
    kind: t.kind as z.infer<typeof ledgerLineSchema>["kind"],
    account: line.account.startsWith("earnings:") ? "earnings" : "wallet",
    amount: line.amount,
    status: t.status,
    counterpartyId: t.senderId === userId ? t.receiverId : t.senderId,
    reference: t.reference,
    balanceAfter: own ? t.balanceAfter : null,
    createdAt: line.createdAt.toISOString(),
  };
}

export const payoutSchema = z.object({
  id: z.string(),
  userId: z.string(),
  amount: z.number().int(),
  status: z.enum(["requested", "paid"]),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
});

export function payoutView(p: PayoutRow): z.infer<typeof payoutSchema> {
  return { id: p.id, userId: p.userId, amount: p.amount, status: p.status, createdAt: p.createdAt.toISOString(), paidAt: p.paidAt ? p.paidAt.toISOString() : null };
}

export const walletFlagSchema = z.object({
  id: z.string(),
  userId: z.string(),
  reason: z.string(),
  transactionId: z.string().nullable(),
  amount: z.number().int(),
  status: z.enum(["open", "resolved"]),
  note: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});

export function walletFlagView(f: WalletFlagRow): z.infer<typeof walletFlagSchema> {
  return {
    id: f.id,
    userId: f.userId,
    reason: f.reason,
    transactionId: f.transactionId,
    amount: f.amount,
    status: f.status,
    note: f.note,
    createdAt: f.createdAt.toISOString(),
    resolvedAt: f.resolvedAt ? f.resolvedAt.toISOString() : null,
    resolvedBy: f.resolvedBy,
  };
}

export const tipMenuItemSchema = z.object({ id: z.string(), creatorId: z.string(), label: z.string(), price: z.number().int() });

export const goalSchema = z.object({
  streamId: z.string(),
  label: z.string(),
  target: z.number().int(),
  next: z.array(z.object({ label: z.string(), target: z.number().int() })),
});
