// The Redis adapter. Keys and channels are prefixed here rather than with ioredis' `keyPrefix`,
// because ioredis does not apply it to SCAN patterns/results or to pub/sub channels, and this port
// promises that two prefixes never see each other's keys or messages.
import type { Cache } from "../ports.ts";
import { CacheUnavailableError } from "./CacheUnavailableError.ts";
import { RedisLink } from "./RedisLink.ts";
import { escapeRedisGlob, expireArg, incrementArg, redisScore, ttlArg } from "./args.ts";

export interface RedisCacheOptions {
  /** redis:// or rediss:// URL (credentials and db index included). */
  url: string;
  /** Prepended to every key and channel, e.g. "teezu:". Default "". */
  keyPrefix?: string;
  /** How long a call made before the first connection is up may wait for it. Default 1500 ms. */
  connectTimeoutMs?: number;
  /** A reply slower than this rejects (a hung server, not a down one). Default 5000 ms. */
  commandTimeoutMs?: number;
  /** Receives connection losses (once per outage) and subscriber exceptions. Default: console.warn. */
  onError?: (error: unknown, context: string) => void;
}

// EXISTS first so the TTL is set only by the call that created the key; as one script, no other
// client can create or expire the key between the check, the increment and the PEXPIRE.
const INCR_WITH_TTL = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

const SCAN_COUNT = 500;

interface ChannelState {
  handlers: Set<(message: string) => void>;
  /** Settles when Redis confirmed the SUBSCRIBE; rejects (and the state is dropped) if it failed. */
  subscribed: Promise<void>;
}

export class RedisCache implements Cache {
  readonly kind = "redis";

  private readonly options: Required<Omit<RedisCacheOptions, "keyPrefix">>;
  private readonly prefix: string;
  private readonly main: RedisLink;
  private sub: RedisLink | null = null;
  /** Keyed by the prefixed channel. One Redis SUBSCRIBE per channel, however many local handlers. */
  private readonly channels = new Map<string, ChannelState>();
  private closed = false;

  constructor(options: RedisCacheOptions) {
    this.prefix = options.keyPrefix ?? "";
    this.options = {
      url: options.url,
      connectTimeoutMs: options.connectTimeoutMs ?? 1500,
      commandTimeoutMs: options.commandTimeoutMs ?? 5000,
      onError: options.onError ?? ((error, context) => console.warn(`[cache:redis] ${context}:`, error)),
    };
    this.main = this.link("teezu-cache");
  }

