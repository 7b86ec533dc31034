import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { commitmentOf, drawOf, oddsOf, pickSegment, segmentAt, spinDigest, verifySpin } from "./fairness.ts";

const SEED = "5f2a9c0e7b13d48a6e21f0c9b3a7d5e1c8f4027b9a6e3d1c5b8f0a2e4d6c7b91";

/** Chi-square critical value at significance 0.001 (Wilson–Hilferty approximation). */
function critical(df: number): number {
  const z = 3.0902;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function chiSquare(weights: number[], counts: number[], n: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.reduce((sum, w, i) => {
    const expected = (n * w) / total;
    return sum + (counts[i]! - expected) ** 2 / expected;
  }, 0);
}

describe("wheel fairness", () => {
  it("commits to the seed bytes with SHA-256 and spins with HMAC-SHA256 over clientSeed:nonce", () => {
    expect(commitmentOf(SEED)).toBe(createHash("sha256").update(Buffer.from(SEED, "hex")).digest("hex"));
    expect(spinDigest(SEED, "lucky", 7)).toBe(createHmac("sha256", Buffer.from(SEED, "hex")).update("lucky:7").digest("hex"));
  });

  it("maps the first accepted 52-bit chunk onto the weights exactly as documented", () => {
    // An independent re-implementation of the published rule, as a verifier would write it.
    const weights = [5, 3, 2];
    for (let nonce = 0; nonce < 200; nonce++) {
      const hex = createHmac("sha256", Buffer.from(SEED, "hex")).update(`fan:${nonce}`).digest("hex");
      const x = parseInt(hex.slice(0, 13), 16); // 10 divides into 2^52 with a tiny remainder: the first chunk is accepted
      const r = x % 10;
      const expected = r < 5 ? 0 : r < 8 ? 1 : 2;
      expect(pickSegment(weights, SEED, "fan", nonce)).toBe(expected);
    }
  });

  it("rejects chunks in the biased top sliver and moves on to the next", () => {
    // With W = 2^51 + 1 almost half of all chunks are rejected, so the fall-through is exercised.
    const W = 2 ** 51 + 1;
    const limit = 2 ** 52 - (2 ** 52 % W);
    let sawRejection = false;
    for (let nonce = 0; nonce < 50; nonce++) {
      const hex = spinDigest(SEED, "edge", nonce);
      const chunks = [0, 13, 26, 39].map((at) => parseInt(hex.slice(at, at + 13), 16));
      const firstOk = chunks.find((x) => x < limit);
      if (chunks[0]! >= limit) sawRejection = true;
      if (firstOk !== undefined) expect(drawOf(SEED, "edge", nonce, W)).toBe(firstOk % W);
    }
    expect(sawRejection).toBe(true);
  });

  it("10,000 spins match the configured weights (chi-square, p > 0.001)", () => {
    const wheels = [
      [50, 25, 15, 10], // Song request, Dance move, Shout-out, Wave to the camera
      [1, 1, 1, 1, 1, 1, 1, 1],
      [70, 20, 9, 1],
    ];
    for (const [i, weights] of wheels.entries()) {
      const counts = weights.map(() => 0);
      // Fixed seeds keep the test deterministic (a random one would fail 0.1% of runs by design).
      const seed = createHash("sha256").update(`chi-square wheel ${i}`).digest("hex");
      const n = 10_000;
      for (let nonce = 0; nonce < n; nonce++) counts[pickSegment(weights, seed, "chi-square", nonce)]!++;
      const stat = chiSquare(weights, counts, n);
      expect(stat, `weights ${weights} counts ${counts}`).toBeLessThan(critical(weights.length - 1));
    }
  });

  it("verifies a spin from the revealed seed and refuses a wrong seed or segment", () => {
    const weights = [3, 2, 1];
    const commitment = commitmentOf(SEED);
    const segment = pickSegment(weights, SEED, "abc", 4);
    expect(verifySpin({ serverSeed: SEED, commitment, clientSeed: "abc", nonce: 4, weights, segment })).toBe(true);
    expect(verifySpin({ serverSeed: SEED, commitment, clientSeed: "abc", nonce: 4, weights, segment: (segment + 1) % 3 })).toBe(false);
    const other = randomBytes(32).toString("hex");
    expect(verifySpin({ serverSeed: other, commitment, clientSeed: "abc", nonce: 4, weights, segment })).toBe(false);
  });

  it("publishes odds as weight / total and maps draws on segment boundaries", () => {
    expect(oddsOf([50, 25, 15, 10])).toEqual([0.5, 0.25, 0.15, 0.1]);
    expect([0, 4, 5, 7, 8, 9].map((r) => segmentAt([5, 3, 2], r))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => segmentAt([5, 3, 2], 10)).toThrow(RangeError);
    expect(() => commitmentOf("not hex")).toThrow(RangeError);
  });
});
