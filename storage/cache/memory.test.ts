import { describe, expect, it } from "vitest";
import { cacheContract } from "./Cache.contract.ts";
import { MemoryCache } from "./MemoryCache.ts";

cacheContract("memory", () => {
  let now = 1_700_000_000_000;
  return {
    make: () => new MemoryCache({ now: () => now, sweepIntervalMs: 0 }),
    advance: async (ms) => {
      now += ms;
    },
    ttlMs: 5000,
  };
});

describe("MemoryCache", () => {
  const clock = () => {
    const c = { t: 1_000_000, now: () => c.t };
    return c;
  };

  it("reports exact remaining TTLs from the injected clock", async () => {
    const c = clock();
    const cache = new MemoryCache({ now: c.now, sweepIntervalMs: 0 });
    await cache.set("k", "v", 5000);
    c.t += 1234;
    expect(await cache.ttl("k")).toBe(3766);
    c.t += 3765;
    expect(await cache.get("k")).toBe("v");
    c.t += 1;
    expect(await cache.get("k")).toBeNull();
    await cache.close();
  });

  it("drops expired keys on read and on sweep, so unread keys do not pile up", async () => {
    const c = clock();
    const cache = new MemoryCache({ now: c.now, sweepIntervalMs: 0 });
    for (let i = 0; i < 1000; i++) await cache.set(`k${i}`, "v", 1000 + i);
    await cache.set("keep", "v");
    expect(cache.size).toBe(1001);
    c.t += 1000;
    expect(await cache.get("k0")).toBeNull();
    expect(cache.size).toBe(1000);
    c.t += 500;
    expect(cache.sweep()).toBe(500);
    expect(cache.size).toBe(500);
    c.t += 10_000;
    expect(cache.sweep()).toBe(499);
    expect(cache.size).toBe(1);
    await cache.close();
  });

  it("sweeps on its own timer", async () => {
    const c = clock();
    const cache = new MemoryCache({ now: c.now, sweepIntervalMs: 10 });
    await cache.set("a", "v", 100);
    await cache.incrBy("b", 1, 100);
    c.t += 100;
    const deadline = Date.now() + 2000;
    while (cache.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(cache.size).toBe(0);
    await cache.close();
  });

  it("delivers on a later turn than publish, and isolates a throwing subscriber", async () => {
    const errors: unknown[] = [];
    const cache = new MemoryCache({ sweepIntervalMs: 0, onError: (error) => errors.push(error) });
    const got: string[] = [];
    await cache.subscribe("ch", () => {
      throw new Error("boom");
    });
    await cache.subscribe("ch", (m) => got.push(m));
    await cache.publish("ch", "hello");
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(["hello"]);
    expect(errors).toHaveLength(1);
    await cache.close();
  });

  it("does not deliver a message published before an unsubscribe that lands first", async () => {
    const cache = new MemoryCache({ sweepIntervalMs: 0 });
    const got: string[] = [];
    const stop = await cache.subscribe("ch", (m) => got.push(m));
    await cache.publish("ch", "late");
    await stop();
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([]);
    await cache.close();
  });

  it("refuses an increment past the safe-integer range", async () => {
    const cache = new MemoryCache({ sweepIntervalMs: 0 });
    await cache.set("big", String(Number.MAX_SAFE_INTEGER));
    await expect(cache.incrBy("big", 1)).rejects.toThrow(/overflow/);
    await cache.set("lead", "007");
    await expect(cache.incrBy("lead", 1)).rejects.toThrow(/not an integer/);
    await cache.close();
  });
});
