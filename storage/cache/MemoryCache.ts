// The embedded cache: one process, no Redis. It mimics the Redis semantics the rooms rely on
// (types, TTLs, counters, sorted sets, pub/sub) so code tested here behaves the same on Redis.
import type { Cache } from "../ports.ts";
import { CacheUnavailableError } from "./CacheUnavailableError.ts";
import {
  NOT_AN_INTEGER,
  OVERFLOW,
  WRONGTYPE,
  expireArg,
  globToRegExp,
  incrementArg,
  scoreArg,
  ttlArg,
} from "./args.ts";

export interface MemoryCacheOptions {
  /** Clock in ms; inject a fake one to test expiry without sleeping. Default `Date.now`. */
  now?: () => number;
  /**
   * How often keys that expired but are never read again are purged, so memory stays bounded.
   * Default 1000 ms; 0 disables the timer (call `sweep()` yourself).
   */
  sweepIntervalMs?: number;
  /** Receives exceptions thrown by subscribers. Default: console.warn. */
  onError?: (error: unknown, context: string) => void;
}

type Entry =
  | { type: "string"; value: string }
  | { type: "hash"; value: Map<string, string> }
  | { type: "zset"; value: Map<string, number> };

type EntryOf<T extends Entry["type"]> = Extract<Entry, { type: T }>;

interface Subscription {
  onMessage: (message: string) => void;
}

const INTEGER = /^-?(0|[1-9]\d*)$/;

export class MemoryCache implements Cache {
  readonly kind = "memory";

