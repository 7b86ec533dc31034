// Per-user hourly allowance of AI calls, shared by every process through the cache (a user with
// two tabs, or rooms on two engines, draws from one allowance). Fixed clock-hour windows: simple,
// and a user can read exactly when the allowance resets.
import type { Cache } from "../../storage/ports.ts";

const HOUR_MS = 60 * 60 * 1000;

export interface QuotaState {
  used: number;
  limit: number;
  /** Epoch ms when the window resets. */
  resetsAt: number;
}

export type QuotaResult = ({ allowed: true } | { allowed: false; retryAfterSeconds: number }) & QuotaState;

export class AiQuota {
  constructor(
    private readonly cache: Cache,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key holds the user id, so GDPR erasure of the cache (keys containing the id) clears it. */
  static key(userId: string, windowStart: number): string {
    return `ai:quota:${userId}:${windowStart}`;
  }

  window(): { start: number; resetsAt: number } {
    const start = Math.floor(this.now() / HOUR_MS) * HOUR_MS;
    return { start, resetsAt: start + HOUR_MS };
  }

  /** Takes one call from the allowance; refused (and not counted as allowed) once it is used up. */
  async take(userId: string, limit: number): Promise<QuotaResult> {
    const { start, resetsAt } = this.window();
    if (limit <= 0) return { allowed: false, retryAfterSeconds: Math.ceil((resetsAt - this.now()) / 1000), used: 0, limit, resetsAt };
    // Expires a little after the window so a slow clock between processes cannot reuse it.
    const used = await this.cache.incrBy(AiQuota.key(userId, start), 1, HOUR_MS + 60_000);
    if (used > limit) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - this.now()) / 1000)), used: limit, limit, resetsAt };
    return { allowed: true, used, limit, resetsAt };
  }

  async peek(userId: string, limit: number): Promise<QuotaState> {
    const { start, resetsAt } = this.window();
    const raw = await this.cache.get(AiQuota.key(userId, start));
    return { used: Math.min(limit, Number(raw ?? 0)), limit, resetsAt };
  }
}
