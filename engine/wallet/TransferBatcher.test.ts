// Batched transfers must write what posting each alone writes: a row, balanced entries and a
// true balanceAfter per transfer, a refused debit refusing only itself, a repeated key replaying.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { EngineEvents } from "../events/EngineEvents.ts";
import { createLogger } from "../logger.ts";
import { MemoryCache } from "../../storage/cache/MemoryCache.ts";
import { createSqlStore, type SqlStore } from "../../storage/sql/index.ts";
import { WalletError, type TransferResult } from "./types.ts";
import { WalletService } from "./WalletService.ts";

let dir = "";
let sql: SqlStore;
let cache: MemoryCache;
let wallet: WalletService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "teezu-batch-"));
  sql = await createSqlStore({ dataDir: dir });
  cache = new MemoryCache({ sweepIntervalMs: 0 });
  const logger = createLogger({ LOG_LEVEL: "silent", isProduction: false });
  wallet = new WalletService({ sql, events: new EngineEvents(cache, logger), logger, stripe: { production: false, returnBase: "http://localhost" } });
});
afterAll(async () => {
  await sql?.close();
  await cache?.close();
  await rm(dir, { recursive: true, force: true });
});

const user = async (role: "member" | "creator") => (await sql.users.create({ email: `${randomUUID()}@example.com`, passwordHash: "x", role, displayName: role, birthDate: "1990-01-01" })).id;

it("posts concurrent tips to one creator together, each exactly as alone", async () => {
  const creator = await user("creator");
  const fans = await Promise.all([1, 2, 3].map(() => user("member")));
  for (const fan of fans) await wallet.devTopup(fan, 100);
  const post = (fan: number, key: string, amount: number) => wallet.transfer({ kind: "tip", key, fromUserId: fans[fan]!, toUserId: creator, amount, reference: { streamId: "s" } });
  const alone = vi.spyOn(wallet as unknown as { postTransfer: () => unknown }, "postTransfer");
  const settled = await Promise.allSettled([post(0, "a", 10), post(0, "b", 20), post(1, "a", 30), post(1, "a", 30), post(2, "x", 500), post(2, "y", 7), post(0, "c", 1)]);
  // The first went alone; the six that arrived meanwhile were one batch, bar the repeated key (alone, a replay).
  expect(alone).toHaveBeenCalledTimes(2);
  const ok = settled.map((s) => (s.status === "fulfilled" ? s.value : null));
  expect(settled[4]).toMatchObject({ status: "rejected", reason: expect.any(WalletError) });
  expect((settled[4] as PromiseRejectedResult).reason.code).toBe("insufficient_funds");
  expect(ok[3]).toMatchObject({ transactionId: ok[2]!.transactionId, replayed: true, balance: 70 });
  expect(ok[5]!.balance).toBe(93);
  // fan 0 paid 10, 20, 1 in some order: each balance is what was left right after that tip.
  const fan0 = [ok[0], ok[1], ok[6]] as TransferResult[];
  expect(Math.min(...fan0.map((r) => r.balance))).toBe(69);
  const rows = await sql.em().execute<Array<{ sender_id: string; amount: number; balance_after: number }>>("select sender_id, amount, balance_after from transactions where kind = 'tip' and sender_id = ? order by balance_after desc", [fans[0]]);
  let left = 100;
  for (const r of rows) expect(Number(r.balance_after)).toBe((left -= Number(r.amount)));

  const sums = await sql.em().execute<Array<{ s: number }>>("select coalesce(sum(e.amount), 0) as s from ledger_entries e join transactions t on t.id = e.transaction_id where t.receiver_id = ?", [creator]);
  expect(Number(sums[0]!.s)).toBe(0);
  const summary = await wallet.summary(creator);
  expect(summary!.earnings).toBe([10, 20, 30, 7, 1].reduce((n, a) => n + Math.floor((a * 8000) / 10_000), 0));
  expect(await wallet.balanceOf(fans[1]!)).toBe(70);
});
