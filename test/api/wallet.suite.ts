// Wallet & commerce over HTTP (issue 4), through the real engine, once per store configuration:
// balances and top-ups, Stripe Checkout against a local stand-in of the Stripe API, signed
// webhooks (replays, refunds, disputes), tip menus, goals, PPV media, payouts, the revenue report
// and GDPR. Tips themselves are sent through WalletService, the same call the stream room makes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import type { Role } from "../../config/roles.ts";
import type { EngineEvent } from "../../engine/events/EngineEvents.ts";
import { WalletError } from "../../engine/wallet/types.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";
import { StripeStandIn } from "../standins/stripe.ts";

const ADMIN = { email: "wallet-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";
const WEBHOOK_SECRET = "whsec_test_wallet_suite_0123456789";
const MISSING = "00000000-0000-4000-8000-000000000000";

interface Account {
  id: string;
  token: string;
}

/** Bodies every amount field must refuse with 400: fractions, strings, negatives, zero, overflow. */
const BAD_AMOUNTS: unknown[] = [1.5, "10", -1, 0, 1e308, null, true, [5], { n: 5 }];

export function walletSuite(label: string, overrides: () => Promise<Partial<Record<keyof RawEnv, string>>>) {
  describe(`wallet & commerce API (${label})`, () => {
    let t: TestEngine;
    let admin: Account;
    const events: EngineEvent[] = [];
    let unsubscribe: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      t = await bootEngine({
        JWT_SECRET: "wallet-test-secret-long-enough-0123456789",
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RTMP_PORT: "19351",
        ...(await overrides()),
      });
      const login = await t.api("/auth/login", { body: ADMIN });
      admin = { id: login.body.user.id, token: login.body.accessToken };
      unsubscribe = await t.engine.services.events.subscribe((e) => events.push(e));
    });
    afterAll(async () => {
      await unsubscribe?.();
      await t?.stop();
    });

    const wallet = () => t.engine.services.wallet;

    async function account(role: Role = "member", verified = false): Promise<Account> {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail("w"), password: PASSWORD, displayName: `${role} person`, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id = reg.body.user.id as string;
      if (role !== "member") expect((await t.api(`/admin/users/${id}/role`, { token: admin.token, body: { role } })).status).toBe(200);
      if (verified) expect((await t.api(`/admin/users/${id}/verify`, { token: admin.token, rawBody: "" })).status).toBe(200);
      return { id, token: reg.body.accessToken };
    }

    async function topup(who: Account, amount: number) {
      const res = await t.api("/wallet/topups", { token: who.token, body: { amount } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { balance: number; transactionId: string };
    }

    const tip = (from: Account, to: Account, amount: number, kind: "tip" | "tip_menu" | "spin" = "tip") =>
      wallet().transfer({ kind, key: randomUUID(), fromUserId: from.id, toUserId: to.id, amount, reference: { streamId: MISSING } });

    const balance = async (who: Account) => (await t.api("/wallet", { token: who.token })).body as { balance: number; earnings: number; locked: boolean; currency: string };

    /** Posts a Stripe event signed with `secret`, as Stripe would. */
    function deliver(event: Record<string, unknown>, secret = WEBHOOK_SECRET) {
      const { rawBody, signature } = StripeStandIn.signed(event, secret);
      return t.api("/webhooks/stripe", { rawBody, headers: { "stripe-signature": signature } });
    }

    /** A Checkout Session as Stripe reports it once paid, for a package bought by `who`. */
    function paidSession(who: Account, tokens: number, cents: number) {
      return { id: `cs_test_${randomUUID().replaceAll("-", "")}`, object: "checkout.session", mode: "payment", status: "complete", payment_status: "paid", amount_total: cents, currency: "eur", client_reference_id: who.id, metadata: { userId: who.id, packageId: `tkn-${tokens}`, tokens: String(tokens) }, payment_intent: `pi_test_${randomUUID().replaceAll("-", "")}` };
    }

    async function waitForEvent(match: (e: EngineEvent) => boolean) {
      for (let i = 0; i < 100 && !events.some(match); i++) await new Promise((r) => setTimeout(r, 20));
      expect(events.some(match)).toBe(true);
    }

    describe("balance and top-ups", () => {
      it("shows an empty wallet, and nothing without a token", async () => {
        const fan = await account();
        expect((await t.api("/wallet", { token: fan.token })).body).toEqual({ balance: 0, currency: "TKN", earnings: 0, locked: false });
        expect((await t.api("/wallet")).status).toBe(401);
        expect((await t.api("/wallet/transactions")).status).toBe(401);
      });

      it("lists the token packages and says payments run in dev mode here", async () => {
        const res = await t.api("/wallet/packages");
        expect(res.status).toBe(200);
        expect(res.body.payments).toBe("dev");
        expect(res.body.items.map((p: { tokens: number }) => p.tokens)).toEqual([100, 500, 1200, 2600]);
        for (const p of res.body.items) expect(Number.isInteger(p.priceCents)).toBe(true);
      });

      it("credits dev top-ups by package or amount, once per key", async () => {
        const fan = await account();
        expect((await t.api("/wallet/topups", { token: fan.token, body: { packageId: "tkn-500" } })).body).toMatchObject({ balance: 500, dev: true, tokens: 500 });
        expect((await topup(fan, 100)).balance).toBe(600);
        const first = await t.api("/wallet/topups", { token: fan.token, body: { amount: 250, key: "again" } });
        const second = await t.api("/wallet/topups", { token: fan.token, body: { amount: 250, key: "again" } });
        expect(first.body).toMatchObject({ balance: 850, replayed: false });
        expect(second.body).toEqual({ ...first.body, replayed: true });
        expect((await t.api("/wallet/topups", { token: fan.token, body: { amount: 300, key: "again" } })).body.error.code).toBe("idempotency_conflict");
        expect((await t.api("/users/me", { token: fan.token })).body.walletBalance).toBe(850);
      });

      it("refuses anything but a whole positive number of tokens with 400", async () => {
        const fan = await account();
        const bodies: unknown[] = [...BAD_AMOUNTS.map((amount) => ({ amount })), {}, { packageId: "nope" }, { packageId: "tkn-100", amount: 500 }, { amount: 100, extra: 1 }, { amount: 100, key: "has space" }, [100]];
        for (const body of bodies) {
          const res = await t.api("/wallet/topups", { token: fan.token, body });
          expect(res.status, JSON.stringify(body)).toBe(400);
          expect(res.body.error.code).toBe("invalid_request");
        }
        for (const rawBody of ['{"amount": NaN}', '{"amount": Infinity}', '{"amount": 1e999}', "{nope"]) {
          expect((await t.api("/wallet/topups", { token: fan.token, rawBody })).status, rawBody).toBe(400);
        }
        expect((await balance(fan)).balance).toBe(0);
      });

      it("lists the caller's ledger lines newest first, page by page", async () => {
        const [fan, creator] = [await account(), await account("creator")];
        await topup(fan, 100);
        await topup(fan, 200);
        await tip(fan, creator, 30);
        const page1 = await t.api("/wallet/transactions?limit=2", { token: fan.token });
        expect(page1.status).toBe(200);
        expect(page1.body.items.map((l: { kind: string; amount: number }) => [l.kind, l.amount])).toEqual([
          ["tip", -30],
          ["topup", 200],
        ]);
        expect(page1.body.items[0]).toMatchObject({ account: "wallet", counterpartyId: creator.id, balanceAfter: 270 });
        const page2 = await t.api(`/wallet/transactions?limit=2&cursor=${page1.body.nextCursor}`, { token: fan.token });
        expect(page2.body.items.map((l: { amount: number }) => l.amount)).toEqual([100]);
        expect(page2.body.nextCursor).toBeNull();
        const earned = await t.api("/wallet/transactions?account=earnings", { token: creator.token });
        expect(earned.body.items).toEqual([expect.objectContaining({ kind: "tip", account: "earnings", amount: 24, counterpartyId: fan.id, balanceAfter: null })]);
        expect((await t.api("/wallet/transactions?cursor=garbage", { token: fan.token })).status).toBe(400);
        expect((await t.api("/wallet/transactions?limit=0", { token: fan.token })).status).toBe(400);
      });
    });

    describe("Stripe webhooks", () => {
      it("refuses a bad, missing or reused signature with 400 and credits nothing", async () => {
        const fan = await account();
        const event = StripeStandIn.event("checkout.session.completed", paidSession(fan, 500, 4499));
        const wrong = await deliver(event, "whsec_someone_else");
        expect(wrong.status).toBe(400);
        expect(wrong.body.error.code).toBe("invalid_signature");
        expect((await t.api("/webhooks/stripe", { rawBody: JSON.stringify(event) })).status).toBe(400);
        // A valid signature over another body does not carry over.
        const { signature } = StripeStandIn.signed(StripeStandIn.event("checkout.session.completed", paidSession(fan, 100, 999)), WEBHOOK_SECRET);
        expect((await t.api("/webhooks/stripe", { rawBody: JSON.stringify(event), headers: { "stripe-signature": signature } })).status).toBe(400);
        expect((await balance(fan)).balance).toBe(0);
      });

      it("credits a paid session exactly once, whatever is replayed", async () => {
        const fan = await account();
        const session = paidSession(fan, 1200, 9999);
        const event = StripeStandIn.event("checkout.session.completed", session);
        expect((await deliver(event)).body).toEqual({ received: true, duplicate: false, outcome: "credited" });
        expect((await deliver(event)).body).toMatchObject({ duplicate: true });
        // Another event about the same session (a second delivery path) does not credit again.
        expect((await deliver(StripeStandIn.event("checkout.session.async_payment_succeeded", session))).status).toBe(200);
        expect((await balance(fan)).balance).toBe(1200);
        // Unpaid sessions wait for the async success event.
        const pending = await deliver(StripeStandIn.event("checkout.session.completed", { ...paidSession(fan, 100, 999), payment_status: "unpaid" }));
        expect(pending.body.outcome).toBe("awaiting_payment");
        expect((await balance(fan)).balance).toBe(1200);
        expect((await deliver(StripeStandIn.event("customer.created", { id: "cus_1", object: "customer" }))).body.outcome).toBe("ignored");
      });

      it("takes back refunded tokens, in part and in full, once per refund", async () => {
        const fan = await account();
        const session = paidSession(fan, 1200, 9999);
        await deliver(StripeStandIn.event("checkout.session.completed", session));
        const partial = StripeStandIn.event("charge.refunded", StripeStandIn.charge({ paymentIntent: session.payment_intent, amount: 9999, amountRefunded: 5000 }));
        expect((await deliver(partial)).body.outcome).toBe("refunded");
        // floor(1200 × 5000 / 9999) = 600 tokens back.
        expect((await balance(fan)).balance).toBe(600);
        expect((await deliver(partial)).body.duplicate).toBe(true);
        // The same charge, now refunded in full (a new event): the remaining 600.
        await deliver(StripeStandIn.event("charge.refunded", StripeStandIn.charge({ paymentIntent: session.payment_intent, amount: 9999, amountRefunded: 9999 })));
        expect(await balance(fan)).toMatchObject({ balance: 0, locked: false });
        const lines = (await t.api("/wallet/transactions", { token: fan.token })).body.items.map((l: { kind: string; amount: number }) => [l.kind, l.amount]);
        expect(lines).toEqual([
          ["refund", -600],
          ["refund", -600],
          ["topup", 1200],
        ]);
        expect(await wallet().ledgerRepo.grandTotal()).toBe(0);
      });

      it("on a dispute over tokens already spent, takes what is left, locks the wallet and flags it for admins", async () => {
        const [fan, creator] = [await account(), await account("creator")];
        const session = paidSession(fan, 500, 4499);
        await deliver(StripeStandIn.event("checkout.session.completed", session));
        await tip(fan, creator, 450);
        const charge = StripeStandIn.charge({ paymentIntent: session.payment_intent, amount: 4499, amountRefunded: 0 });
        const dispute = StripeStandIn.event("charge.dispute.created", StripeStandIn.dispute({ paymentIntent: session.payment_intent, charge: String(charge.id), amount: 4499 }));
        expect((await deliver(dispute)).body.outcome).toBe("charged_back");
        expect(await balance(fan)).toMatchObject({ balance: 0, locked: true });
        expect((await deliver(dispute)).body.duplicate).toBe(true);

        await expect(tip(fan, creator, 1)).rejects.toMatchObject({ code: "wallet_locked" });
        const member = await account();
        expect((await t.api("/admin/wallet-flags", { token: member.token })).status).toBe(403);
        const flags = await t.api("/admin/wallet-flags?status=open", { token: admin.token });
        const flag = flags.body.items.find((f: { userId: string }) => f.userId === fan.id);
        expect(flag).toMatchObject({ reason: "chargeback_shortfall", amount: 450, status: "open" });
        const audit = await t.api(`/admin/audit?action=wallet.locked`, { token: admin.token });
        expect(audit.body.items.some((a: { targetId: string }) => a.targetId === fan.id)).toBe(true);
        // The creator keeps the earnings; the platform books the loss.
        expect((await balance(creator)).earnings).toBe(360);
        expect(await wallet().ledgerRepo.grandTotal()).toBe(0);

        const resolved = await t.api(`/admin/wallet-flags/${flag.id}/resolve`, { token: admin.token, body: { unlock: true, note: "Settled with the buyer" } });
        expect(resolved.body).toMatchObject({ status: "resolved", resolvedBy: admin.id });
        expect((await t.api(`/admin/wallet-flags/${flag.id}/resolve`, { token: admin.token, body: {} })).status).toBe(409);
        expect((await balance(fan)).locked).toBe(false);
      });

      it("creates a Checkout Session through the real SDK, then credits it from the webhook", async () => {
        const standIn = await new StripeStandIn().start();
        wallet().payments.useClient(standIn.client());
        try {
          const fan = await account();
          expect((await t.api("/wallet/packages")).body.payments).toBe("stripe");
          const res = await t.api("/wallet/topups", { token: fan.token, body: { packageId: "tkn-1200", key: "checkout-1" } });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          expect(res.body).toMatchObject({ packageId: "tkn-1200", tokens: 1200 });
          expect(res.body.checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/cs_test_/);
          const sent = standIn.requests.find((r) => r.path === "/v1/checkout/sessions")!;
          expect(sent.headers["idempotency-key"]).toBe(`topup:${fan.id}:checkout-1`);
          expect(sent.body).toMatchObject({
            mode: "payment",
            client_reference_id: fan.id,
            metadata: { userId: fan.id, packageId: "tkn-1200", tokens: "1200" },
            line_items: [{ quantity: "1", price_data: { currency: "eur", unit_amount: "9999" } }],
          });
          // A retried request returns the same session.
          expect((await t.api("/wallet/topups", { token: fan.token, body: { amount: 1200, key: "checkout-1" } })).body.sessionId).toBe(res.body.sessionId);
          // With real money, only packages are for sale; nothing is credited before Stripe says paid.
          expect((await t.api("/wallet/topups", { token: fan.token, body: { amount: 250 } })).status).toBe(400);
          expect((await balance(fan)).balance).toBe(0);

          await deliver(StripeStandIn.event("checkout.session.completed", standIn.paid(res.body.sessionId)));
          expect((await balance(fan)).balance).toBe(1200);
        } finally {
          wallet().payments.useClient(null);
          await standIn.stop();
        }
      });
    });

    describe("tip menu and goals", () => {
      it("lets creators manage their own menu only, and tells live rooms", async () => {
        const [creator, rival, member] = [await account("creator"), await account("creator"), await account()];
        expect((await t.api("/tip-menu", { body: { label: "Song request", price: 50 } })).status).toBe(401);
        expect((await t.api("/tip-menu", { token: member.token, body: { label: "Song request", price: 50 } })).status).toBe(403);
        const made = await t.api("/tip-menu", { token: creator.token, body: { label: "  Song request ", price: 50 } });
        expect(made.status).toBe(201);
        expect(made.body).toMatchObject({ creatorId: creator.id, label: "Song request", price: 50 });
        await waitForEvent((e) => e.type === "tipmenu.updated" && e.creatorId === creator.id);

        const id = made.body.id as string;
        expect((await t.api(`/tip-menu/${id}`, { method: "PATCH", token: rival.token, body: { price: 1 } })).status).toBe(403);
        expect((await t.api(`/tip-menu/${id}`, { method: "DELETE", token: rival.token })).status).toBe(403);
        expect((await t.api(`/tip-menu/${id}`, { method: "PATCH", token: creator.token, body: { price: 75 } })).body.price).toBe(75);
        expect((await t.api(`/creators/${creator.id}/tip-menu`)).body.items).toEqual([{ id, creatorId: creator.id, label: "Song request", price: 75 }]);
        expect(await wallet().tipMenu(creator.id)).toEqual([{ id, creatorId: creator.id, label: "Song request", price: 75 }]);
        expect((await t.api(`/creators/${rival.id}/tip-menu`)).body.items).toEqual([]);

        for (const body of [{ label: "", price: 5 }, { label: "x".repeat(61), price: 5 }, { label: "Bad\u0007bell", price: 5 }, ...BAD_AMOUNTS.map((price) => ({ label: "Shout-out", price })), { label: "Shout-out", price: 100_001 }, { label: "Shout-out" }]) {
          expect((await t.api("/tip-menu", { token: creator.token, body })).status, JSON.stringify(body)).toBe(400);
        }
        expect((await t.api(`/tip-menu/${id}`, { method: "PATCH", token: creator.token, body: {} })).status).toBe(400);
        expect((await t.api(`/tip-menu/not-a-uuid`, { method: "DELETE", token: creator.token })).status).toBe(400);

        expect((await t.api(`/tip-menu/${id}`, { method: "DELETE", token: creator.token })).status).toBe(204);
        expect((await t.api(`/tip-menu/${id}`, { method: "DELETE", token: creator.token })).status).toBe(404);
      });

      it("holds at most 30 items per creator", async () => {
        const creator = await account("creator");
        const adds = await Promise.all(Array.from({ length: 32 }, (_, i) => t.api("/tip-menu", { token: creator.token, body: { label: `Shout-out ${i + 1}`, price: i + 1 } })));
        expect(adds.filter((r) => r.status === 201)).toHaveLength(30);
        expect(adds.filter((r) => r.status === 409).every((r) => r.body.error.code === "tip_menu_full")).toBe(true);
        expect((await t.api(`/creators/${creator.id}/tip-menu`)).body.items).toHaveLength(30);
      });

      it("lets only the stream's creator set its goal, and tells live rooms", async () => {
        const [creator, rival] = [await account("creator", true), await account("creator", true)];
        const stream = (await t.api("/streams", { token: creator.token, body: { title: "Evening show" } })).body as { id: string };
        const goal = { label: "New microphone", target: 5000, next: [{ label: "Encore", target: 2000 }] };
        expect((await t.api(`/streams/${stream.id}/goal`, { method: "PUT", token: rival.token, body: goal })).status).toBe(403);
        expect((await t.api(`/streams/${MISSING}/goal`, { method: "PUT", token: creator.token, body: goal })).status).toBe(404);
        for (const body of [{ label: "x", target: 0 }, { label: "x", target: 1.5 }, { label: "", target: 10 }, { label: "x", target: 10, next: Array(11).fill({ label: "y", target: 1 }) }, { label: "x", target: "10" }]) {
          expect((await t.api(`/streams/${stream.id}/goal`, { method: "PUT", token: creator.token, body })).status, JSON.stringify(body)).toBe(400);
        }
        const set = await t.api(`/streams/${stream.id}/goal`, { method: "PUT", token: creator.token, body: goal });
        expect(set.body).toEqual({ streamId: stream.id, ...goal });
        await waitForEvent((e) => e.type === "goal.updated" && e.streamId === stream.id);
        expect(await wallet().goal(stream.id)).toEqual({ streamId: stream.id, ...goal });
        expect((await t.api(`/streams/${stream.id}/goal`)).body.goal).toEqual({ streamId: stream.id, ...goal });
        expect((await t.api(`/streams/${stream.id}/goal`, { method: "DELETE", token: creator.token })).status).toBe(204);
        expect(await wallet().goal(stream.id)).toBeNull();
      });
    });

    describe("pay-per-view media", () => {
      it("hides a priced file until it is unlocked, and charges once", async () => {
        const [owner, fan, other] = [await account("provider"), await account(), await account()];
        const media = (await t.api("/media", { token: owner.token, body: { mediaUrl: "https://cdn.example/set/one.jpg", caption: "Studio set", visibility: "public" } })).body as { id: string };
        expect((await t.api(`/media/${media.id}/price`, { method: "PUT", token: fan.token, body: { price: 40 } })).status).toBe(403);
        for (const price of [-1, 1.5, "40", 100_001]) expect((await t.api(`/media/${media.id}/price`, { method: "PUT", token: owner.token, body: { price } })).status).toBe(400);
        const priced = await t.api(`/media/${media.id}/price`, { method: "PUT", token: owner.token, body: { price: 40 } });
        expect(priced.body).toMatchObject({ price: 40, locked: false, mediaUrl: "https://cdn.example/set/one.jpg" });

        for (const token of [fan.token, undefined]) {
          expect((await t.api(`/media/${media.id}`, { token })).body).toMatchObject({ price: 40, locked: true, mediaUrl: null });
          const listed = (await t.api(`/media?userId=${owner.id}`, { token })).body.items.find((m: { id: string }) => m.id === media.id);
          expect(listed).toMatchObject({ locked: true, mediaUrl: null });
        }
        expect((await t.api(`/media/${media.id}`, { token: owner.token })).body).toMatchObject({ locked: false, mediaUrl: "https://cdn.example/set/one.jpg" });

        const broke = await t.api(`/media/${media.id}/unlock`, { token: fan.token, body: { key: "p1" } });
        expect(broke.status).toBe(409);
        expect(broke.body.error.code).toBe("insufficient_funds");
        await topup(fan, 100);
        const paid = await t.api(`/media/${media.id}/unlock`, { token: fan.token, body: { key: "p1" } });
        expect(paid.body).toMatchObject({ mediaUrl: "https://cdn.example/set/one.jpg", charged: 40, balance: 60, replayed: false });
        const again = await t.api(`/media/${media.id}/unlock`, { token: fan.token, body: { key: "p1" } });
        expect(again.body).toEqual({ ...paid.body, replayed: true });
        expect((await t.api(`/media/${media.id}/unlock`, { token: fan.token, body: { key: "p2" } })).body).toMatchObject({ charged: 0, transactionId: null, balance: 60 });
        expect((await t.api(`/media/${media.id}`, { token: fan.token })).body).toMatchObject({ locked: false, mediaUrl: "https://cdn.example/set/one.jpg" });
        expect((await t.api(`/media/${media.id}`, { token: other.token })).body.mediaUrl).toBeNull();
        expect(await wallet().media.canAccessMedia(fan.id, { id: media.id, userId: owner.id, price: 40 })).toBe(true);
        expect(await wallet().media.canAccessMedia(other.id, { id: media.id, userId: owner.id, price: 40 })).toBe(false);
        expect(await wallet().hasEntitlement(fan.id, "media", media.id)).toBe(true);
        expect((await t.api(`/media/${media.id}/unlock`, { token: owner.token, body: { key: "own" } })).body).toMatchObject({ charged: 0 });
        expect((await balance(owner)).earnings).toBe(32);
        expect((await balance(fan)).balance).toBe(60);

        for (const body of [{}, { key: "" }, { key: "has space" }, { key: "x".repeat(129) }]) expect((await t.api(`/media/${media.id}/unlock`, { token: fan.token, body })).status).toBe(400);
        expect((await t.api(`/media/${MISSING}/unlock`, { token: fan.token, body: { key: "k" } })).status).toBe(404);
        expect((await t.api(`/media/${media.id}/unlock`, { body: { key: "k" } })).status).toBe(401);
      });
    });

    describe("payouts", () => {
      it("pays out verified creators' earnings above the minimum, once", async () => {
        const [member, unverified, creator, fan] = [await account(), await account("creator"), await account("creator", true), await account()];
        expect((await t.api("/payouts", { token: member.token, body: { amount: 1000 } })).status).toBe(403);
        const kyc = await t.api("/payouts", { token: unverified.token, body: { amount: 1000 } });
        expect(kyc.status).toBe(403);
        expect(kyc.body.error.code).toBe("kyc_required");
        const small = await t.api("/payouts", { token: creator.token, body: { amount: 999 } });
        expect(small.status).toBe(400);
        expect(small.body.error.code).toBe("below_minimum");
        expect((await t.api("/payouts", { token: creator.token, body: { amount: 1000 } })).body.error.code).toBe("insufficient_funds");
        for (const amount of BAD_AMOUNTS) expect((await t.api("/payouts", { token: creator.token, body: { amount } })).status).toBe(400);

        await topup(fan, 2000);
        await tip(fan, creator, 1500);
        expect((await balance(creator)).earnings).toBe(1200);
        const requested = await t.api("/payouts", { token: creator.token, body: { amount: 1000, key: "w-1" } });
        expect(requested.status).toBe(201);
        expect(requested.body).toMatchObject({ userId: creator.id, amount: 1000, status: "requested", paidAt: null, replayed: false });
        const retried = await t.api("/payouts", { token: creator.token, body: { amount: 1000, key: "w-1" } });
        expect(retried.status).toBe(200);
        expect(retried.body).toMatchObject({ id: requested.body.id, replayed: true });
        expect((await balance(creator)).earnings).toBe(200);

        expect((await t.api("/payouts", { token: creator.token })).body.items.map((p: { id: string }) => p.id)).toEqual([requested.body.id]);
        expect((await t.api("/payouts", { token: fan.token })).body.items).toEqual([]);
        expect((await t.api("/admin/payouts", { token: creator.token })).status).toBe(403);
        expect((await t.api("/admin/payouts?status=requested", { token: admin.token })).body.items.some((p: { id: string }) => p.id === requested.body.id)).toBe(true);
        expect((await t.api(`/admin/payouts/${requested.body.id}/paid`, { token: creator.token, rawBody: "" })).status).toBe(403);
        const paid = await t.api(`/admin/payouts/${requested.body.id}/paid`, { token: admin.token, rawBody: "" });
        expect(paid.body).toMatchObject({ status: "paid" });
        expect(paid.body.paidAt).not.toBeNull();
        expect((await t.api(`/admin/payouts/${requested.body.id}/paid`, { token: admin.token, rawBody: "" })).status).toBe(409);
        expect((await t.api(`/admin/payouts/${MISSING}/paid`, { token: admin.token, rawBody: "" })).status).toBe(404);
        expect(await wallet().ledgerRepo.grandTotal()).toBe(0);
      });
    });

    describe("revenue report", () => {
      it("sums spending per creator, kind and day, split into earnings and platform revenue", async () => {
        const from = new Date(Date.now() - 1).toISOString();
        const [fan, a, b] = [await account(), await account("creator"), await account("creator")];
        await topup(fan, 1000);
        await tip(fan, a, 100);
        await tip(fan, a, 7, "tip_menu");
        await tip(fan, b, 33, "spin");
        const creator = await t.api(`/admin/revenue?from=${from}&groupBy=creator`, { token: admin.token });
        expect(creator.status).toBe(200);
        const rowOf = (id: string) => creator.body.rows.find((r: { key: string }) => r.key === id);
        // 80 + floor(5.6) = 85 to the creator, 20 + 2 to the platform.
        expect(rowOf(a.id)).toMatchObject({ count: 2, volume: 107, creatorEarnings: 85, platformRevenue: 22, creatorName: "creator person" });
        expect(rowOf(b.id)).toMatchObject({ count: 1, volume: 33, creatorEarnings: 26, platformRevenue: 7 });
        expect(creator.body.totals).toMatchObject({ count: 3, volume: 140, creatorEarnings: 111, platformRevenue: 29, topups: 1000 });

        const kind = await t.api(`/admin/revenue?from=${encodeURIComponent(from)}&groupBy=kind`, { token: admin.token });
        expect(kind.body.rows.map((r: { key: string; volume: number }) => [r.key, r.volume])).toEqual([
          ["spin", 33],
          ["tip", 100],
          ["tip_menu", 7],
          ["topup", 1000],
        ]);
        const day = await t.api(`/admin/revenue?from=${encodeURIComponent(from)}`, { token: admin.token });
        expect(day.body.rows).toEqual([{ key: new Date().toISOString().slice(0, 10), count: 3, volume: 140, creatorEarnings: 111, platformRevenue: 29 }]);

        expect((await t.api("/admin/revenue", { token: fan.token })).status).toBe(403);
        for (const q of ["from=yesterday", "from=2024-02-30", "groupBy=month", "from=2030-01-01&to=2020-01-01"]) expect((await t.api(`/admin/revenue?${q}`, { token: admin.token })).status, q).toBe(400);
        expect((await t.api("/admin/revenue?from=2000-01-01&to=2000-01-01", { token: admin.token })).body.totals.volume).toBe(0);
      });
    });

    describe("GDPR", () => {
      it("exports the wallet, and on erasure keeps the records but not the person", async () => {
        const [fan, creator] = [await account(), await account("creator")];
        await topup(fan, 300);
        const sent = await tip(fan, creator, 100);
        const exported = await t.api("/users/me/export", { token: fan.token });
        expect(exported.body.data.wallet.account).toMatchObject({ balance: 200 });
        expect(exported.body.data.wallet.transactions.map((x: { kind: string }) => x.kind)).toEqual(["topup", "tip"]);

        expect((await t.api("/users/me", { method: "DELETE", token: fan.token })).status).toBe(202);
        const sql = t.engine.services.stores.sql;
        const mentions = await sql.em().execute<unknown[]>("select id from transactions where sender_id = ? or receiver_id = ? or idempotency_key like ?", [fan.id, fan.id, `%${fan.id}%`]);
        expect(mentions).toEqual([]);
        expect(await sql.em().execute<unknown[]>("select id from ledger_entries where account like ?", [`%${fan.id}%`])).toEqual([]);
        const kept = await wallet().ledgerRepo.transactionById(sent.transactionId);
        expect(kept).toMatchObject({ amount: 100, kind: "tip", receiverId: creator.id });
        expect(kept!.senderId).not.toBe(fan.id);
        expect(await wallet().ledgerRepo.grandTotal()).toBe(0);
        const seenByCreator = (await t.api("/wallet/transactions", { token: creator.token })).body.items[0];
        expect(seenByCreator).toMatchObject({ transactionId: sent.transactionId, counterpartyId: kept!.senderId, amount: 80 });
      });
    });

    it("documents every wallet route in the OpenAPI document", async () => {
      const doc = (await t.api("/openapi.json")).body;
      for (const path of ["/wallet", "/wallet/transactions", "/wallet/packages", "/wallet/topups", "/webhooks/stripe", "/creators/{id}/tip-menu", "/tip-menu", "/tip-menu/{itemId}", "/streams/{id}/goal", "/media/{id}/price", "/media/{id}/unlock", "/payouts", "/admin/payouts", "/admin/payouts/{id}/paid", "/admin/revenue", "/admin/wallet-flags", "/admin/wallet-flags/{id}/resolve"]) {
        expect(doc.paths[`/api/v1${path}`], path).toBeDefined();
      }
    });

    it("answers room-style transfer errors with WalletError codes", async () => {
      const [fan, creator] = [await account(), await account("creator")];
      await expect(tip(fan, creator, 5)).rejects.toBeInstanceOf(WalletError);
      await expect(tip(fan, creator, 5)).rejects.toMatchObject({ code: "insufficient_funds" });
    });
  });
}
