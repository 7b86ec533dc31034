// The XP service on the embedded cache and document store: idempotent awards, caps, one-time
// achievements, leaderboards, and the profile coming back after the cache lost everything.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { XP_RULES } from "../../config/gamification.ts";
import { MemoryCache } from "../../storage/cache/MemoryCache.ts";
import { EmbeddedDocStore } from "../../storage/docs/EmbeddedDocStore.ts";
import type { DocWrite, QueuedWrite } from "../../storage/ports.ts";
import { Later } from "../../storage/write-behind/sinks.ts";
import { createLogger } from "../logger.ts";
import { GamificationService } from "./GamificationService.ts";

describe("GamificationService", () => {
  let docs: EmbeddedDocStore;
  let cache: MemoryCache;
  let pending: Promise<unknown>[];
  const names = async (ids: string[]) => new Map(ids.map((id) => [id, `Name of ${id}`]));
  const logger = createLogger({ LOG_LEVEL: "silent", isProduction: false });

  /** A write-behind stand-in that applies each write at once; `settle()` waits for them. */
  const later = () =>
    new Later(
      {
        enqueue: (w: QueuedWrite) => void pending.push(docs.batch([w.payload as DocWrite])),
        durable: async () => undefined,
      },
      1536,
    );
  const service = (c = cache) => new GamificationService({ cache: c, docs, later: later(), logger, names });
  const settle = () => Promise.all(pending);

  beforeEach(() => {
    docs = new EmbeddedDocStore(":memory:");
    cache = new MemoryCache({ sweepIntervalMs: 0 });
    pending = [];
  });
  afterEach(async () => {
    await settle();
    await cache.close();
    await docs.close();
  });

  it("counts an event key once and unlocks an achievement once", async () => {
    const g = service();
    const tip = { kind: "tip" as const, userId: "u1", streamId: "s1", amount: 30, key: "tx-1" };
    const first = await g.record(tip);
    expect(first).toMatchObject({ xp: 30 * XP_RULES.perTokenTipped, total: 30, achievements: [expect.objectContaining({ id: "first_tip" })] });
    expect(await g.record(tip)).toBeNull();
    const second = await g.record({ ...tip, key: "tx-2" });
    expect(second).toMatchObject({ total: 60, achievements: [] });
    expect((await g.profile("u1")).counters).toMatchObject({ tips: 2, tokensTipped: 60 });
  });

  it("caps chat XP per stream and hour, and reports tier changes", async () => {
    const g = service();
    let earned = 0;
    for (let i = 0; i < 40; i++) earned += (await g.record({ kind: "chat", userId: "u1", streamId: "s1", key: `line-${i}` }))?.xp ?? 0;
    expect(earned).toBe(XP_RULES.chatXpPerStreamHour);
    const tipped = await g.record({ kind: "tip", userId: "u1", amount: 100, key: "tx" });
    expect(tipped).toMatchObject({ tierUp: true, tier: { id: "regular" } });
  });

  it("ranks users globally and per stream, highest first", async () => {
    const g = service();
    await g.record({ kind: "tip", userId: "a", streamId: "s1", amount: 10, key: "1" });
    await g.record({ kind: "tip", userId: "b", streamId: "s1", amount: 50, key: "2" });
    await g.record({ kind: "tip", userId: "c", streamId: "s2", amount: 70, key: "3" });
    await g.record({ kind: "tip", userId: "a", streamId: "s2", amount: 5, key: "4" });
    expect((await g.leaderboard({ streamId: "s1" })).map((r) => [r.rank, r.userId, r.xp])).toEqual([
      [1, "b", 50],
      [2, "a", 10],
    ]);
    expect((await g.leaderboard({}, 2)).map((r) => r.userId)).toEqual(["c", "b"]);
    expect((await g.leaderboard({})).map((r) => r.userId)).toEqual(["c", "b", "a"]);
  });

  it("loads profiles back into an empty cache, then keeps counting from there", async () => {
    const g = service();
    await g.record({ kind: "spin", userId: "u1", streamId: "s1", multiplier: 2, streak: 3, key: "sp1" });
    await g.record({ kind: "tip", userId: "u2", amount: 40, key: "t1" });
    await settle();
    const fresh = new MemoryCache({ sweepIntervalMs: 0 });
    const again = service(fresh);
    expect(await again.profile("u1")).toMatchObject({ xp: 2 * XP_RULES.perSpin, counters: { spins: 1, bestSpinStreak: 3 } });
    expect((await again.leaderboard({})).map((r) => r.userId)).toEqual(["u2", "u1"]);
    const next = await again.record({ kind: "spin", userId: "u1", streamId: "s1", multiplier: 1, streak: 1, key: "sp2" });
    expect(next).toMatchObject({ total: 3 * XP_RULES.perSpin });
    await fresh.close();
  });

  it("erases a user's profile, counters and leaderboard entries", async () => {
    const g = service();
    await g.record({ kind: "tip", userId: "gone", streamId: "s1", amount: 10, key: "1" });
    await g.record({ kind: "tip", userId: "stays", streamId: "s1", amount: 5, key: "2" });
    await settle();
    await g.erase("gone");
    expect((await g.leaderboard({ streamId: "s1" })).map((r) => r.userId)).toEqual(["stays"]);
    expect((await g.leaderboard({})).map((r) => r.userId)).toEqual(["stays"]);
    expect(await g.exportFor("gone")).toBeNull();
    expect((await g.profile("gone")).xp).toBe(0);
  });
});
