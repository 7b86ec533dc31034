// The ledger under load and its exactly-once rules, straight on WalletService (the part rooms
// call), once per SQL engine: 1,000 tips fired at once must leave every balance exact.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineEvents } from "../../engine/events/EngineEvents.ts";
import { createLogger } from "../../engine/logger.ts";
import { PAYMENT_CLEARING, PLATFORM_REVENUE, earningsAccount, walletAccount } from "../../engine/wallet/accounts.ts";
import { WalletError, type TransferResult } from "../../engine/wallet/types.ts";
import { WalletService } from "../../engine/wallet/WalletService.ts";
import { MemoryCache } from "../../storage/cache/MemoryCache.ts";
import type { SqlStore } from "../../storage/sql/index.ts";

/** Deterministic PRNG, so a failing run can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function walletLedgerSuite(label: string, open: () => Promise<SqlStore>, cleanup: () => Promise<void> = async () => {}) {
  describe(`wallet ledger (${label})`, () => {
    let sql: SqlStore;
    let cache: MemoryCache;
    let wallet: WalletService;

    beforeAll(async () => {
      sql = await open();
      cache = new MemoryCache({ sweepIntervalMs: 0 });
      const logger = createLogger({ LOG_LEVEL: "silent", isProduction: false });
      wallet = new WalletService({ sql, events: new EngineEvents(cache, logger), logger, stripe: { production: false, returnBase: "http://localhost" } });
    });
    afterAll(async () => {
      await sql?.close();
      await cache?.close();
      await cleanup();
    });

    const newUser = async (role: "member" | "creator" = "member") =>
      (await sql.users.create({ email: `${randomUUID()}@example.com`, passwordHash: "x", role, displayName: `${role} ${randomUUID().slice(0, 4)}`, birthDate: "1990-01-01" })).id;

    async function expectInvariants() {
      const balances = await sql.em().execute<Array<{ id: string; wallet_balance: unknown; earnings_balance: unknown }>>("select id, wallet_balance, earnings_balance from users");
      const ledger = await wallet.ledgerRepo.balances();
      expect(await wallet.ledgerRepo.grandTotal()).toBe(0);
      for (const u of balances) {
        expect(Number(u.wallet_balance)).toBeGreaterThanOrEqual(0);
        expect(Number(u.wallet_balance), `wallet of ${u.id}`).toBe(ledger.get(walletAccount(u.id)) ?? 0);
        expect(Number(u.earnings_balance), `earnings of ${u.id}`).toBe(ledger.get(earningsAccount(u.id)) ?? 0);
      }
    }

    it("debits once for the same key, answers identically, and refuses the key for another request", async () => {
      const [fan, creator] = [await newUser(), await newUser("creator")];
      await wallet.devTopup(fan, 500);
      const tip = { kind: "tip" as const, key: "k-1", fromUserId: fan, toUserId: creator, amount: 101, reference: { streamId: "s1" } };
      const first = await wallet.transfer(tip);
      const again = await wallet.transfer(tip);
      expect(first).toMatchObject({ amount: 101, balance: 399, replayed: false });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await wallet.balanceOf(fan)).toBe(399);
      // 80% floored to the creator, the rest to the platform: 80 + 21.
      expect((await wallet.summary(creator))?.earnings).toBe(80);

      for (const changed of [{ amount: 102 }, { toUserId: await newUser("creator") }, { reference: { streamId: "s2" } }]) {
        await expect(wallet.transfer({ ...tip, ...changed })).rejects.toMatchObject({ code: "idempotency_conflict" });
      }
      // Keys are per sender and per kind: another fan, or a spin, may reuse the string.
      const other = await newUser();
      await wallet.devTopup(other, 200);
      expect((await wallet.transfer({ ...tip, fromUserId: other })).replayed).toBe(false);
      expect((await wallet.transfer({ ...tip, kind: "spin" })).replayed).toBe(false);
      expect(await wallet.balanceOf(fan)).toBe(298);
      await expectInvariants();
    });

    it("refuses what would go below zero, bad amounts, self-payments, unknown users and locked wallets", async () => {
      const [fan, creator] = [await newUser(), await newUser("creator")];
      await wallet.devTopup(fan, 50);
      const tip = (over: Record<string, unknown>) => wallet.transfer({ kind: "tip", key: randomUUID(), fromUserId: fan, toUserId: creator, amount: 10, reference: {}, ...over });
      await expect(tip({ amount: 51 })).rejects.toMatchObject({ code: "insufficient_funds" });
      for (const amount of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e308, "10"]) {
        await expect(tip({ amount }), String(amount)).rejects.toMatchObject({ code: "invalid_amount" });
      }
      await expect(tip({ toUserId: fan })).rejects.toMatchObject({ code: "self_transfer" });
      await expect(tip({ toUserId: randomUUID() })).rejects.toMatchObject({ code: "unknown_user" });
      await expect(tip({ key: "" })).rejects.toBeInstanceOf(WalletError);
      await expect(tip({ key: "has space" })).rejects.toMatchObject({ code: "invalid_request" });
      expect((await tip({ amount: 50 })).balance).toBe(0);
      await expect(tip({ amount: 1 })).rejects.toMatchObject({ code: "insufficient_funds" });

      await wallet.devTopup(fan, 20);
      await sql.users.update(fan, { walletLocked: true });
      await expect(tip({ amount: 5 })).rejects.toMatchObject({ code: "wallet_locked" });
      expect(await wallet.balanceOf(fan)).toBe(20);
      await expectInvariants();
    });

    it("unlocks a resource once and grants access in the same transaction", async () => {
      const [fan, creator] = [await newUser(), await newUser("creator")];
      await wallet.devTopup(fan, 100);
      const req = { key: "u1", fromUserId: fan, toUserId: creator, amount: 30, reference: {}, resourceType: "dm_message", resourceId: "m-1" };
      const first = await wallet.unlock(req);
      expect(first.transfer).toMatchObject({ amount: 30, balance: 70, replayed: false });
      expect(await wallet.hasEntitlement(fan, "dm_message", "m-1")).toBe(true);
      expect((await wallet.unlock(req)).transfer).toMatchObject({ transactionId: first.transfer!.transactionId, replayed: true, balance: 70 });
      // Another key for something already bought: no second charge.
      expect(await wallet.unlock({ ...req, key: "u2" })).toEqual({ transfer: null, balance: 70 });
      // Ten concurrent purchases of one thing with different keys: exactly one is charged.
      const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => wallet.unlock({ ...req, key: `race-${i}`, resourceId: "m-2" })));
      expect(racing.filter((r) => r.transfer !== null)).toHaveLength(1);
      expect(await wallet.balanceOf(fan)).toBe(40);
      await expectInvariants();
    });

    it("lets two users pay each other at once without losing a payment (deadlocks are retried)", async () => {
      const [a, b] = [await newUser("creator"), await newUser("creator")];
      await wallet.devTopup(a, 10_000);
      await wallet.devTopup(b, 10_000);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => wallet.transfer({ kind: "tip", key: `x-${i}`, fromUserId: i % 2 ? a : b, toUserId: i % 2 ? b : a, amount: 10, reference: {} })),
      );
      expect(results.every((r) => !r.replayed)).toBe(true);
      // Each paid 100 × 10 and earned 100 × 8.
      expect(await wallet.summary(a)).toMatchObject({ balance: 9000, earnings: 800 });
      expect(await wallet.summary(b)).toMatchObject({ balance: 9000, earnings: 800 });
      await expectInvariants();
    }, 120_000);

    // Generous timeout: throughput depends on the machine (it is printed, never asserted).
    it("keeps every balance exact under 1,000 tips fired at once", async () => {
      const rand = mulberry32(20240607);
      const fans = await Promise.all(Array.from({ length: 10 }, () => newUser()));
      const creators = await Promise.all(Array.from({ length: 3 }, () => newUser("creator")));
      const initial = new Map<string, number>();
      for (const fan of fans) {
        const amount = 3000 + Math.floor(rand() * 5000);
        initial.set(fan, amount);
        await wallet.devTopup(fan, amount);
      }
      const before = await wallet.ledgerRepo.balances();

      type Tip = { kind: "tip"; key: string; fromUserId: string; toUserId: string; amount: number; reference: Record<string, string> };
      const unique: Tip[] = Array.from({ length: 800 }, (_, i) => ({
        kind: "tip",
        key: `tip-${i}`,
        fromUserId: fans[Math.floor(rand() * fans.length)]!,
        toUserId: creators[Math.floor(rand() * creators.length)]!,
        // Mostly small tips, some large enough to run wallets dry.
        amount: rand() < 0.85 ? 1 + Math.floor(rand() * 50) : 100 + Math.floor(rand() * 500),
        reference: { streamId: `room-${i % 5}` },
      }));
      const repeats = Array.from({ length: 200 }, () => ({ ...unique[Math.floor(rand() * unique.length)]! }));
      const all = [...unique, ...repeats];
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [all[i], all[j]] = [all[j]!, all[i]!];
      }

      const started = performance.now();
      const outcomes = await Promise.all(all.map((tip) => wallet.transfer(tip).then((r): TransferResult | WalletError => r, (e: unknown) => (e instanceof WalletError ? e : Promise.reject(e)))));
      const elapsed = performance.now() - started;
      const accepted = outcomes.filter((o): o is TransferResult => !(o instanceof WalletError));
      console.log(`[measure] ${label}: ${all.length} tips at once in ${elapsed.toFixed(0)} ms = ${((all.length / elapsed) * 1000).toFixed(0)} tips/s; ${accepted.filter((a) => !a.replayed).length} accepted, ${accepted.filter((a) => a.replayed).length} replayed, ${outcomes.length - accepted.length} refused`);

      const refused = outcomes.filter((o): o is WalletError => o instanceof WalletError);
      expect(new Set(refused.map((e) => e.code))).toEqual(new Set(refused.length ? ["insufficient_funds"] : []));
      expect(refused.length).toBeGreaterThan(0);

      // Per key: one fresh result, every other answer a replay of it.
      const byKey = new Map<string, TransferResult[]>();
      all.forEach((tip, i) => {
        const o = outcomes[i]!;
        if (!(o instanceof WalletError)) byKey.set(tip.key, [...(byKey.get(tip.key) ?? []), o]);
      });
      for (const [key, results] of byKey) {
        expect(results.filter((r) => !r.replayed), key).toHaveLength(1);
        expect(new Set(results.map((r) => r.transactionId)).size, key).toBe(1);
        expect(new Set(results.map((r) => r.balance)).size, key).toBe(1);
      }
      const acceptedTips = unique.filter((t) => byKey.has(t.key));
      const rows = await sql.em().execute<Array<{ idempotency_key: string; amount: unknown }>>("select idempotency_key, amount from transactions where kind = 'tip' and idempotency_key like 'tip:%:tip-%'");
      const recorded = rows.filter((r) => fans.some((f) => r.idempotency_key.startsWith(`tip:${f}:`)));
      expect(recorded).toHaveLength(acceptedTips.length);
      expect(new Set(recorded.map((r) => r.idempotency_key)).size).toBe(acceptedTips.length);

      await expectInvariants();
      const after = await wallet.ledgerRepo.balances();
      const delta = (account: string) => (after.get(account) ?? 0) - (before.get(account) ?? 0);
      const volume = acceptedTips.reduce((total, t) => total + t.amount, 0);
      const earned = creators.reduce((total, c) => total + delta(earningsAccount(c)), 0);
      expect(earned + delta(PLATFORM_REVENUE)).toBe(volume);
      expect(delta(PAYMENT_CLEARING)).toBe(0);
      for (const fan of fans) {
        const spent = acceptedTips.filter((t) => t.fromUserId === fan).reduce((total, t) => total + t.amount, 0);
        expect(await wallet.balanceOf(fan)).toBe(initial.get(fan)! - spent);
      }
    }, 120_000);
  });
}
