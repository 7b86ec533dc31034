// Runs against the shared Redis: every key lives under a prefix unique to this run and is deleted
// afterwards (never FLUSHDB — other suites use the same server).
import { randomUUID } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { hasService, testEnv } from "../../test/services.ts";
import { cacheContract } from "./Cache.contract.ts";
import { CacheUnavailableError } from "./CacheUnavailableError.ts";
import { RedisCache } from "./RedisCache.ts";
import { createCache } from "./index.ts";

const url = testEnv.TEST_REDIS_URL;
const base = `teezu-test:cache:${randomUUID()}:`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const quiet = { onError: () => {} };

/** A TCP hop in front of Redis that can be cut and restored, to simulate an outage. */
async function outageProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const start = async () => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server!.address() as AddressInfo).port;
  };
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  };
  await start();
  return { url: () => `redis://127.0.0.1:${port}`, start, stop };
}

describe.runIf(await hasService("redis"))("RedisCache", () => {
  afterAll(async () => {
    const janitor = new RedisCache({ url, keyPrefix: base });
    const leftovers = await janitor.keys("*");
    for (let i = 0; i < leftovers.length; i += 500) await janitor.del(...leftovers.slice(i, i + 500));
    expect(await janitor.keys("*")).toEqual([]);
    await janitor.close();
  });

  cacheContract("redis", () => ({
    make: (namespace) => new RedisCache({ url, keyPrefix: `${base}${namespace}:`, ...quiet }),
    // Redis expires on its own clock: sleep a little past the TTL.
    advance: async (ms) => {
      await sleep(ms + 60);
    },
    ttlMs: 150,
  }));

  it("createCache picks Redis for a URL and memory otherwise", async () => {
    const redis = createCache({ redisUrl: url, keyPrefix: `${base}factory:` });
    const memory = createCache({});
    expect(redis.kind).toBe("redis");
    expect(memory.kind).toBe("memory");
    await redis.set("k", "v");
    expect(await redis.get("k")).toBe("v");
    await Promise.all([redis.close(), memory.close()]);
  });

  it("returns TTLs in milliseconds", async () => {
    const cache = new RedisCache({ url, keyPrefix: `${base}ttl:`, ...quiet });
    await cache.set("k", "v", 60_000);
    const left = await cache.ttl("k");
    expect(left).toBeGreaterThan(59_000);
    expect(left).toBeLessThanOrEqual(60_000);
    await cache.close();
  });

  it("stays atomic across separate connections", async () => {
    const prefix = `${base}multi:`;
    const caches = Array.from({ length: 4 }, () => new RedisCache({ url, keyPrefix: prefix, ...quiet }));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => caches[i % caches.length]!.incrBy("views", 1, 60_000)),
    );
    expect(await caches[0]!.get("views")).toBe("200");
    const wins = await Promise.all(
      Array.from({ length: 40 }, (_, i) => caches[i % caches.length]!.setIfAbsent("lock", `w${i}`, 60_000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    await Promise.all(caches.map((c) => c.close()));
  });

  it("delivers across instances sharing a prefix", async () => {
    const prefix = `${base}pubsub:`;
    const publisher = new RedisCache({ url, keyPrefix: prefix, ...quiet });
    const subscriber = new RedisCache({ url, keyPrefix: prefix, ...quiet });
    const got: string[] = [];
    const stop = await subscriber.subscribe("room:1", (m) => got.push(m));
    await publisher.publish("room:1", "hi");
    const deadline = Date.now() + 2000;
    while (got.length === 0 && Date.now() < deadline) await sleep(5);
    expect(got).toEqual(["hi"]);
    await stop();
    await Promise.all([publisher.close(), subscriber.close()]);
  });

  it("escapes glob characters in the prefix so SCAN cannot reach a sibling prefix", async () => {
    const star = new RedisCache({ url, keyPrefix: `${base}a*:`, ...quiet });
    const sibling = new RedisCache({ url, keyPrefix: `${base}ab:`, ...quiet });
    const question = new RedisCache({ url, keyPrefix: `${base}a?[b]:`, ...quiet });
    await sibling.set("k", "sibling");
    await star.set("own", "star");
    await question.set("q", "question");
    expect(await star.keys("*")).toEqual(["own"]);
    expect(await question.keys("*")).toEqual(["q"]);
    expect(await sibling.keys("*")).toEqual(["k"]);
    await Promise.all([star.close(), sibling.close(), question.close()]);
  });

  it("isolates a throwing subscriber from the others and from the connection", async () => {
    const errors: unknown[] = [];
    const cache = new RedisCache({ url, keyPrefix: `${base}throw:`, onError: (e) => errors.push(e) });
    const got: string[] = [];
    await cache.subscribe("ch", () => {
      throw new Error("boom");
    });
    await cache.subscribe("ch", (m) => got.push(m));
    await cache.publish("ch", "1");
    await cache.publish("ch", "2");
    const deadline = Date.now() + 2000;
    while (got.length < 2 && Date.now() < deadline) await sleep(5);
    expect(got).toEqual(["1", "2"]);
    expect(errors).toHaveLength(2);
    await cache.close();
  });

  it("rejects promptly with CacheUnavailableError when Redis cannot be reached", async () => {
    const errors: unknown[] = [];
    const cache = new RedisCache({ url: "redis://127.0.0.1:1", onError: (e) => errors.push(e) });
    const started = Date.now();
    await expect(cache.get("k")).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.incrBy("k", 1, 1000)).rejects.toThrow(/127\.0\.0\.1:1 unavailable/);
    await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.subscribe("ch", () => {})).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
    // Reported once per connection going down, not per retry.
    await sleep(300);
    expect(errors.length).toBeLessThanOrEqual(2);
    await cache.close();
  });

  it("rejects while Redis is down, then recovers and resubscribes without a restart", async () => {
    const proxy = await outageProxy(new URL(url));
    const cache = new RedisCache({ url: proxy.url(), keyPrefix: `${base}outage:`, ...quiet });
    const got: string[] = [];
    await cache.subscribe("ch", (m) => got.push(m));
    await cache.set("k", "before");

    await proxy.stop();
    await sleep(50);
    const started = Date.now();
    await expect(cache.incrBy("n", 1)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.get("k")).rejects.toBeInstanceOf(CacheUnavailableError);
    // Known down: fail fast instead of waiting for a connect timeout per call.
    expect(Date.now() - started).toBeLessThan(200);

    await proxy.start();
    const deadline = Date.now() + 5000;
    let value: string | null = null;
    while (Date.now() < deadline) {
      try {
        value = await cache.get("k");
        break;
      } catch {
        await sleep(50);
      }
    }
    expect(value).toBe("before");
    // Nothing rejected during the outage was applied later.
    expect(await cache.get("n")).toBeNull();

    // The subscriber connection reconnects on its own schedule: publish until it hears one.
    while (got.length === 0 && Date.now() < deadline) {
      await cache.publish("ch", "after");
      await sleep(50);
    }
    expect(got[0]).toBe("after");
    await cache.close();
    await proxy.stop();
  });
});
