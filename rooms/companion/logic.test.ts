import { describe, expect, it } from "vitest";
import { keepTail, messageId, overflow } from "./logic.ts";

describe("companion room logic", () => {
  it("keeps the last N and says how many to drop before adding", () => {
    expect(keepTail([1, 2, 3, 4], 2)).toEqual([3, 4]);
    expect(keepTail([1], 2)).toEqual([1]);
    expect(overflow(50, 50)).toBe(1);
    expect(overflow(10, 50)).toBe(0);
  });
  it("makes unique message ids", () => {
    const a = messageId(1_000);
    expect(a).toMatch(/^[0-9a-z]+$/);
    expect(messageId(1_000)).not.toBe(a);
  });
});
