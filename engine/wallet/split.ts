// How a payment between users divides: the creator's share is floored so rounding can only favour
// the platform, and the platform takes exactly the rest — together always the whole amount.

export interface Split {
  creator: number;
  platform: number;
}

export function splitPayment(amount: number, creatorShareBps: number): Split {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError("amount must be a non-negative integer");
  if (!Number.isInteger(creatorShareBps) || creatorShareBps < 0 || creatorShareBps > 10_000) throw new RangeError("creatorShareBps must be 0–10000");
  // BigInt keeps amount × bps exact beyond 2^53 / 10^4.
  const creator = Number((BigInt(amount) * BigInt(creatorShareBps)) / 10_000n);
  return { creator, platform: amount - creator };
}
