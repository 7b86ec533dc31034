import { describe, expect, it } from "vitest";
import { findDropOffs, summarizeAudience } from "./dropOff.ts";

const series = (viewers: number[]) => viewers.map((v, i) => ({ ts: i * 10_000, viewers: v, energy: 0 }));

describe("viewer drop-off", () => {
  it("finds each fall that loses at least 2 viewers and 20 % of the audience", () => {
    const samples = series([0, 4, 10, 10, 9, 5, 6, 6, 5, 5, 1, 0]);
    expect(findDropOffs(samples)).toEqual([
      { from: 20_000, to: 50_000, fromViewers: 10, toViewers: 5, lost: 5 },
      { from: 60_000, to: 110_000, fromViewers: 6, toViewers: 0, lost: 6 },
    ]);
  });

  it("ignores small wobbles", () => {
    expect(findDropOffs(series([100, 99, 100, 98, 100]))).toEqual([]);
    expect(findDropOffs(series([3, 2, 3, 2]))).toEqual([]);
    expect(findDropOffs([])).toEqual([]);
  });

  it("summarises peak, final, average and retention", () => {
    expect(summarizeAudience(series([2, 8, 6, 4]))).toEqual({ peak: 8, peakAt: 10_000, final: 4, average: 5, retention: 0.5 });
    expect(summarizeAudience([])).toEqual({ peak: 0, peakAt: null, final: 0, average: 0, retention: 1 });
  });
});
