// Top-ups through Stripe Checkout and the webhook that credits them. The signed webhook is the only
// thing that credits: the session id is the idempotency key (exactly once per session), event ids
// are remembered in stripe_events (a replayed delivery does nothing), and refunds and disputes
// take the tokens back — what was already spent is written off and the wallet is locked for review.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import type { TokenPackage } from "../../config/packages.ts";
import { AuditLog, type LedgerRepo, type LedgerTransactionRow, type StripeEventsRepo, type WalletFlagsRepo } from "../../storage/sql/index.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import { HttpError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import { CHARGEBACK_LOSSES, PAYMENT_CLEARING, walletAccount } from "./accounts.ts";
import type { Ledger } from "./Ledger.ts";
import type { WalletRules } from "./rules.ts";
import { WalletError } from "./types.ts";

export interface StripeSettings {
  secretKey?: string;
  webhookSecret?: string;
  /** Production refuses dev top-ups. */
  production: boolean;
  /** Where Checkout sends the buyer back, e.g. https://teezu.example (no trailing slash). */
  returnBase: string;
}

export type PaymentMode = "stripe" | "dev" | "unavailable";

class NothingToReverse extends Error {}

const paymentsUnavailable = () => new HttpError(503, "payments_unavailable", "Payments are not configured on this server");

const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === "string" ? value : (value?.id ?? null));

export class StripePayments {
  #client: Stripe | null;

  constructor(
    private readonly settings: StripeSettings,
    private readonly deps: { ledger: Ledger; ledgerRepo: LedgerRepo; events: StripeEventsRepo; flags: WalletFlagsRepo; logger: Logger; rules: WalletRules },
  ) {
    this.#client = settings.secretKey ? new Stripe(settings.secretKey, { maxNetworkRetries: 2, timeout: 20_000 }) : null;
  }

  /** Swaps the SDK client, e.g. one pointed at a local stand-in of the Stripe API (tests); null → no Stripe. */
  useClient(client: Stripe | null): void {
    this.#client = client;
  }

