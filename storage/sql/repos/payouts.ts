import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { Payout, type PayoutEntity } from "../entities.ts";
import { clampLimit } from "./paging.ts";

export const PAYOUT_STATUSES = ["requested", "paid"] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export interface PayoutRow {
  id: string;
  userId: string;
  amount: number;
  status: PayoutStatus;
  /** The ledger transaction that moved the earnings to "payouts pending". */
  transactionId: string;
  /** The ledger transaction that recorded the money leaving; null until paid. */
  paidTransactionId: string | null;
  createdAt: Date;
  paidAt: Date | null;
  paidBy: string | null;
}

function toRow(e: PayoutEntity): PayoutRow {
  return {
    id: e.id,
    userId: e.userId,
    amount: Number(e.amount),
    status: e.status as PayoutStatus,
    transactionId: e.transactionId,
    paidTransactionId: e.paidTransactionId ?? null,
    createdAt: e.createdAt,
    paidAt: e.paidAt ?? null,
    paidBy: e.paidBy ?? null,
  };
}

export class PayoutsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  /** Pass the ledger transaction's `em` so the record commits with its entries. */
  async insert(row: PayoutRow, em: SqlEntityManager = this.em()): Promise<void> {
    await em.insert(Payout, row);
  }

  async byId(id: string, em: SqlEntityManager = this.em()): Promise<PayoutRow | null> {
    const e = await em.findOne(Payout, { id });
    return e ? toRow(e) : null;
  }

  async byTransaction(transactionId: string): Promise<PayoutRow | null> {
    const e = await this.em().findOne(Payout, { transactionId });
    return e ? toRow(e) : null;
  }

  /** Newest first. */
  async list(query: { userId?: string; status?: PayoutStatus; limit: number }): Promise<PayoutRow[]> {
    const where: FilterQuery<PayoutEntity> = {};
    if (query.userId) where.userId = query.userId;
    if (query.status) where.status = query.status;
    const found = await this.em().find(Payout, where, { orderBy: [{ createdAt: "desc" }, { id: "desc" }], limit: clampLimit(query.limit, 500) });
    return found.map(toRow);
  }

  /** Moves a requested payout to paid; false when it is not (or no longer) requested. */
  async markPaid(id: string, by: string, paidTransactionId: string, em: SqlEntityManager): Promise<boolean> {
    const changed = await em.nativeUpdate(Payout, { id, status: "requested" }, { status: "paid", paidAt: new Date(), paidBy: by, paidTransactionId });
    return changed > 0;
  }
}
