// Revenue for the admin hub: spending between users split into creator earnings and platform
// revenue, per UTC day, per creator or per kind, with the money that came in and went back out.
import { User, type LedgerRepo, type RevenueGroup, type RevenueRow, type SqlStore } from "../../storage/sql/index.ts";
import { CHARGEBACK_LOSSES, PAYOUTS_PENDING } from "./accounts.ts";
import { TRANSFER_KINDS } from "./types.ts";

export interface RevenueReportView {
  from: string;
  to: string;
  groupBy: RevenueGroup;
  currency: "TKN";
  rows: Array<RevenueRow & { creatorName?: string | null }>;
  totals: {
    /** Spending between users (tips, tip-menu items, PPV, spins). */
    count: number;
    volume: number;
    creatorEarnings: number;
    platformRevenue: number;
    topups: number;
    refunds: number;
    chargebacks: number;
    /** Refunded or disputed tokens that were already spent and could not be taken back. */
    chargebackLosses: number;
    /** Withdrawals requested, and paid out, in the period. */
    payoutsRequested: number;
    payoutsPaid: number;
  };
}

export class RevenueReport {
  constructor(
    private readonly ledger: LedgerRepo,
    private readonly sql: SqlStore,
  ) {}

  async build(from: Date, to: Date, groupBy: RevenueGroup): Promise<RevenueReportView> {
    const byKind = await this.ledger.revenue(from, to, "kind", TRANSFER_KINDS);
    const rows = groupBy === "kind" ? byKind : await this.ledger.revenue(from, to, groupBy, TRANSFER_KINDS);
    const kind = (k: string) => byKind.find((r) => r.key === k);
    const transfers = byKind.filter((r) => (TRANSFER_KINDS as readonly string[]).includes(r.key ?? ""));
    const sum = (pick: (r: RevenueRow) => number) => transfers.reduce((total, r) => total + pick(r), 0);
    const [losses, payouts] = await Promise.all([this.ledger.flowsBetween(CHARGEBACK_LOSSES, from, to), this.ledger.flowsBetween(PAYOUTS_PENDING, from, to)]);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      currency: "TKN",
      rows: groupBy === "creator" ? await this.withNames(rows) : rows,
      totals: {
        count: sum((r) => r.count),
        volume: sum((r) => r.volume),
        creatorEarnings: sum((r) => r.creatorEarnings),
        platformRevenue: sum((r) => r.platformRevenue),
        topups: kind("topup")?.volume ?? 0,
        refunds: kind("refund")?.volume ?? 0,
        chargebacks: kind("chargeback")?.volume ?? 0,
        chargebackLosses: losses.out - losses.in,
        payoutsRequested: payouts.in,
        payoutsPaid: payouts.out,
      },
    };
  }

  private async withNames(rows: RevenueRow[]) {
    const ids = rows.map((r) => r.key).filter((k): k is string => typeof k === "string");
    const users = ids.length ? await this.sql.em().find(User, { id: { $in: ids } }, { fields: ["id", "displayName"] }) : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    return rows.map((r) => ({ ...r, creatorName: r.key ? (names.get(r.key) ?? null) : null }));
  }
}
