// Pure XP rules: an activity in, the XP and counter changes out; tiers and achievements as
// functions of totals. No I/O and no clock, so every rule is unit-tested on plain data.
import { ACHIEVEMENTS, COUNTERS, TIERS, XP_RULES, type Achievement, type Counter, type Tier } from "../../config/gamification.ts";

/** An activity worth XP. `key` makes recording it idempotent (a retried tip counts once). */
export type XpEvent =
  | { kind: "tip"; userId: string; streamId?: string; amount: number; key: string }
  | { kind: "spin"; userId: string; streamId: string; multiplier: number; streak: number; key: string }
  | { kind: "chat"; userId: string; streamId: string; key: string }
  | { kind: "watch"; userId: string; streamId: string; minutes: number; key: string };

export type Counters = Record<Counter, number>;

export const emptyCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** XP before caps. Multipliers are applied here and rounded, so XP stays an integer. */
export function baseXp(e: XpEvent): number {
  switch (e.kind) {
    case "tip":
      return Math.max(0, Math.floor(e.amount)) * XP_RULES.perTokenTipped;
    case "spin":
      return Math.round(XP_RULES.perSpin * Math.max(0, e.multiplier));
    case "chat":
      return XP_RULES.perChatLine;
    case "watch":
      return Math.max(0, Math.floor(e.minutes)) * XP_RULES.perWatchMinute;
  }
}

/** The capped window an event's XP counts against, if its kind has one. */
export function capOf(e: XpEvent, now: number): { window: string; limit: number; ttlMs: number } | null {
  if (e.kind === "chat") {
    const hour = Math.floor(now / 3_600_000);
    return { window: `chat:${e.streamId}:${e.userId}:${hour}`, limit: XP_RULES.chatXpPerStreamHour, ttlMs: 3_600_000 };
  }
  if (e.kind === "watch") {
    const day = Math.floor(now / 86_400_000);
    return { window: `watch:${e.streamId}:${e.userId}:${day}`, limit: XP_RULES.watchXpPerStreamDay, ttlMs: 86_400_000 };
  }
  return null;
}

/** What is left of `xp` once `usedAfter` (the window's total including this xp) passed `limit`. */
export function withinCap(xp: number, usedAfter: number, limit: number): number {
  const usedBefore = usedAfter - xp;
  return Math.max(0, Math.min(xp, limit - usedBefore));
}

/** Counters that add up; `bestSpinStreak` is a maximum and comes from `maxCounter`. */
export function counterDeltas(e: XpEvent): Partial<Record<Counter, number>> {
  switch (e.kind) {
    case "tip":
      return { tips: 1, tokensTipped: Math.max(0, Math.floor(e.amount)) };
    case "spin":
      return { spins: 1 };
    case "chat":
      return { chatLines: 1 };
    case "watch":
      return e.minutes >= 1 ? { watchMinutes: Math.floor(e.minutes) } : {};
  }
}

export function maxCounter(e: XpEvent): { counter: Counter; value: number } | null {
  return e.kind === "spin" ? { counter: "bestSpinStreak", value: Math.max(0, Math.floor(e.streak)) } : null;
}

export function tierFor(xp: number): Tier {
  let found = TIERS[0]!;
  for (const t of TIERS) if (xp >= t.minXp) found = t;
  return found;
}

/** The next tier and how far along the way to it the user is (0–1); null at the top tier. */
export function progressOf(xp: number): { next: Tier; remaining: number; fraction: number } | null {
  const current = tierFor(xp);
  const next = TIERS.find((t) => t.minXp > current.minXp);
  if (!next) return null;
  return { next, remaining: next.minXp - xp, fraction: (xp - current.minXp) / (next.minXp - current.minXp) };
}

export function achievementsOf(counters: Partial<Counters>): Achievement[] {
  return ACHIEVEMENTS.filter((a) => (counters[a.counter] ?? 0) >= a.atLeast);
}

/** Achievements whose threshold was crossed between two snapshots: each one fires exactly once. */
export function unlockedBetween(before: Partial<Counters>, after: Partial<Counters>): Achievement[] {
  return ACHIEVEMENTS.filter((a) => (before[a.counter] ?? 0) < a.atLeast && (after[a.counter] ?? 0) >= a.atLeast);
}
