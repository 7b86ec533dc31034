// The wallet: what rooms call (RoomWallet: transfer, unlock, menus, goals) and what the HTTP API
// and the admin hub use. Balances change only through Ledger postings, each one database
// transaction that updates the users row and writes balanced entries together.
import { randomUUID } from "node:crypto";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import {
  Entitlement,
  EntitlementsRepo,
  LedgerRepo,
  PayoutsRepo,
  StreamGoalsRepo,
  StripeEventsRepo,
  TipMenuRepo,
  WalletFlagsRepo,
  type LedgerLine,
  type Page,
  type SqlStore,
} from "../../storage/sql/index.ts";
import type { EngineEvents } from "../events/EngineEvents.ts";
import type { Logger } from "../logger.ts";
import type { TextSafety } from "../safety/TextSafety.ts";
import { PAYMENT_CLEARING, earningsAccount, paymentLegs, walletAccount } from "./accounts.ts";
import { Ledger, type LedgerResult } from "./Ledger.ts";
import type { LedgerTransaction } from "./LedgerTransaction.ts";
import { MediaAccess } from "./MediaAccess.ts";
import { PayoutService } from "./PayoutService.ts";
import { RevenueReport } from "./RevenueReport.ts";
import { walletRules, type WalletRules } from "./rules.ts";
import { splitPayment } from "./split.ts";
import { StreamGoalService } from "./StreamGoalService.ts";
import { StripePayments, type StripeSettings } from "./StripePayments.ts";
import { TipMenuService } from "./TipMenuService.ts";
import { TransferBatcher, requestOf } from "./TransferBatcher.ts";
import { TRANSFER_KINDS, WalletError, type RoomWallet, type TipGoalConfig, type TipMenuItem, type TransferRequest, type TransferResult, type UnlockRequest, type UnlockResult } from "./types.ts";
import { assertAmount, assertKey, assertReference, scopedKey } from "./validate.ts";

export interface WalletDeps {
  sql: SqlStore;
  events: EngineEvents;
  logger: Logger;
  stripe: StripeSettings;
  safety?: TextSafety;
  rules?: Partial<WalletRules>;
  /** Post transfers to one receiver that arrive while one is in flight as one transaction (default true). */
  batchTransfers?: boolean;
}

export interface WalletSummary {
  balance: number;
  currency: "TKN";
  earnings: number;
  locked: boolean;
}

class AlreadyEntitled extends Error {}

const resultOf = (r: LedgerResult): TransferResult => ({ transactionId: r.id, amount: r.amount, balance: r.balanceAfter ?? 0, replayed: r.replayed, createdAt: r.createdAt });

export class WalletService implements RoomWallet {
  readonly rules: WalletRules;
  readonly ledger: Ledger;
  readonly ledgerRepo: LedgerRepo;
  readonly entitlements: EntitlementsRepo;
  readonly flags: WalletFlagsRepo;
  readonly menus: TipMenuService;
  readonly goals: StreamGoalService;
  readonly payments: StripePayments;
  readonly payouts: PayoutService;
  readonly reports: RevenueReport;
  readonly media: MediaAccess;
  private readonly sql: SqlStore;
  private readonly batcher: TransferBatcher | undefined;

  constructor(deps: WalletDeps) {
    const { sql } = deps;
    const em = () => sql.em();
    this.sql = sql;
    this.rules = walletRules(deps.rules);
    this.ledger = new Ledger(sql);
    this.ledgerRepo = new LedgerRepo(em, sql.kind);
    this.entitlements = new EntitlementsRepo(em);
    this.flags = new WalletFlagsRepo(em);
    this.menus = new TipMenuService(new TipMenuRepo(em, sql.kind), { events: deps.events, logger: deps.logger, safety: deps.safety, rules: this.rules });
    this.goals = new StreamGoalService(new StreamGoalsRepo(em), { sql, events: deps.events, logger: deps.logger });
    this.payments = new StripePayments(deps.stripe, {
      ledger: this.ledger,
      ledgerRepo: this.ledgerRepo,
      events: new StripeEventsRepo(em),
      flags: this.flags,
      logger: deps.logger.child({ mod: "stripe" }),
      rules: this.rules,
    });
    this.payouts = new PayoutService(new PayoutsRepo(em), { ledger: this.ledger, sql, rules: this.rules });
    this.reports = new RevenueReport(this.ledgerRepo, sql);
    this.media = new MediaAccess(this.entitlements);
    if (deps.batchTransfers !== false) this.batcher = new TransferBatcher(sql, this.rules.creatorShareBps, (r) => this.postTransfer(r));
  }

  // ------------------------------------------------------------------ RoomWallet

  /**
   * Moves `amount` from the sender's wallet to the receiver's earnings (creator share, floored)
   * and platform revenue (the rest), once per (kind, sender, key). Throws WalletError.
   */
  async transfer(request: TransferRequest): Promise<TransferResult> {
    if (!(TRANSFER_KINDS as readonly string[]).includes(request.kind)) throw new WalletError("invalid_request", "unknown transfer kind");
    this.check(request);
    return resultOf(await (this.batcher ? this.batcher.submit(request) : this.postTransfer(request)));
  }

  /** One transfer in its own database transaction. */
  private postTransfer(request: TransferRequest): Promise<LedgerResult> {
    return this.ledger.post(scopedKey(request.kind, request.fromUserId, request.key), this.requestOf(request.kind, request), (tx) => this.pay(tx, request.kind, request));
  }