  async ping(): Promise<void> {
    await this.main.run("ping", (c) => c.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    await Promise.all([this.main.close(), this.sub?.close()]);
  }

  async get(key: string): Promise<string | null> {
    return this.main.run("get", (c) => c.get(this.k(key)));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const ttl = ttlArg(ttlMs);
    await this.main.run("set", (c) => (ttl === undefined ? c.set(this.k(key), value) : c.set(this.k(key), value, "PX", ttl)));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const ttl = ttlArg(ttlMs);
    const reply = await this.main.run("setIfAbsent", (c) =>
      ttl === undefined ? c.set(this.k(key), value, "NX") : c.set(this.k(key), value, "PX", ttl, "NX"),
    );
    return reply === "OK";
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.main.run("del", (c) => c.del(...keys.map((key) => this.k(key))));
  }

  async incrBy(key: string, by: number, ttlMs?: number): Promise<number> {
    incrementArg(by);
    const ttl = ttlArg(ttlMs);
    if (ttl === undefined) return this.main.run("incrBy", (c) => c.incrby(this.k(key), by));
    const reply = await this.main.run("incrBy", (c) => c.eval(INCR_WITH_TTL, 1, this.k(key), by, ttl));
    return Number(reply);
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const ttl = expireArg(ttlMs);
    return (await this.main.run("expire", (c) => c.pexpire(this.k(key), ttl))) === 1;
  }

  async ttl(key: string): Promise<number> {
    return this.main.run("ttl", (c) => c.pttl(this.k(key)));
  }

  async hSet(key: string, fields: Record<string, string>): Promise<void> {
    // HSET with no field is a syntax error in Redis; the port treats it as a no-op.
    if (Object.keys(fields).length === 0) return;
    await this.main.run("hSet", (c) => c.hset(this.k(key), fields));
  }

  async hGetAll(key: string): Promise<Record<string, string>> {
    return this.main.run("hGetAll", (c) => c.hgetall(this.k(key)));
  }

  async hDel(key: string, ...fields: string[]): Promise<number> {
    if (fields.length === 0) return 0;
    return this.main.run("hDel", (c) => c.hdel(this.k(key), ...fields));
  }

  async zAdd(key: string, score: number, member: string): Promise<void> {
    const s = redisScore(score);
    await this.main.run("zAdd", (c) => c.zadd(this.k(key), s, member));
  }

  async zRem(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.main.run("zRem", (c) => c.zrem(this.k(key), ...members));
  }

  async zRangeByScore(key: string, min: number, max: number): Promise<string[]> {
    const lo = redisScore(min);
    const hi = redisScore(max);
    return this.main.run("zRangeByScore", (c) => c.zrangebyscore(this.k(key), lo, hi));
  }

  async zRemRangeByScore(key: string, min: number, max: number): Promise<number> {
    const lo = redisScore(min);
    const hi = redisScore(max);
    return this.main.run("zRemRangeByScore", (c) => c.zremrangebyscore(this.k(key), lo, hi));
  }

  async keys(pattern: string): Promise<string[]> {
    const match = escapeRedisGlob(this.prefix) + escapeRedisGlob(pattern, true);
    return this.main.run("keys", async (c) => {
      // SCAN may return a key more than once across iterations; KEYS would block the server.
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, batch] = await c.scan(cursor, "MATCH", match, "COUNT", SCAN_COUNT);
        for (const key of batch) found.add(key.slice(this.prefix.length));
        cursor = next;
      } while (cursor !== "0");
      return [...found];
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.main.run("publish", (c) => c.publish(this.k(channel), message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const sub = this.subscriber();
    const full = this.k(channel);
    // A fresh wrapper per call: subscribing the same function twice yields two subscriptions.
    const handler = (message: string) => onMessage(message);
    let channelState = this.channels.get(full);
    if (!channelState) {
      const state: ChannelState = { handlers: new Set(), subscribed: Promise.resolve() };
      state.subscribed = sub.run("subscribe", (c) => c.subscribe(full)).then(
        () => undefined,
        (error: unknown) => {
          if (this.channels.get(full) === state) this.channels.delete(full);
          throw error;
        },
      );
      this.channels.set(full, state);
      channelState = state;
    }
    channelState.handlers.add(handler);
    // Later subscribers wait too: resolving before the server confirmed would lose early messages.
    await channelState.subscribed;
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      const current = this.channels.get(full);
      if (!current?.handlers.delete(handler) || current.handlers.size > 0) return;
      this.channels.delete(full);
      try {
        await sub.run("unsubscribe", (c) => c.unsubscribe(full));
      } catch {
        // Delivery already stopped locally; a leftover server-side subscription only costs
        // ignored messages and ends with the connection, so an outage must not fail unsubscribe.
      }
    };
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private link(name: string): RedisLink {
    return new RedisLink({
      url: this.options.url,
      name,
      connectTimeoutMs: this.options.connectTimeoutMs,
      commandTimeoutMs: this.options.commandTimeoutMs,
      onError: this.options.onError,
    });
  }

  /** Opened on first subscribe: a connection in subscriber mode cannot run ordinary commands. */
  private subscriber(): RedisLink {
    if (this.sub) return this.sub;
    if (this.closed) throw new CacheUnavailableError("redis cache is closed (subscribe)");
    const sub = this.link("teezu-cache-sub");
    sub.client.on("message", (channel: string, message: string) => {
      const handlers = this.channels.get(channel)?.handlers;
      if (!handlers) return;
      for (const handler of [...handlers]) {
        // A handler removed by an earlier one in this loop must not still receive the message.
        if (!handlers.has(handler)) continue;
        try {
          handler(message);
        } catch (error) {
          // Thrown inside ioredis' reply parser it would corrupt the connection's state.
          this.options.onError(error, `subscriber of "${channel.slice(this.prefix.length)}" threw`);
        }
      }
    });
    this.sub = sub;
    return sub;
  }
}
