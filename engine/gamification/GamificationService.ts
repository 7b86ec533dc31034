// XP, tiers, achievements and leaderboards (SPEC §7 #15). Rooms call `record()` fire-and-forget:
// it never throws and never blocks a message handler on a store.
//
// Where the numbers live: the cache holds the hot, atomic totals (INCRBY, so several engine
// processes can award the same user at once) and the sorted-set leaderboards; the document store
// holds each user's durable profile (`gamification/{userId}`), written through the write-behind
// queue as absolute values (idempotent). When the cache has lost a user (restart of the embedded
// cache, a Redis flush), the profile is loaded back into it once, before the next award.
// Idempotency: an event key is remembered for 7 days, so a retried tip or spin counts once.
import { ACHIEVEMENTS, COUNTERS, LEADERBOARD, type Achievement, type Counter, type Tier } from "../../config/gamification.ts";
import type { Cache, DocStore } from "../../storage/ports.ts";
import type { Later } from "../../storage/write-behind/sinks.ts";
import type { Logger } from "../logger.ts";
import { Leaderboard } from "./Leaderboard.ts";
import { achievementsOf, baseXp, capOf, counterDeltas, emptyCounters, maxCounter, progressOf, tierFor, unlockedBetween, withinCap, type Counters, type XpEvent } from "./policy.ts";

export const PROFILE_COLLECTION = "gamification";
const SEEN_TTL_MS = 7 * 24 * 3600 * 1000;
const GLOBAL_BOARD = "gam:lb:global";
/** How many profiles are loaded back into an empty global board. */
const BOARD_REBUILD_SIZE = 500;

const xpKey = (userId: string) => `gam:u:${userId}:xp`;
const counterKey = (userId: string, c: Counter) => `gam:u:${userId}:c:${c}`;
const loadedKey = (userId: string) => `gam:u:${userId}:loaded`;
const streamBoard = (streamId: string) => `gam:lb:s:${streamId}`;
const streamXpKey = (streamId: string, userId: string) => `gam:s:${streamId}:${userId}:xp`;

export interface XpAward {
  userId: string;
  /** XP this event earned (0 when a cap was reached). */
  xp: number;
  total: number;
  tier: Tier;
  /** True when this event moved the user into a higher tier. */
  tierUp: boolean;
  /** Achievements unlocked by this event. */
  achievements: Achievement[];
}

export interface ProfileView {
  userId: string;
  xp: number;
  tier: Tier;
  next: { tier: Tier; remaining: number; fraction: number } | null;
  counters: Counters;
  achievements: Array<Achievement & { unlocked: boolean }>;
}

export interface LeaderRow {
  rank: number;
  userId: string;
  name: string;
  xp: number;
  tier: string;
}

interface ProfileDoc {
  [field: string]: unknown;
  userId: string;
  xp: number;
  tier: string;
  counters: Partial<Counters>;
  updatedAt: number;
}

export interface GamificationDeps {
  cache: Cache;
  docs: DocStore;
  later: Later;
  logger: Logger;
  /** Display names for leaderboards (missing users are left out: erased accounts). */
  names: (userIds: string[]) => Promise<Map<string, string>>;
  now?: () => number;
}

