// Pure rules of the stream room: plain data in, plain data out; time is passed in.

export const CHAT_TAIL = 50;

export interface Mute {
  /** 0 = until unmuted. */
  until: number;
}

export function isMuted(mute: Mute | undefined, now: number): boolean {
  return mute !== undefined && (mute.until === 0 || mute.until > now);
}

/** ms the user must still wait under slow mode; 0 when they may post. */
export function slowModeWait(lastPostAt: number | undefined, now: number, slowSeconds: number): number {
  if (slowSeconds <= 0 || lastPostAt === undefined) return 0;
  return Math.max(0, lastPostAt + slowSeconds * 1000 - now);
}

/** How many entries to drop from the front so at most `max` remain after adding one. */
export function overflow(length: number, max = CHAT_TAIL): number {
  return Math.max(0, length + 1 - max);
}

export interface Presence {
  sessionId: string;
  hidden: boolean;
}

/** Viewers counted: everyone present (including those reconnecting) except hidden admins. */
export function countViewers(present: Iterable<Presence>): number {
  let n = 0;
  for (const p of present) if (!p.hidden) n++;
  return n;
}

export interface LeaderRow {
  userId: string;
  name: string;
  total: number;
}

/** Adds `amount` to a tipper's total and returns the top `size` rows, highest first (ties: earlier first). */
export function updateLeaderboard(rows: readonly LeaderRow[], tip: { userId: string; name: string; amount: number }, size = 10): LeaderRow[] {
  const next = rows.map((r) => ({ ...r }));
  const found = next.find((r) => r.userId === tip.userId);
  if (found) {
    found.total += tip.amount;
    found.name = tip.name;
  } else next.push({ userId: tip.userId, name: tip.name, total: tip.amount });
  return next
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.total - a.r.total || a.i - b.i)
    .slice(0, size)
    .map(({ r }) => r);
}

export interface GoalProgress {
  label: string;
  target: number;
  current: number;
  /** Goals still to come after this one. */
  next: Array<{ label: string; target: number }>;
}

/**
 * Adds a tip to the goal. Reaching the target announces it and rolls over to the next goal
 * (the surplus carries over); with no next goal the bar stays full.
 */
export function applyTipToGoal(goal: GoalProgress, amount: number): { goal: GoalProgress; reached: string[] } {
  let { label, target, next } = goal;
  let current = goal.current + amount;
  const reached: string[] = [];
  while (target > 0 && current >= target && next.length > 0) {
    reached.push(label);
    current -= target;
    const [head, ...rest] = next as [{ label: string; target: number }, ...Array<{ label: string; target: number }>];
    ({ label, target } = head);
    next = rest;
  }
  // The last goal is announced once, the moment it fills.
  if (target > 0 && current >= target && (reached.length > 0 || goal.current < target)) reached.push(label);
  return { goal: { label, target, current, next }, reached };
}
