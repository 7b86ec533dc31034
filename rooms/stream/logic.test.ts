import { describe, expect, it } from "vitest";
import { applyTipToGoal, countViewers, isMuted, overflow, slowModeWait, updateLeaderboard } from "./logic.ts";

describe("stream room rules", () => {
  it("mutes until the deadline, or until unmuted when the deadline is 0", () => {
    expect(isMuted(undefined, 1000)).toBe(false);
    expect(isMuted({ until: 0 }, 1_000_000)).toBe(true);
    expect(isMuted({ until: 2000 }, 1999)).toBe(true);
    expect(isMuted({ until: 2000 }, 2000)).toBe(false);
  });

  it("makes a user wait out slow mode from their last line", () => {
    expect(slowModeWait(undefined, 5000, 10)).toBe(0);
    expect(slowModeWait(1000, 5000, 0)).toBe(0);
    expect(slowModeWait(1000, 5000, 10)).toBe(6000);
    expect(slowModeWait(1000, 11_000, 10)).toBe(0);
  });

  it("keeps the chat tail at 50 lines", () => {
    expect(overflow(0)).toBe(0);
    expect(overflow(49)).toBe(0);
    expect(overflow(50)).toBe(1);
    expect(overflow(60)).toBe(11);
  });

  it("does not count hidden admins as viewers", () => {
    expect(countViewers([{ sessionId: "a", hidden: false }, { sessionId: "b", hidden: true }, { sessionId: "c", hidden: false }])).toBe(2);
  });

  it("ranks tippers by total, earlier tipper first on ties, and keeps the top N", () => {
    let rows = updateLeaderboard([], { userId: "u1", name: "Ann", amount: 50 });
    rows = updateLeaderboard(rows, { userId: "u2", name: "Ben", amount: 50 });
    rows = updateLeaderboard(rows, { userId: "u3", name: "Cy", amount: 10 });
    expect(rows.map((r) => r.userId)).toEqual(["u1", "u2", "u3"]);
    rows = updateLeaderboard(rows, { userId: "u3", name: "Cy", amount: 100 });
    expect(rows).toEqual([
      { userId: "u3", name: "Cy", total: 110 },
      { userId: "u1", name: "Ann", total: 50 },
      { userId: "u2", name: "Ben", total: 50 },
    ]);
    expect(updateLeaderboard(rows, { userId: "u4", name: "Di", amount: 1 }, 2)).toHaveLength(2);
  });
});

describe("tip goals", () => {
  const goal = { label: "New guitar strings", target: 100, current: 90, next: [{ label: "Extra encore", target: 50 }] };
  it("fills, announces and rolls over with the surplus", () => {
    const { goal: g, reached } = applyTipToGoal(goal, 30);
    expect(reached).toEqual(["New guitar strings"]);
    expect(g).toEqual({ label: "Extra encore", target: 50, current: 20, next: [] });
  });
  it("announces the last goal once, then keeps counting", () => {
    const last = { label: "Extra encore", target: 50, current: 40, next: [] };
    const first = applyTipToGoal(last, 15);
    expect(first.reached).toEqual(["Extra encore"]);
    expect(applyTipToGoal(first.goal, 10).reached).toEqual([]);
    expect(applyTipToGoal(first.goal, 10).goal.current).toBe(65);
  });
  it("crosses several goals with one big tip", () => {
    const g = { label: "A", target: 10, current: 0, next: [{ label: "B", target: 10 }, { label: "C", target: 10 }] };
    const r = applyTipToGoal(g, 35);
    expect(r.reached).toEqual(["A", "B", "C"]);
    expect(r.goal).toMatchObject({ label: "C", current: 15 });
  });
  it("ignores a goal with no target", () => {
    expect(applyTipToGoal({ label: "", target: 0, current: 0, next: [] }, 5).reached).toEqual([]);
  });
});
