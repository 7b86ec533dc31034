// Gamification as data (SPEC §7 #14/#15): XP rules, tiers, achievements and the wheel's limits.
// Engine, rooms and client read the same numbers; changing a threshold is a config change only.

/** How much XP each kind of activity earns, and the caps that keep farming it pointless. */
export const XP_RULES = {
  /** Per token tipped (tips and pay-per-view unlocks). Money spent is the strongest signal. */
  perTokenTipped: 1,
  /** Per wheel spin, before the spin's multiplier. */
  perSpin: 10,
  /** Per accepted stream chat line. */
  perChatLine: 2,
  /** Chat XP a user can earn per stream per hour: chatting to farm XP stops paying after this. */
  chatXpPerStreamHour: 60,
  /** Per full minute watched. */
  perWatchMinute: 1,
  /** Watch XP a user can earn per stream per day (a tab left open overnight earns no more). */
  watchXpPerStreamDay: 240,
} as const;

export interface Tier {
  id: string;
  name: string;
  /** XP needed to reach this tier. The first tier starts at 0. */
  minXp: number;
  /** UI accent for badges (design tokens live in tokens.ts; this is a per-tier hue). */
  color: string;
}

/** Ascending by minXp. */
export const TIERS: readonly Tier[] = [
  { id: "newcomer", name: "Newcomer", minXp: 0, color: "#94a3b8" },
  { id: "regular", name: "Regular", minXp: 100, color: "#38bdf8" },
  { id: "supporter", name: "Supporter", minXp: 500, color: "#22c55e" },
  { id: "vip", name: "VIP", minXp: 2_000, color: "#f59e0b" },
  { id: "legend", name: "Legend", minXp: 10_000, color: "#8b5cf6" },
];

/** Counters kept per user; achievements are thresholds on them. */
export const COUNTERS = ["tips", "tokensTipped", "spins", "chatLines", "watchMinutes", "bestSpinStreak"] as const;
export type Counter = (typeof COUNTERS)[number];

export interface Achievement {
  id: string;
  name: string;
  description: string;
  counter: Counter;
  atLeast: number;
}

export const ACHIEVEMENTS: readonly Achievement[] = [
  { id: "first_tip", name: "First Tip", description: "Sent your first tip", counter: "tips", atLeast: 1 },
  { id: "generous", name: "Generous", description: "Tipped 1,000 tokens in total", counter: "tokensTipped", atLeast: 1_000 },
  { id: "first_spin", name: "Wheel Rookie", description: "Spun a wheel for the first time", counter: "spins", atLeast: 1 },
  { id: "wheel_regular", name: "Wheel Regular", description: "Spun wheels 25 times", counter: "spins", atLeast: 25 },
  { id: "hot_streak", name: "Hot Streak", description: "Spun 3 times in a row within a minute each", counter: "bestSpinStreak", atLeast: 3 },
  { id: "chatterbox", name: "Chatterbox", description: "Sent 100 chat messages", counter: "chatLines", atLeast: 100 },
  { id: "night_owl", name: "Loyal Viewer", description: "Watched streams for an hour", counter: "watchMinutes", atLeast: 60 },
];

/** The spin-to-tip wheel's limits. */
export const WHEEL = {
  minSegments: 2,
  maxSegments: 24,
  maxWeight: 1_000_000,
  maxPrice: 100_000,
  /** The server seed rotates (and the old one is revealed) after this many spins. */
  rotateEverySpins: 100,
  /** Hard bounds no creator can exceed: a multiplier scales rewards and XP, never the price. */
  multiplierFloor: 1,
  multiplierCeiling: 5,
  /** What a wheel uses until its creator sets bounds. */
  defaultMultiplier: { min: 1, max: 2 },
  /** Spins closer together than this continue a streak. */
  streakWindowMs: 60_000,
  /** Streak length at which the streak part of the policy is at its maximum. */
  streakCap: 5,
  /** Hours (UTC) when the time-of-day part of the policy is at its maximum: the evening peak. */
  primeHoursUtc: [19, 20, 21, 22, 23],
} as const;

/** Leaderboard sizes shown in room state and returned by default over HTTP. */
export const LEADERBOARD = {
  inRoom: 5,
  defaultLimit: 10,
  maxLimit: 100,
  /** Per-stream boards are kept this long after their last change. */
  streamBoardTtlMs: 30 * 24 * 3600 * 1000,
} as const;
