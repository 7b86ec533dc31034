import { randomUUID } from "node:crypto";
import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { WalletFlag, type WalletFlagEntity } from "../entities.ts";
import { clampLimit } from "./paging.ts";

export const WALLET_FLAG_STATUSES = ["open", "resolved"] as const;
export type WalletFlagStatus = (typeof WALLET_FLAG_STATUSES)[number];

export interface WalletFlagRow {
  id: string;
  userId: string;
  /** e.g. "refund_shortfall", "chargeback_shortfall". */
  reason: string;
  transactionId: string | null;
  /** Tokens that could not be recovered. */
  amount: number;
  status: WalletFlagStatus;
  note: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

function toRow(e: WalletFlagEntity): WalletFlagRow {
  return {
    id: e.id,
    userId: e.userId,
    reason: e.reason,
    transactionId: e.transactionId ?? null,
    amount: Number(e.amount),
    status: e.status as WalletFlagStatus,
    note: e.note ?? null,
    createdAt: e.createdAt,
    resolvedAt: e.resolvedAt ?? null,
    resolvedBy: e.resolvedBy ?? null,
  };
}

export class WalletFlagsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async open(input: { userId: string; reason: string; transactionId: string | null; amount: number }, em: SqlEntityManager = this.em()): Promise<WalletFlagRow> {
    const row: WalletFlagRow = { id: randomUUID(), ...input, status: "open", note: null, createdAt: new Date(), resolvedAt: null, resolvedBy: null };
    await em.insert(WalletFlag, row);
    return row;
  }

  async byId(id: string): Promise<WalletFlagRow | null> {
    const e = await this.em().findOne(WalletFlag, { id });
    return e ? toRow(e) : null;
  }

  /** Newest first. */
  async list(query: { status?: WalletFlagStatus; userId?: string; limit: number }): Promise<WalletFlagRow[]> {
    const where: FilterQuery<WalletFlagEntity> = {};
    if (query.status) where.status = query.status;
    if (query.userId) where.userId = query.userId;
    const found = await this.em().find(WalletFlag, where, { orderBy: [{ createdAt: "desc" }, { id: "desc" }], limit: clampLimit(query.limit, 500) });
    return found.map(toRow);
  }

  /** False when the flag is missing or already resolved. */
  async resolve(id: string, by: string, note: string | null): Promise<boolean> {
    return (await this.em().nativeUpdate(WalletFlag, { id, status: "open" }, { status: "resolved", resolvedAt: new Date(), resolvedBy: by, note })) > 0;
  }
}
