// Creators withdraw earnings: a request moves them to "payouts pending" at once (so they cannot be
// spent or requested twice); an admin marks the payout paid once the money has left (by hand, or
// through Stripe Connect once connected accounts exist — not wired yet).
import { randomUUID } from "node:crypto";
import { can } from "../../config/roles.ts";
import type { PayoutRow, PayoutStatus, PayoutsRepo, SqlStore } from "../../storage/sql/index.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import { HttpError, conflict, forbidden, notFound } from "../http/errors.ts";
import { PAYMENT_CLEARING, PAYOUTS_PENDING, earningsAccount } from "./accounts.ts";
import { walletHttpError } from "./httpErrors.ts";
import type { Ledger } from "./Ledger.ts";
import type { WalletRules } from "./rules.ts";
import { scopedKey } from "./validate.ts";

export class PayoutService {
  constructor(
    private readonly repo: PayoutsRepo,
    private readonly deps: { ledger: Ledger; sql: SqlStore; rules: WalletRules },
  ) {}

  /** Same `key` again → the same payout, nothing moved twice. */
  async request(caller: AuthUser, amount: number, key?: string): Promise<{ payout: PayoutRow; replayed: boolean }> {
    if (!can(caller.role, "services.offer")) throw forbidden("Only creators and providers have earnings to withdraw");
    if (!caller.isVerified) throw forbidden("Identity verification (KYC) must pass before a payout", "kyc_required");
    if (amount < this.deps.rules.payoutMinimum) throw new HttpError(400, "below_minimum", `The smallest payout is ${this.deps.rules.payoutMinimum} TKN`);
    const payoutId = randomUUID();
    try {
      const posted = await this.deps.ledger.post(scopedKey("payout", caller.id, key ?? payoutId), { kind: "payout", userId: caller.id, amount }, async (tx) => {
        await tx.debit("earnings", caller.id, amount, { requireUnlocked: false });
        const after = await tx.balances(caller.id);
        const recorded = await tx.record({
          kind: "payout",
          senderId: caller.id,
          receiverId: null,
          amount,
          reference: { payoutId, step: "requested" },
          legs: [
            { account: earningsAccount(caller.id), amount: -amount },
            { account: PAYOUTS_PENDING, amount },
          ],
          balanceAfter: after?.earnings ?? 0,
        });
        await this.repo.insert({ id: payoutId, userId: caller.id, amount, status: "requested", transactionId: recorded.id, paidTransactionId: null, createdAt: recorded.createdAt, paidAt: null, paidBy: null }, tx.em);
      });
      const payout = await this.repo.byTransaction(posted.id);
      if (!payout) throw new Error(`payout of transaction ${posted.id} missing`);
      return { payout, replayed: posted.replayed };
    } catch (err) {
      throw walletHttpError(err);
    }
  }

  list(query: { userId?: string; status?: PayoutStatus; limit: number }): Promise<PayoutRow[]> {
    return this.repo.list(query);
  }

  /** Admin: the money has left the platform. Paying twice is a 409. */
  async markPaid(admin: AuthUser, payoutId: string, ip: string): Promise<PayoutRow> {
    const payout = await this.repo.byId(payoutId);
    if (!payout) throw notFound("Payout");
    if (payout.status !== "requested") throw conflict("This payout is already paid", "already_paid");
    const posted = await this.deps.ledger.post(`payout:paid:${payoutId}`, { kind: "payout", payoutId }, async (tx) => {
      const recorded = await tx.record({
        kind: "payout",
        senderId: payout.userId,
        receiverId: null,
        amount: payout.amount,
        reference: { payoutId, step: "paid" },
        legs: [
          { account: PAYOUTS_PENDING, amount: -payout.amount },
          { account: PAYMENT_CLEARING, amount: payout.amount },
        ],
        balanceAfter: null,
      });
      if (!(await this.repo.markPaid(payoutId, admin.id, recorded.id, tx.em))) throw conflict("This payout is already paid", "already_paid");
    });
    if (posted.replayed) throw conflict("This payout is already paid", "already_paid");
    await this.deps.sql.audit.record({ actorId: admin.id, action: "wallet.payout.paid", targetType: "payout", targetId: payoutId, details: { userId: payout.userId, amount: payout.amount }, ip });
    const paid = await this.repo.byId(payoutId);
    if (!paid) throw notFound("Payout");
    return paid;
  }
}
