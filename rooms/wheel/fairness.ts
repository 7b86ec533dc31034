// Provably fair spins. Everything a third party needs to check a spin is in this file:
//
//   serverSeed   32 random bytes, written as 64 hex characters; secret until revealed.
//   commitment   SHA-256 of the 32 seed bytes (not of the hex text), as hex. It is in the room
//                state before the first spin that uses the seed.
//   digest       HMAC-SHA256 with the 32 seed bytes as key over the UTF-8 text
//                `${clientSeed}:${nonce}` (nonce = 0, 1, 2 … per seed), as 64 hex characters.
//   draw         Read the digest as four 13-hex-digit (52-bit) integers, left to right. With W the
//                sum of the weights, accept the first integer x below 2^52 − (2^52 mod W) and take
//                r = x mod W. Rejecting the top sliver removes modulo bias: every r in [0, W) is
//                equally likely. If all four are rejected (chance below 4·(W/2^52) ≈ 2e-8 for
//                any allowed wheel), compute a new digest over `${clientSeed}:${nonce}:${k}` for
//                k = 1, 2, … and repeat.
//   segment      The first index i, in configured order, where weight[0] + … + weight[i] > r.
//
// Seeds rotate (every WHEEL.rotateEverySpins spins, on a new configuration, on demand and when the
// wheel closes) and `GET /wheels/:streamId/seeds` then lists them with their commitments.
import { createHash, createHmac } from "node:crypto";

export const FAIRNESS_ALGORITHM =
  "segment = first i with w0+…+wi > r; r = x mod W for the first 52-bit chunk x of hex(HMAC-SHA256(key=seedBytes, `${clientSeed}:${nonce}`)) with x < 2^52 − (2^52 mod W); commitment = hex(SHA-256(seedBytes))";

const CHUNK_HEX = 13;
const CHUNK_SPACE = 2 ** 52;

export function commitmentOf(serverSeedHex: string): string {
  return createHash("sha256").update(seedBytes(serverSeedHex)).digest("hex");
}

export function spinDigest(serverSeedHex: string, clientSeed: string, nonce: number, round = 0): string {
  const message = round === 0 ? `${clientSeed}:${nonce}` : `${clientSeed}:${nonce}:${round}`;
  return createHmac("sha256", seedBytes(serverSeedHex)).update(message, "utf8").digest("hex");
}

/** A uniform integer in [0, total) from the spin's inputs, as described above. */
export function drawOf(serverSeedHex: string, clientSeed: string, nonce: number, total: number): number {
  if (!Number.isSafeInteger(total) || total < 1 || total > CHUNK_SPACE) throw new RangeError("total weight must be an integer in [1, 2^52]");
  const limit = CHUNK_SPACE - (CHUNK_SPACE % total);
  for (let round = 0; ; round++) {
    const digest = spinDigest(serverSeedHex, clientSeed, nonce, round);
    for (let at = 0; at + CHUNK_HEX <= digest.length; at += CHUNK_HEX) {
      const x = parseInt(digest.slice(at, at + CHUNK_HEX), 16);
      if (x < limit) return x % total;
    }
  }
}

/** Maps a draw onto positive integer weights. */
export function segmentAt(weights: readonly number[], r: number): number {
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i]!;
    if (r < cumulative) return i;
  }
  throw new RangeError("draw outside the total weight");
}

export function pickSegment(weights: readonly number[], serverSeedHex: string, clientSeed: string, nonce: number): number {
  return segmentAt(weights, drawOf(serverSeedHex, clientSeed, nonce, totalWeight(weights)));
}

/** Checks one spin against a revealed seed: the seed matches its commitment and gives the segment. */
export function verifySpin(spin: { serverSeed: string; commitment: string; clientSeed: string; nonce: number; weights: readonly number[]; segment: number }): boolean {
  return commitmentOf(spin.serverSeed) === spin.commitment && pickSegment(spin.weights, spin.serverSeed, spin.clientSeed, spin.nonce) === spin.segment;
}

export function totalWeight(weights: readonly number[]): number {
  return weights.reduce((a, b) => a + b, 0);
}

/** Published odds: each segment's chance, exactly weight / total. */
export function oddsOf(weights: readonly number[]): number[] {
  const total = totalWeight(weights);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

function seedBytes(serverSeedHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(serverSeedHex)) throw new RangeError("a server seed is 64 lowercase hex characters");
  return Buffer.from(serverSeedHex, "hex");
}