export class GamificationService {
  private readonly board: Leaderboard;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly d: GamificationDeps) {
    this.now = d.now ?? Date.now;
    this.log = d.logger.child({ mod: "gamification" });
    this.board = new Leaderboard(d.cache, (board, userId) => this.readNumber(board === GLOBAL_BOARD ? xpKey(userId) : streamXpKey(board.slice("gam:lb:s:".length), userId)));
  }

  /** Awards XP for one activity. Resolves null for a repeated key or when the cache is down. */
  async record(event: XpEvent): Promise<XpAward | null> {
    try {
      return await this.apply(event);
    } catch (err) {
      this.log.warn({ err, kind: event.kind, userId: event.userId }, "XP not recorded");
      return null;
    }
  }

  async profile(userId: string): Promise<ProfileView> {
    await this.ensureLoaded(userId);
    const [xp, counters] = await Promise.all([this.readNumber(xpKey(userId)), this.readCounters(userId)]);
    const progress = progressOf(xp);
    const unlocked = new Set(achievementsOf(counters).map((a) => a.id));
    return {
      userId,
      xp,
      tier: tierFor(xp),
      next: progress ? { tier: progress.next, remaining: progress.remaining, fraction: progress.fraction } : null,
      counters,
      achievements: ACHIEVEMENTS.map((a) => ({ ...a, unlocked: unlocked.has(a.id) })),
    };
  }

  /** Top users by XP: everywhere, or earned in one stream. */
  async leaderboard(scope: { streamId?: string }, limit: number = LEADERBOARD.defaultLimit): Promise<LeaderRow[]> {
    if (!scope.streamId) await this.ensureBoardLoaded();
    const key = scope.streamId ? streamBoard(scope.streamId) : GLOBAL_BOARD;
    const ranked = await this.board.top(key, limit);
    const totals = scope.streamId ? await Promise.all(ranked.map((r) => this.readNumber(xpKey(r.userId)))) : ranked.map((r) => r.score);
    const names = await this.d.names(ranked.map((r) => r.userId));
    return ranked
      .map((r, i) => ({ userId: r.userId, name: names.get(r.userId), xp: r.score, tier: tierFor(totals[i] ?? r.score).id }))
      .filter((r): r is Omit<LeaderRow, "rank"> => r.name !== undefined)
      .map((r, i) => ({ rank: i + 1, ...r }));
  }

  async exportFor(userId: string): Promise<unknown> {
    return this.d.docs.get(PROFILE_COLLECTION, userId);
  }

  /** GDPR: the profile, the hot counters and every leaderboard entry of the user. */
  async erase(userId: string): Promise<void> {
    await this.d.docs.delete(PROFILE_COLLECTION, userId);
    const boards = await this.d.cache.keys("gam:lb:s:*");
    await Promise.all([GLOBAL_BOARD, ...boards].map((b) => this.board.remove(b, userId)));
    const keys = [...(await this.d.cache.keys(`gam:u:${userId}:*`)), ...(await this.d.cache.keys(`gam:s:*:${userId}:xp`))];
    if (keys.length) await this.d.cache.del(...keys);
  }

  // ------------------------------------------------------------------ internals

  private async apply(e: XpEvent): Promise<XpAward | null> {
    if (!(await this.d.cache.setIfAbsent(`gam:seen:${e.kind}:${e.userId}:${e.key}`, "1", SEEN_TTL_MS))) return null;
    await this.ensureLoaded(e.userId);
    const now = this.now();

    let xp = baseXp(e);
    const cap = capOf(e, now);
    if (cap && xp > 0) xp = withinCap(xp, await this.d.cache.incrBy(`gam:cap:${cap.window}`, xp, cap.ttlMs), cap.limit);

    const total = xp > 0 ? await this.d.cache.incrBy(xpKey(e.userId), xp) : await this.readNumber(xpKey(e.userId));
    const before: Partial<Counters> = {};
    const after: Partial<Counters> = {};
    for (const [c, delta] of Object.entries(counterDeltas(e)) as Array<[Counter, number]>) {
      if (delta <= 0) continue;
      after[c] = await this.d.cache.incrBy(counterKey(e.userId, c), delta);
      before[c] = after[c]! - delta;
    }
    const max = maxCounter(e);
    if (max) {
      const current = await this.readNumber(counterKey(e.userId, max.counter));
      before[max.counter] = current;
      after[max.counter] = Math.max(current, max.value);
      if (max.value > current) await this.d.cache.set(counterKey(e.userId, max.counter), String(max.value));
    }

    if (xp > 0) {
      await this.board.set(GLOBAL_BOARD, e.userId, total);
      if (e.streamId) {
        const inStream = await this.d.cache.incrBy(streamXpKey(e.streamId, e.userId), xp, LEADERBOARD.streamBoardTtlMs);
        await this.d.cache.expire(streamXpKey(e.streamId, e.userId), LEADERBOARD.streamBoardTtlMs);
        await this.board.set(streamBoard(e.streamId), e.userId, inStream, LEADERBOARD.streamBoardTtlMs);
      }
    }
    const tier = tierFor(total);
    const doc: ProfileDoc = { userId: e.userId, xp: total, tier: tier.id, counters: after, updatedAt: now };
    this.d.later.doc({ op: "set", collection: PROFILE_COLLECTION, id: e.userId, data: doc, merge: true });
    return { userId: e.userId, xp, total, tier, tierUp: tierFor(total - xp).id !== tier.id, achievements: unlockedBetween(before, after) };
  }

  /** Puts a user's durable profile back into the cache once after the cache lost it. */
  private async ensureLoaded(userId: string): Promise<void> {
    if (!(await this.d.cache.setIfAbsent(loadedKey(userId), "1"))) return;
    const doc = await this.d.docs.get<ProfileDoc>(PROFILE_COLLECTION, userId);
    if (!doc) return;
    // Added, not set: an award racing this load in another process is kept.
    if (doc.xp > 0) {
      const total = await this.d.cache.incrBy(xpKey(userId), doc.xp);
      await this.board.set(GLOBAL_BOARD, userId, total);
    }
    for (const c of COUNTERS) {
      const value = doc.counters?.[c];
      if (typeof value === "number" && value > 0) {
        if (c === "bestSpinStreak") await this.d.cache.set(counterKey(userId, c), String(value));
        else await this.d.cache.incrBy(counterKey(userId, c), value);
      }
    }
  }

  /** An empty global board (new cache) is refilled from the top durable profiles once. */
  private async ensureBoardLoaded(): Promise<void> {
    if (!(await this.d.cache.setIfAbsent(`${GLOBAL_BOARD}:loaded`, "1"))) return;
    const top = await this.d.docs.query<ProfileDoc>(PROFILE_COLLECTION, { orderBy: { field: "xp", direction: "desc" }, limit: BOARD_REBUILD_SIZE });
    for (const p of top) await this.ensureLoaded(p.id);
  }

  private async readCounters(userId: string): Promise<Counters> {
    const counters = emptyCounters();
    await Promise.all(COUNTERS.map(async (c) => (counters[c] = await this.readNumber(counterKey(userId, c)))));
    return counters;
  }

  private async readNumber(key: string): Promise<number> {
    const raw = await this.d.cache.get(key);
    const n = raw === null ? 0 : Number(raw);
    return Number.isFinite(n) ? n : 0;
  }
}
