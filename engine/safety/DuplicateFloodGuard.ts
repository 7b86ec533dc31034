// Refuses the same (or nearly the same) chat line sent over and over by one user. The token bucket
// limits how fast someone talks; this limits how often they say one thing, which is what a
// copy-paste flood or a spam bot looks like. Memory stays bounded however many users pass through.
import { displayForm, fingerprint } from "./normalize.ts";

export interface DuplicateFloodOptions {
  /** How many times one text may be sent within the window; the next is refused. */
  maxRepeats?: number;
  windowMs?: number;
  /** Users remembered at most; the least recently active are forgotten first. */
  maxUsers?: number;
  /** Recent messages remembered per user. */
  perUser?: number;
  /** 0–1: how alike two fingerprints must be to count as the same text (character-bigram Dice). */
  similarity?: number;
}

export type FloodCheck = { ok: true } | { ok: false; retryAfterMs: number };

interface Sent {
  key: string;
  bigrams: Map<string, number>;
  at: number;
}

/** Fingerprints are cut here: enough to compare, and it bounds the cost of each comparison. */
const MAX_KEY_LENGTH = 200;

export class DuplicateFloodGuard {
  private readonly maxRepeats: number;
  private readonly windowMs: number;
  private readonly maxUsers: number;
  private readonly perUser: number;
  private readonly similarity: number;
  /** Insertion order is recency order (re-inserted on every check), which makes eviction O(1). */
  private readonly users = new Map<string, Sent[]>();

  constructor(options: DuplicateFloodOptions = {}) {
    this.maxRepeats = options.maxRepeats ?? 3;
    this.windowMs = options.windowMs ?? 30_000;
    this.maxUsers = options.maxUsers ?? 10_000;
    this.perUser = options.perUser ?? 20;
    this.similarity = options.similarity ?? 0.85;
  }

  /** Records the message when it is allowed; a refused one does not extend the wait. */
  check(userId: string, text: string, now: number): FloodCheck {
    const since = now - this.windowMs;
    const history = (this.users.get(userId) ?? []).filter((s) => s.at > since);
    this.users.delete(userId);

    const key = keyOf(text);
    const bigrams = bigramsOf(key);
    const same = history.filter((s) => s.key === key || dice(bigrams, s.bigrams) >= this.similarity);
    if (same.length >= this.maxRepeats) {
      this.users.set(userId, history);
      const oldest = same[same.length - this.maxRepeats]!;
      return { ok: false, retryAfterMs: Math.max(1, oldest.at + this.windowMs - now) };
    }

    history.push({ key, bigrams, at: now });
    if (history.length > this.perUser) history.splice(0, history.length - this.perUser);
    this.users.set(userId, history);
    while (this.users.size > this.maxUsers) this.users.delete(this.users.keys().next().value!);
    return { ok: true };
  }

  /** Users currently remembered (for tests and metrics). */
  get size(): number {
    return this.users.size;
  }

  forget(userId: string): void {
    this.users.delete(userId);
  }
}

/**
 * Digits collapse to one symbol: bots vary a counter ("join now 1", "join now 2") to dodge exact
 * matching. A message without letters or digits (only emoji) is keyed by its characters instead.
 */
function keyOf(text: string): string {
  const key = fingerprint(text).replace(/\p{N}+/gu, "#");
  return (key === "" ? displayForm(text).replace(/\s+/gu, "") : key).slice(0, MAX_KEY_LENGTH);
}

function bigramsOf(key: string): Map<string, number> {
  const counts = new Map<string, number>();
  const chars = [...key];
  for (let i = 0; i + 1 < chars.length; i++) {
    const b = chars[i]! + chars[i + 1]!;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  return counts;
}

/** Sørensen–Dice over bigram multisets: linear in length, unlike edit distance, on every chat line. */
function dice(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const n of a.values()) total += n;
  for (const n of b.values()) total += n;
  // Keys under two characters have no bigrams; equal ones were already matched by the caller.
  if (total === 0) return 0;
  for (const [bigram, n] of a) shared += Math.min(n, b.get(bigram) ?? 0);
  return (2 * shared) / total;
}