  private readonly data = new Map<string, Entry>();
  // Kept apart from `data` so a sweep visits only keys that can expire.
  private readonly expiresAt = new Map<string, number>();
  private readonly channels = new Map<string, Set<Subscription>>();
  private readonly now: () => number;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.onError =
      options.onError ?? ((error, context) => console.warn(`[cache:memory] ${context}:`, error));
    const interval = options.sweepIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => this.sweep(), interval);
      // The sweep is housekeeping: it must never keep a finished process (or test run) alive.
      this.timer.unref();
    }
  }

  /** Keys currently held, including expired ones not yet swept. For tests and metrics. */
  get size(): number {
    return this.data.size;
  }

  /** Drops every expired key; returns how many. Runs on the timer; public for tests. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, at] of this.expiresAt) {
      if (at <= now) {
        this.data.delete(key);
        this.expiresAt.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.data.clear();
    this.expiresAt.clear();
    this.channels.clear();
  }

  async get(key: string): Promise<string | null> {
    this.assertOpen();
    return this.read(key, "string")?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.assertOpen();
    const ttl = ttlArg(ttlMs);
    this.write(key, { type: "string", value }, ttl);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    this.assertOpen();
    const ttl = ttlArg(ttlMs);
    if (this.live(key)) return false;
    this.write(key, { type: "string", value }, ttl);
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (const key of keys) {
      if (this.live(key)) {
        this.remove(key);
        removed++;
      }
    }
    return removed;
  }

  async incrBy(key: string, by: number, ttlMs?: number): Promise<number> {
    this.assertOpen();
    incrementArg(by);
    const ttl = ttlArg(ttlMs);
    const entry = this.read(key, "string");
    if (!entry) {
      this.write(key, { type: "string", value: String(by) }, ttl);
      return by;
    }
    const current = INTEGER.test(entry.value) ? Number(entry.value) : NaN;
    if (!Number.isSafeInteger(current)) throw new Error(NOT_AN_INTEGER);
    const next = current + by;
    if (!Number.isSafeInteger(next)) throw new Error(OVERFLOW);
    // Mutating in place keeps the key's TTL, as INCRBY does.
    entry.value = String(next);
    return next;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const ttl = expireArg(ttlMs);
    if (!this.live(key)) return false;
    if (ttl <= 0) this.remove(key);
    else this.expiresAt.set(key, this.now() + ttl);
    return true;
  }

  async ttl(key: string): Promise<number> {
    this.assertOpen();
    if (!this.live(key)) return -2;
    const at = this.expiresAt.get(key);
    return at === undefined ? -1 : at - this.now();
  }

  async hSet(key: string, fields: Record<string, string>): Promise<void> {
    this.assertOpen();
    const entries = Object.entries(fields);
    if (entries.length === 0) return;
    let entry = this.read(key, "hash");
    if (!entry) {
      entry = { type: "hash", value: new Map() };
      this.data.set(key, entry);
    }
    for (const [field, value] of entries) entry.value.set(field, value);
  }

  async hGetAll(key: string): Promise<Record<string, string>> {
    this.assertOpen();
    const entry = this.read(key, "hash");
    return entry ? Object.fromEntries(entry.value) : {};
  }

  async hDel(key: string, ...fields: string[]): Promise<number> {
    this.assertOpen();
    const entry = this.read(key, "hash");
    if (!entry) return 0;
    let removed = 0;
    for (const field of fields) if (entry.value.delete(field)) removed++;
    if (entry.value.size === 0) this.remove(key);
    return removed;
  }

  async zAdd(key: string, score: number, member: string): Promise<void> {
    this.assertOpen();
    scoreArg(score);
    let entry = this.read(key, "zset");
    if (!entry) {
      entry = { type: "zset", value: new Map() };
      this.data.set(key, entry);
    }
    entry.value.set(member, score);
  }

  async zRem(key: string, ...members: string[]): Promise<number> {
    this.assertOpen();
    const entry = this.read(key, "zset");
    if (!entry) return 0;
    let removed = 0;
    for (const member of members) if (entry.value.delete(member)) removed++;
    if (entry.value.size === 0) this.remove(key);
    return removed;
  }

  async zRangeByScore(key: string, min: number, max: number): Promise<string[]> {
    this.assertOpen();
    scoreArg(min);
    scoreArg(max);
    const entry = this.read(key, "zset");
    if (!entry) return [];
    // Sorting per call is fine at embedded scale (typing sets hold a handful of members).
    return [...entry.value]
      .filter(([, score]) => score >= min && score <= max)
      .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
      .map(([member]) => member);
  }

  async zRemRangeByScore(key: string, min: number, max: number): Promise<number> {
    this.assertOpen();
    scoreArg(min);
    scoreArg(max);
    const entry = this.read(key, "zset");
    if (!entry) return 0;
    let removed = 0;
    for (const [member, score] of entry.value) {
      if (score >= min && score <= max) {
        entry.value.delete(member);
        removed++;
      }
    }
    if (entry.value.size === 0) this.remove(key);
    return removed;
  }

  async keys(pattern: string): Promise<string[]> {
    this.assertOpen();
    const re = globToRegExp(pattern);
    const found: string[] = [];
    for (const key of [...this.data.keys()]) {
      if (re.test(key) && this.live(key)) found.push(key);
    }
    return found;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.assertOpen();
    const subscribers = this.channels.get(channel);
    if (!subscribers || subscribers.size === 0) return;
    const targets = [...subscribers];
    // Delivered on a later turn, as over a socket: a publisher never re-enters its own subscriber.
    setImmediate(() => {
      for (const sub of targets) {
        // Unsubscribing between publish and delivery stops delivery, like a Redis client dropping
        // messages for a channel it no longer listens to.
        if (!this.channels.get(channel)?.has(sub)) continue;
        try {
          sub.onMessage(message);
        } catch (error) {
          this.onError(error, `subscriber of "${channel}" threw`);
        }
      }
    });
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    const sub: Subscription = { onMessage };
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
    }
    subscribers.add(sub);
    return async () => {
      const current = this.channels.get(channel);
      if (!current) return;
      current.delete(sub);
      if (current.size === 0) this.channels.delete(channel);
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheUnavailableError("memory cache is closed");
  }

  /** The entry if it exists and has not expired; an expired one is dropped on the way. */
  private live(key: string): Entry | undefined {
    const at = this.expiresAt.get(key);
    if (at !== undefined && at <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return this.data.get(key);
  }

  private read<T extends Entry["type"]>(key: string, type: T): EntryOf<T> | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (entry.type !== type) throw new Error(WRONGTYPE);
    return entry as EntryOf<T>;
  }

  /** Replaces the key whatever its type; without a TTL any previous expiry is cleared, like SET. */
  private write(key: string, entry: Entry, ttl: number | undefined): void {
    this.data.set(key, entry);
    if (ttl === undefined) this.expiresAt.delete(key);
    else this.expiresAt.set(key, this.now() + ttl);
  }

  private remove(key: string): void {
    this.data.delete(key);
    this.expiresAt.delete(key);
  }
}
