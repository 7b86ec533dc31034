// Reads over the wallet ledger (history, sums, reports) and the GDPR pseudonymisation of it.
// Postings themselves are written by engine/wallet/Ledger in its own transactions.
import type { SqlEntityManager } from "@mikro-orm/sql";
import { afterKey, encodeCursor, parseCursor } from "../cursor.ts";
import { utcDaySql, type SqlDialect } from "../dialect.ts";
import { LedgerEntry, Transaction, type TransactionEntity } from "../entities.ts";
import { clampLimit, type Page } from "./paging.ts";

export interface LedgerTransactionRow {
  id: string;
  senderId: string | null;
  receiverId: string | null;
  amount: number;
  currency: string;
  status: string;
  kind: string;
  reference: Record<string, unknown>;
  balanceAfter: number | null;
  externalRef: string | null;
  createdAt: Date;
}

export interface LedgerLine {
  id: string;
  account: string;
  amount: number;
  createdAt: Date;
  transaction: LedgerTransactionRow;
}

export type RevenueGroup = "day" | "creator" | "kind";

export interface RevenueRow {
  key: string | null;
  count: number;
  volume: number;
  creatorEarnings: number;
  platformRevenue: number;
}

function parseReference(raw: string | null | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toTransactionRow(e: TransactionEntity): LedgerTransactionRow {
  return {
    id: e.id,
    senderId: e.senderId ?? null,
    receiverId: e.receiverId ?? null,
    amount: Number(e.amount),
    currency: e.currency,
    status: e.status,
    kind: e.kind,
    reference: parseReference(e.reference),
    balanceAfter: e.balanceAfter === null || e.balanceAfter === undefined ? null : Number(e.balanceAfter),
    externalRef: e.externalRef ?? null,
    createdAt: e.createdAt,
  };
}

const num = (v: unknown) => Number(v ?? 0);

export class LedgerRepo {
  constructor(
    private readonly em: () => SqlEntityManager,
    private readonly dialect: SqlDialect,
  ) {}

  /** A datetime parameter for raw SQL, in the form MikroORM stores it on this dialect. */
  private time(d: Date): number | string {
    return this.dialect === "libsql" ? d.getTime() : d.toISOString().replace("T", " ").replace("Z", "");
  }

  /** Entries of the given accounts, newest first, with their transactions; keyset-paged. */
  async lines(accounts: readonly string[], query: { limit: number; cursor?: string }): Promise<Page<LedgerLine>> {
    const limit = clampLimit(query.limit, 200);
    const em = this.em();
    const where = query.cursor ? { $and: [{ account: { $in: [...accounts] } }, afterKey(parseCursor(query.cursor), "desc")] } : { account: { $in: [...accounts] } };
    const entries = await em.find(LedgerEntry, where, { orderBy: [{ createdAt: "desc" }, { id: "desc" }], limit: limit + 1 });
    const page = entries.slice(0, limit);
    const txs = page.length ? await em.find(Transaction, { id: { $in: [...new Set(page.map((e) => e.transactionId))] } }) : [];
    const byId = new Map(txs.map((t) => [t.id, toTransactionRow(t)]));
    const items: LedgerLine[] = [];
    for (const e of page) {
      const transaction = byId.get(e.transactionId);
      if (transaction) items.push({ id: e.id, account: e.account, amount: Number(e.amount), createdAt: e.createdAt, transaction });
    }
    const last = page[page.length - 1];
    return { items, nextCursor: entries.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }

  async transactionById(id: string): Promise<LedgerTransactionRow | null> {
    const e = await this.em().findOne(Transaction, { id });
    return e ? toTransactionRow(e) : null;
  }

  /** Every transaction naming the user as sender or receiver, oldest first (GDPR export). */
  async transactionsOf(userId: string): Promise<LedgerTransactionRow[]> {
    const found = await this.em().find(Transaction, { $or: [{ senderId: userId }, { receiverId: userId }] }, { orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return found.map(toTransactionRow);
  }

  /** The top-up paid through this payment intent, if any. */
  async topupByExternalRef(externalRef: string): Promise<LedgerTransactionRow | null> {
    const e = await this.em().findOne(Transaction, { externalRef, kind: "topup" });
    return e ? toTransactionRow(e) : null;
  }

  /** Tokens already taken back (refunds, chargebacks) for a payment; pass the posting's `em`. */
  async reversedFor(externalRef: string, em: SqlEntityManager): Promise<number> {
    const rows = await em.execute<Array<{ total: unknown }>>("select sum(amount) as total from transactions where external_ref = ? and kind in ('refund', 'chargeback')", [externalRef]);
    return num(rows[0]?.total);
  }

  async setStatus(transactionId: string, status: string, em: SqlEntityManager): Promise<void> {
    await em.nativeUpdate(Transaction, { id: transactionId }, { status });
  }

  /** Sum of one account's entries (its balance). */
  async balanceOf(account: string): Promise<number> {
    const rows = await this.em().execute<Array<{ total: unknown }>>("select sum(amount) as total from ledger_entries where account = ?", [account]);
    return num(rows[0]?.total);
  }

  /** Every account's balance: the sum of its entries. */
  async balances(): Promise<Map<string, number>> {
    const rows = await this.em().execute<Array<{ account: string; total: unknown }>>("select account, sum(amount) as total from ledger_entries group by account");
    return new Map(rows.map((r) => [r.account, num(r.total)]));
  }

  /** Sum of every entry ever written: zero when every transaction balances. */
  async grandTotal(): Promise<number> {
    const rows = await this.em().execute<Array<{ total: unknown }>>("select sum(amount) as total from ledger_entries");
    return num(rows[0]?.total);
  }

  /**
   * Revenue between `from` (inclusive) and `to` (exclusive). day and creator rows cover spending
   * between users (`transferKinds`); kind rows cover every kind, with volume per kind.
   */
  async revenue(from: Date, to: Date, groupBy: RevenueGroup, transferKinds: readonly string[]): Promise<RevenueRow[]> {
    const key = groupBy === "day" ? utcDaySql(this.dialect, "t.created_at") : groupBy === "creator" ? "t.receiver_id" : "t.kind";
    const kindsIn = `t.kind in (${transferKinds.map(() => "?").join(", ")})`;
    const range = [this.time(from), this.time(to)];
    const em = this.em();
    const volumes = await em.execute<Array<{ k: string | null; n: unknown; volume: unknown }>>(
      `select ${key} as k, count(*) as n, sum(t.amount) as volume from transactions t where t.created_at >= ? and t.created_at < ?${groupBy === "kind" ? "" : ` and ${kindsIn}`} group by ${key}`,
      [...range, ...(groupBy === "kind" ? [] : transferKinds)],
    );
    const splits = await em.execute<Array<{ k: string | null; creator: unknown; platform: unknown }>>(
      `select ${key} as k, sum(case when e.account like 'earnings:%' then e.amount else 0 end) as creator, sum(case when e.account = 'platform:revenue' then e.amount else 0 end) as platform ` +
        `from ledger_entries e join transactions t on t.id = e.transaction_id where t.created_at >= ? and t.created_at < ? and ${kindsIn} group by ${key}`,
      [...range, ...transferKinds],
    );
    const rows = new Map<string | null, RevenueRow>();
    for (const v of volumes) rows.set(v.k === null ? null : String(v.k), { key: v.k === null ? null : String(v.k), count: num(v.n), volume: num(v.volume), creatorEarnings: 0, platformRevenue: 0 });
    for (const s of splits) {
      const k = s.k === null ? null : String(s.k);
      const row = rows.get(k) ?? { key: k, count: 0, volume: 0, creatorEarnings: 0, platformRevenue: 0 };
      row.creatorEarnings = num(s.creator);
      row.platformRevenue = num(s.platform);
      rows.set(k, row);
    }
    return [...rows.values()].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  }

  /** What flowed into (positive entries) and out of (negative entries) one account within a period. */
  async flowsBetween(account: string, from: Date, to: Date): Promise<{ in: number; out: number }> {
    const rows = await this.em().execute<Array<{ inflow: unknown; outflow: unknown }>>(
      "select sum(case when amount > 0 then amount else 0 end) as inflow, sum(case when amount < 0 then -amount else 0 end) as outflow from ledger_entries where account = ? and created_at >= ? and created_at < ?",
      [account, this.time(from), this.time(to)],
    );
    return { in: num(rows[0]?.inflow), out: num(rows[0]?.outflow) };
  }

  /**
   * GDPR erasure of a person whose financial records must be kept: every mention of `userId` in
   * the ledger becomes `pseudonym`, so the records still balance and still belong together but no
   * longer lead to anyone.
   */
  async pseudonymize(userId: string, pseudonym: string): Promise<void> {
    await this.em().transactional(async (em) => {
      const run = (sql: string, params: unknown[]) => em.execute(sql, params, "run");
      await run("update transactions set sender_id = ? where sender_id = ?", [pseudonym, userId]);
      await run("update transactions set receiver_id = ? where receiver_id = ?", [pseudonym, userId]);
      await run("update transactions set idempotency_key = replace(idempotency_key, ?, ?) where idempotency_key like ?", [userId, pseudonym, `%${userId}%`]);
      for (const prefix of ["wallet:", "earnings:"]) await run("update ledger_entries set account = ? where account = ?", [prefix + pseudonym, prefix + userId]);
      await run("update payouts set user_id = ? where user_id = ?", [pseudonym, userId]);
      await run("update payouts set paid_by = ? where paid_by = ?", [pseudonym, userId]);
      await run("update wallet_flags set user_id = ? where user_id = ?", [pseudonym, userId]);
      await run("update wallet_flags set resolved_by = ? where resolved_by = ?", [pseudonym, userId]);
    });
  }
}
