import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitPayment } from "./split.ts";

describe("splitPayment", () => {
  it("gives the creator 80% floored and the platform the rest", () => {
    expect(splitPayment(100, 8000)).toEqual({ creator: 80, platform: 20 });
    expect(splitPayment(1, 8000)).toEqual({ creator: 0, platform: 1 });
    expect(splitPayment(7, 8000)).toEqual({ creator: 5, platform: 2 });
    expect(splitPayment(99, 10_000)).toEqual({ creator: 99, platform: 0 });
  });

  it("never creates or loses a token", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const { creator, platform } = splitPayment(amount, bps);
        expect(creator + platform).toBe(amount);
        expect(creator).toBeGreaterThanOrEqual(0);
        expect(platform).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(creator)).toBe(true);
      }),
    );
  });

  it("refuses fractions and negative amounts", () => {
    expect(() => splitPayment(1.5, 8000)).toThrow(RangeError);
    expect(() => splitPayment(-1, 8000)).toThrow(RangeError);
    expect(() => splitPayment(10, 10_001)).toThrow(RangeError);
  });
});
