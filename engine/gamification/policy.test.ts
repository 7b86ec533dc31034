import { describe, expect, it } from "vitest";
import { TIERS, XP_RULES } from "../../config/gamification.ts";
import { achievementsOf, baseXp, capOf, counterDeltas, progressOf, tierFor, unlockedBetween, withinCap } from "./policy.ts";

describe("gamification policy", () => {
  it("earns XP from tips, spins (times the multiplier), chat and watch time", () => {
    expect(baseXp({ kind: "tip", userId: "u", amount: 25, key: "k" })).toBe(25 * XP_RULES.perTokenTipped);
    expect(baseXp({ kind: "spin", userId: "u", streamId: "s", multiplier: 1.5, streak: 1, key: "k" })).toBe(Math.round(XP_RULES.perSpin * 1.5));
    expect(baseXp({ kind: "chat", userId: "u", streamId: "s", key: "k" })).toBe(XP_RULES.perChatLine);
    expect(baseXp({ kind: "watch", userId: "u", streamId: "s", minutes: 3, key: "k" })).toBe(3 * XP_RULES.perWatchMinute);
  });

  it("caps chat XP per stream and hour", () => {
    const cap = capOf({ kind: "chat", userId: "u", streamId: "s", key: "k" }, 7_200_000)!;
    expect(cap).toMatchObject({ window: "chat:s:u:2", limit: XP_RULES.chatXpPerStreamHour });
    expect(withinCap(2, 10, 60)).toBe(2);
    expect(withinCap(2, 61, 60)).toBe(1);
    expect(withinCap(2, 80, 60)).toBe(0);
    expect(capOf({ kind: "tip", userId: "u", amount: 1, key: "k" }, 0)).toBeNull();
  });

  it("places XP in tiers from config and reports progress to the next", () => {
    expect(tierFor(0).id).toBe(TIERS[0]!.id);
    expect(tierFor(TIERS[1]!.minXp).id).toBe(TIERS[1]!.id);
    expect(tierFor(TIERS[1]!.minXp - 1).id).toBe(TIERS[0]!.id);
    expect(tierFor(1e9).id).toBe(TIERS[TIERS.length - 1]!.id);
    expect(progressOf(TIERS[1]!.minXp / 2)).toMatchObject({ next: { id: TIERS[1]!.id }, fraction: 0.5 });
    expect(progressOf(1e9)).toBeNull();
  });

  it("unlocks an achievement exactly when its threshold is crossed", () => {
    expect(counterDeltas({ kind: "tip", userId: "u", amount: 10, key: "k" })).toEqual({ tips: 1, tokensTipped: 10 });
    expect(unlockedBetween({ tips: 0 }, { tips: 1 }).map((a) => a.id)).toEqual(["first_tip"]);
    expect(unlockedBetween({ tips: 1 }, { tips: 2 })).toEqual([]);
    expect(unlockedBetween({ spins: 24 }, { spins: 25 }).map((a) => a.id)).toEqual(["wheel_regular"]);
    expect(achievementsOf({ spins: 30, tips: 1 }).map((a) => a.id).sort()).toEqual(["first_spin", "first_tip", "wheel_regular"]);
  });
});