  mode(): PaymentMode {
    if (this.#client) return "stripe";
    return this.settings.production ? "unavailable" : "dev";
  }

  /** A Checkout Session for one package; `key` makes a retried request return the same session. */
  async createCheckout(user: AuthUser, pkg: TokenPackage, key?: string): Promise<{ checkoutUrl: string; sessionId: string }> {
    const client = this.#client;
    if (!client) throw paymentsUnavailable();
    const metadata = { userId: user.id, packageId: pkg.id, tokens: String(pkg.tokens) };
    try {
      const session = await client.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [{ quantity: 1, price_data: { currency: pkg.currency, unit_amount: pkg.priceCents, product_data: { name: `TeezU ${pkg.label}` } } }],
          client_reference_id: user.id,
          metadata,
          payment_intent_data: { metadata },
          success_url: `${this.settings.returnBase}/wallet?topup=success&session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${this.settings.returnBase}/wallet?topup=cancelled`,
        },
        key ? { idempotencyKey: `topup:${user.id}:${key}` } : undefined,
      );
      if (!session.url) throw new Error("Stripe returned a session without a URL");
      return { checkoutUrl: session.url, sessionId: session.id };
    } catch (err) {
      this.deps.logger.error({ err }, "stripe checkout session failed");
      throw new HttpError(502, "payment_provider_error", "The payment provider did not answer; try again");
    }
  }

  /** Verifies and applies one webhook delivery. Throws 400 for a bad signature, 503 when unconfigured. */
  async handleWebhook(rawBody: string, signature: string | string[] | undefined): Promise<{ received: true; duplicate: boolean; outcome: string }> {
    const secret = this.settings.webhookSecret;
    if (!secret) throw paymentsUnavailable();
    let event: Stripe.Event;
    try {
      if (typeof signature !== "string") throw new Error("missing Stripe-Signature");
      event = Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch {
      throw new HttpError(400, "invalid_signature", "Stripe-Signature does not verify");
    }
    if (await this.deps.events.seen(event.id)) return { received: true, duplicate: true, outcome: "duplicate" };
    const outcome = await this.apply(event);
    const fresh = await this.deps.events.record(event.id, event.type);
    this.deps.logger.info({ eventId: event.id, type: event.type, outcome }, "stripe webhook");
    return { received: true, duplicate: !fresh, outcome };
  }

  private async apply(event: Stripe.Event): Promise<string> {
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
        return this.creditSession(event.data.object);
      case "charge.refunded": {
        const charge = event.data.object;
        const intent = idOf(charge.payment_intent);
        if (!intent || charge.amount <= 0) return "ignored";
        return this.reverse("refund", intent, `refund:${charge.id}:${charge.amount_refunded}`, (topup) => Math.floor((topup.amount * charge.amount_refunded) / charge.amount), { chargeId: charge.id });
      }
      case "charge.dispute.created": {
        const dispute = event.data.object;
        const intent = idOf(dispute.payment_intent);
        if (!intent) return "ignored";
        return this.reverse("chargeback", intent, `chargeback:${dispute.id}`, (topup) => {
          const paid = Number(topup.reference.amountCents);
          return Number.isSafeInteger(paid) && paid > 0 ? Math.floor((topup.amount * dispute.amount) / paid) : topup.amount;
        }, { disputeId: dispute.id });
      }
      default:
        return "ignored";
    }
  }

  private async creditSession(session: Stripe.Checkout.Session): Promise<string> {
    if (session.payment_status !== "paid") return "awaiting_payment";
    const userId = session.metadata?.userId ?? session.client_reference_id;
    const tokens = Number(session.metadata?.tokens);
    if (!userId || !Number.isSafeInteger(tokens) || tokens < 1 || tokens > this.deps.rules.maxTransfer) {
      this.deps.logger.error({ sessionId: session.id }, "paid checkout session without usable metadata");
      return "ignored_bad_metadata";
    }
    const paymentIntent = idOf(session.payment_intent);
    try {
      await this.deps.ledger.post(`topup:stripe:${session.id}`, { kind: "topup", sessionId: session.id, userId, tokens }, async (tx) => {
        await tx.credit("wallet", userId, tokens);
        const after = await tx.balances(userId);
        await tx.record({
          kind: "topup",
          senderId: null,
          receiverId: userId,
          amount: tokens,
          reference: { sessionId: session.id, packageId: session.metadata?.packageId ?? "", amountCents: session.amount_total ?? 0, currency: session.currency ?? "" },
          externalRef: paymentIntent,
          legs: [
            { account: PAYMENT_CLEARING, amount: -tokens },
            { account: walletAccount(userId), amount: tokens },
          ],
          balanceAfter: after?.wallet ?? tokens,
        });
      });
      return "credited";
    } catch (err) {
      // The account was erased after paying: nothing to credit, and retrying would not help.
      if (err instanceof WalletError && err.code === "unknown_user") return "ignored_unknown_user";
      throw err;
    }
  }

  /**
   * Takes back the tokens of a refunded or disputed payment. `wanted` is how many tokens the
   * payment's reversals should add up to; what earlier reversals took is subtracted.
   */
  private async reverse(kind: "refund" | "chargeback", paymentIntent: string, key: string, wanted: (topup: LedgerTransactionRow) => number, reference: Record<string, string>): Promise<string> {
    const topup = await this.deps.ledgerRepo.topupByExternalRef(paymentIntent);
    if (!topup?.receiverId) return "ignored_unknown_payment";
    const userId = topup.receiverId;
    try {
      await this.deps.ledger.post(key, { kind, paymentIntent, key }, async (tx) => {
        const already = await this.deps.ledgerRepo.reversedFor(paymentIntent, tx.em);
        const target = Math.min(Math.max(wanted(topup), 0), topup.amount);
        const amount = kind === "refund" ? target - already : Math.min(target, topup.amount - already);
        if (amount <= 0) throw new NothingToReverse();
        const account = await tx.balances(userId, { forUpdate: true });
        const available = account?.wallet ?? 0;
        const taken = Math.min(available, amount);
        if (taken > 0) await tx.debit("wallet", userId, taken, { requireUnlocked: false });
        const shortfall = amount - taken;
        const recorded = await tx.record({
          kind,
          senderId: userId,
          receiverId: null,
          amount,
          reference: { topupId: topup.id, ...reference },
          externalRef: paymentIntent,
          legs: [
            { account: walletAccount(userId), amount: -taken },
            { account: PAYMENT_CLEARING, amount },
            { account: CHARGEBACK_LOSSES, amount: -shortfall },
          ],
          balanceAfter: available - taken,
        });
        if (already + amount >= topup.amount) await this.deps.ledgerRepo.setStatus(topup.id, "reversed", tx.em);
        if (shortfall > 0 && account) {
          await tx.lockWallet(userId);
          const reason = `${kind}_shortfall`;
          await this.deps.flags.open({ userId, reason, transactionId: recorded.id, amount: shortfall }, tx.em);
          // Written on this transaction's connection: the audit repo's own would wait for it on SQLite.
          await tx.em.insert(AuditLog, {
            id: randomUUID(),
            actorId: null,
            action: "wallet.locked",
            targetType: "user",
            targetId: userId,
            details: { reason, shortfall, transactionId: recorded.id },
            ip: null,
            createdAt: tx.now,
          });
        }
      });
      return kind === "refund" ? "refunded" : "charged_back";
    } catch (err) {
      if (err instanceof NothingToReverse) return "nothing_to_reverse";
      throw err;
    }
  }
}
