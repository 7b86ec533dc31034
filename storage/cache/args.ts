// Argument rules shared by both adapters, so a call that Redis would refuse fails the same way
// against the embedded cache (and is refused before it reaches the network).

/** Time-to-live for a write: a positive number of ms, rounded up so 0.5 ms never means "no expiry". */
export function ttlArg(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive finite number, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

/** For expire(): like Redis PEXPIRE, zero or negative is allowed and deletes the key. */
export function expireArg(ttlMs: number): number {
  if (!Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be finite, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/** Redis counters are integers; a float would be refused by INCRBY and silently drift in memory. */
export function incrementArg(by: number): number {
  if (!Number.isSafeInteger(by)) throw new RangeError(`incrBy needs a safe integer, got ${by}`);
  return by;
}

export function scoreArg(score: number): number {
  if (Number.isNaN(score)) throw new RangeError("a sorted-set score cannot be NaN");
  return score;
}

/** Redis spells infinite bounds "+inf"/"-inf"; String(Infinity) would be refused. */
export function redisScore(score: number): string {
  scoreArg(score);
  if (score === Infinity) return "+inf";
  if (score === -Infinity) return "-inf";
  return String(score);
}

/** The port promises `*` as the only wildcard, so every other character matches itself. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${body}$`);
}

/** Escapes Redis glob syntax (`? [ ] \` and, unless kept, `*`) so it matches literally in SCAN MATCH. */
export function escapeRedisGlob(text: string, keepStar = false): string {
  return text.replace(keepStar ? /[?[\]\\]/g : /[*?[\]\\]/g, "\\$&");
}

export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
export const OVERFLOW = "ERR increment or decrement would overflow";
