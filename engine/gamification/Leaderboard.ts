// Rankings on cache sorted sets (Redis ZSETs; the embedded cache has them too). A member's score is
// always written as an absolute total (ZADD), never incremented, so a repeated write is harmless.
// The port ranges by score ascending and returns members only, so the top N is read by lowering a
// score floor until N members are above it, then the totals are read from their counter keys.
import type { Cache } from "../../storage/ports.ts";

export interface RankedMember {
  userId: string;
  score: number;
}

export class Leaderboard {
  /** Last floor that held enough members, per board: the next read usually needs one round trip. */
  private readonly floors = new Map<string, number>();

  constructor(
    private readonly cache: Cache,
    /** Reads a member's current total (the counter key the score was copied from). */
    private readonly scoreOf: (board: string, userId: string) => Promise<number>,
  ) {}

  async set(board: string, userId: string, total: number, ttlMs?: number): Promise<void> {
    await this.cache.zAdd(board, total, userId);
    if (ttlMs !== undefined) await this.cache.expire(board, ttlMs);
  }

  async remove(board: string, userId: string): Promise<void> {
    await this.cache.zRem(board, userId);
  }

  /** Highest first; ties by user id so the order is stable. */
  async top(board: string, limit: number): Promise<RankedMember[]> {
    let floor = this.floors.get(board) ?? 1;
    let members: string[] = [];
    // Scores are positive XP totals; each round lowers the floor 8×, the last reads everything.
    for (let round = 0; round < 12; round++) {
      members = await this.cache.zRangeByScore(board, floor, Infinity);
      if (members.length >= limit || floor === -Infinity) break;
      floor = floor <= 1 ? -Infinity : floor / 8;
    }
    const candidates = members.slice(-limit * 2);
    const scored = await Promise.all(candidates.map(async (userId) => ({ userId, score: await this.scoreOf(board, userId) })));
    const ranked = scored
      .filter((m) => m.score > 0)
      .sort((a, b) => b.score - a.score || (a.userId < b.userId ? -1 : 1))
      .slice(0, limit);
    const last = ranked[ranked.length - 1];
    if (ranked.length === limit && last) this.floors.set(board, last.score);
    return ranked;
  }
}