  /** Pays for a resource once and records the entitlement in the same database transaction. */
  async unlock(request: UnlockRequest): Promise<UnlockResult> {
    this.check(request);
    if (typeof request.resourceType !== "string" || !/^[a-z_]{1,32}$/.test(request.resourceType)) throw new WalletError("invalid_request", "resourceType must be 1–32 of a-z and _");
    if (typeof request.resourceId !== "string" || request.resourceId.length < 1 || request.resourceId.length > 64) throw new WalletError("invalid_request", "resourceId must be 1–64 characters");
    const { resourceType, resourceId } = request;
    const reference = { ...request.reference, resourceType, resourceId };
    try {
      const posted = await this.ledger.post(scopedKey("ppv", request.fromUserId, request.key), this.requestOf("ppv", { ...request, reference }), async (tx) => {
        if ((await tx.em.count(Entitlement, { userId: request.fromUserId, resourceType, resourceId })) > 0) throw new AlreadyEntitled();
        const recorded = await this.pay(tx, "ppv", { ...request, reference });
        await this.entitlements.insert({ userId: request.fromUserId, resourceType, resourceId, transactionId: recorded.id }, tx.em);
      });
      return { transfer: resultOf(posted), balance: posted.balanceAfter ?? 0 };
    } catch (err) {
      // Bought already (another key, or a concurrent purchase that committed first): no charge.
      if (err instanceof AlreadyEntitled || err instanceof UniqueConstraintViolationException) {
        return { transfer: null, balance: await this.balanceOf(request.fromUserId) };
      }
      throw err;
    }
  }

  async balanceOf(userId: string): Promise<number> {
    return (await this.summary(userId))?.balance ?? 0;
  }

  hasEntitlement(userId: string, resourceType: string, resourceId: string): Promise<boolean> {
    return this.entitlements.has(userId, resourceType, resourceId);
  }

  /** Access without payment (e.g. a gift); true when granted now, false when it was held already. */
  grantEntitlement(userId: string, resourceType: string, resourceId: string): Promise<boolean> {
    return this.entitlements.grant({ userId, resourceType, resourceId, transactionId: null });
  }

  tipMenu(creatorId: string): Promise<TipMenuItem[]> {
    return this.menus.list(creatorId);
  }

  goal(streamId: string): Promise<TipGoalConfig | null> {
    return this.goals.get(streamId);
  }

  // ------------------------------------------------------------------ accounts

  /** null when the user does not exist. */
  async summary(userId: string): Promise<WalletSummary | null> {
    const rows = await this.sql.em().execute<Array<{ wallet_balance: unknown; earnings_balance: unknown; wallet_locked: unknown }>>(
      "select wallet_balance, earnings_balance, wallet_locked from users where id = ?",
      [userId],
    );
    const row = rows[0];
    return row ? { balance: Number(row.wallet_balance), currency: "TKN", earnings: Number(row.earnings_balance), locked: Boolean(Number(row.wallet_locked)) } : null;
  }

  /** The user's own ledger lines (wallet and earnings), newest first. */
  history(userId: string, query: { limit: number; cursor?: string; account?: "wallet" | "earnings" }): Promise<Page<LedgerLine>> {
    const accounts = query.account === "wallet" ? [walletAccount(userId)] : query.account === "earnings" ? [earningsAccount(userId)] : [walletAccount(userId), earningsAccount(userId)];
    return this.ledgerRepo.lines(accounts, query);
  }

  /** Credits tokens without payment: only for development servers (see StripePayments.mode). */
  async devTopup(userId: string, amount: number, key?: string): Promise<TransferResult> {
    assertAmount(amount, this.rules.devTopupMax);
    if (key !== undefined) assertKey(key);
    const posted = await this.ledger.post(scopedKey("topup:dev", userId, key ?? randomUUID()), { kind: "topup", source: "dev", userId, amount }, async (tx) => {
      await tx.credit("wallet", userId, amount);
      const after = await tx.balances(userId);
      await tx.record({
        kind: "topup",
        senderId: null,
        receiverId: userId,
        amount,
        reference: { source: "dev" },
        legs: [
          { account: PAYMENT_CLEARING, amount: -amount },
          { account: walletAccount(userId), amount },
        ],
        balanceAfter: after?.wallet ?? amount,
      });
    });
    return resultOf(posted);
  }

  // ------------------------------------------------------------------ internals

  private check(request: Omit<TransferRequest, "kind">): void {
    assertKey(request.key);
    assertAmount(request.amount, this.rules.maxTransfer);
    assertReference(request.reference);
    if (request.fromUserId === request.toUserId) throw new WalletError("self_transfer", "You cannot pay yourself");
  }

  /** What the idempotency key stands for: the same key with any of these changed is a conflict. */
  private requestOf(kind: TransferRequest["kind"], r: Omit<TransferRequest, "kind">) {
    return requestOf({ ...r, kind });
  }

  private async pay(tx: LedgerTransaction, kind: TransferRequest["kind"], r: Omit<TransferRequest, "kind">) {
    const split = splitPayment(r.amount, this.rules.creatorShareBps);
    if (tx.retrying) await tx.lockUsers([r.fromUserId, r.toUserId]);
    await tx.debit("wallet", r.fromUserId, r.amount, { requireUnlocked: true });
    const after = await tx.balances(r.fromUserId);
    const recorded = await tx.record({
      kind,
      senderId: r.fromUserId,
      receiverId: r.toUserId,
      amount: r.amount,
      reference: r.reference,
      legs: paymentLegs(r.fromUserId, r.toUserId, r.amount, split),
      balanceAfter: after?.wallet ?? 0,
    });
    // Last, so the creator's row — which every tip in the room credits — stays locked only until commit.
    if (split.creator > 0) await tx.credit("earnings", r.toUserId, split.creator);
    else if (!(await tx.balances(r.toUserId))) throw new WalletError("unknown_user", "No such user");
    return recorded;
  }
}
