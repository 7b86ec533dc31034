import { describe, expect, it } from "vitest";
import { WHEEL } from "../../config/gamification.ts";
import { clampBounds, multiplierFor, nextStreak } from "./multiplier.ts";

const NOON = Date.UTC(2025, 0, 10, 12, 0, 0);
const EVENING = Date.UTC(2025, 0, 10, 21, 0, 0);

describe("wheel multiplier policy", () => {
  it("stays at the minimum when nothing is going on and reaches the maximum at full energy, streak and prime time", () => {
    const bounds = { min: 1, max: 3 };
    expect(multiplierFor({ now: NOON, energy: 0, streak: 1, bounds })).toBe(1);
    expect(multiplierFor({ now: EVENING, energy: 100, streak: WHEEL.streakCap, bounds })).toBe(3);
  });

  it("rises with energy, streak and prime time", () => {
    const bounds = { min: 1, max: 5 };
    const calm = multiplierFor({ now: NOON, energy: 10, streak: 1, bounds });
    expect(multiplierFor({ now: NOON, energy: 90, streak: 1, bounds })).toBeGreaterThan(calm);
    expect(multiplierFor({ now: NOON, energy: 10, streak: 4, bounds })).toBeGreaterThan(calm);
    expect(multiplierFor({ now: EVENING, energy: 10, streak: 1, bounds })).toBeGreaterThan(calm);
  });

  it("never leaves the creator's bounds, nor the platform's, for any input", () => {
    for (let i = 0; i < 2000; i++) {
      const a = Math.random() * 10 - 2;
      const b = Math.random() * 10 - 2;
      const input = { now: Math.random() * 2e12, energy: Math.random() * 300 - 100, streak: Math.floor(Math.random() * 20), bounds: { min: a, max: b } };
      const m = multiplierFor(input);
      const bounds = clampBounds(input.bounds);
      expect(m).toBeGreaterThanOrEqual(bounds.min);
      expect(m).toBeLessThanOrEqual(bounds.max);
      expect(m).toBeGreaterThanOrEqual(WHEEL.multiplierFloor);
      expect(m).toBeLessThanOrEqual(WHEEL.multiplierCeiling);
    }
    expect(clampBounds({ min: 9, max: 0.1 })).toEqual({ min: WHEEL.multiplierCeiling, max: WHEEL.multiplierCeiling });
    expect(multiplierFor({ now: NOON, energy: Number.NaN, streak: 1, bounds: { min: 1, max: 2 } })).toBe(1);
  });

  it("continues a streak within the window and restarts it after", () => {
    const first = nextStreak(undefined, 1000);
    expect(first).toEqual({ count: 1, lastAt: 1000 });
    const second = nextStreak(first, 1000 + WHEEL.streakWindowMs);
    expect(second.count).toBe(2);
    expect(nextStreak(second, second.lastAt + WHEEL.streakWindowMs + 1).count).toBe(1);
  });
});
