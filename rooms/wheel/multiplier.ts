// The wheel's multiplier policy (SPEC §7 #14 "AI-set multipliers"): a pure function of the room's
// energy, the spinner's streak and the time of day, always inside the bounds the creator set, which
// are themselves inside the platform's hard bounds. It scales rewards and XP, never the price.
import { WHEEL } from "../../config/gamification.ts";

export interface MultiplierBounds {
  min: number;
  max: number;
}

export interface MultiplierInput {
  /** ms since the epoch; only the UTC hour is used. */
  now: number;
  /** Stream energy 0–100 (from loudness analysis). */
  energy: number;
  /** Consecutive spins by this user, this one included (1 = no streak). */
  streak: number;
  bounds: MultiplierBounds;
}

/** Weights of the three signals; they add up to 1 so the score stays in [0, 1]. */
const ENERGY_WEIGHT = 0.5;
const STREAK_WEIGHT = 0.3;
const PRIME_TIME_WEIGHT = 0.2;

/** Creator bounds forced inside the hard bounds, min ≤ max, two decimals. */
export function clampBounds(b: MultiplierBounds): MultiplierBounds {
  const clamp = (x: number) => round2(Math.min(WHEEL.multiplierCeiling, Math.max(WHEEL.multiplierFloor, Number.isFinite(x) ? x : WHEEL.multiplierFloor)));
  const min = clamp(b.min);
  return { min, max: Math.max(min, clamp(b.max)) };
}

export function multiplierFor(input: MultiplierInput): number {
  const { min, max } = clampBounds(input.bounds);
  const energy = Math.min(100, Math.max(0, Number.isFinite(input.energy) ? input.energy : 0)) / 100;
  const streak = Math.min(WHEEL.streakCap - 1, Math.max(0, Math.floor(input.streak) - 1)) / (WHEEL.streakCap - 1);
  const prime = (WHEEL.primeHoursUtc as readonly number[]).includes(new Date(input.now).getUTCHours()) ? 1 : 0;
  const score = ENERGY_WEIGHT * energy + STREAK_WEIGHT * streak + PRIME_TIME_WEIGHT * prime;
  // Quarter steps read well on a wheel ("×1.25") and keep results easy to compare.
  const stepped = Math.floor((min + (max - min) * score) * 4) / 4;
  return round2(Math.min(max, Math.max(min, stepped)));
}

export interface Streak {
  count: number;
  lastAt: number;
}

/** A spin within the window of the previous one continues the streak; otherwise it starts anew. */
export function nextStreak(previous: Streak | undefined, now: number, windowMs: number = WHEEL.streakWindowMs): Streak {
  if (previous && now - previous.lastAt <= windowMs) return { count: previous.count + 1, lastAt: now };
  return { count: 1, lastAt: now };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
