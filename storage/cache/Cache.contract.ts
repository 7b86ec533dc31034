// The behaviour every Cache adapter must share, so rooms tested on the memory cache behave the
// same on Redis. Each adapter's test file registers this suite with its own harness.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Cache } from "../ports.ts";
import { CacheUnavailableError } from "./CacheUnavailableError.ts";

export interface CacheContractHarness {
  /**
   * A new, open cache. Caches made with different namespaces must never see each other's keys or
   * channels (Redis: a key prefix per namespace). The suite closes what it makes.
   */
  make(namespace: string): Cache;
  /** Lets `ms` of cache time pass: an injected clock for memory, a real sleep (plus slack) for Redis. */
  advance(ms: number): Promise<void>;
  /** TTL for expiry tests: long enough for a few calls, short enough to sleep through. */
  ttlMs: number;
}

/** Collects pub/sub messages and waits for them without fixed sleeps. */
function collector() {
  const messages: string[] = [];
  const waiters: Array<() => void> = [];
  const onMessage = (message: string) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  };
  const waitFor = async (count: number, timeoutMs = 2000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} messages, got ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return messages;
  };
  return { messages, onMessage, waitFor };
}

const sorted = (values: string[]) => [...values].sort();

export function cacheContract(name: string, setup: () => CacheContractHarness): void {
  describe(`Cache contract: ${name}`, () => {
    let harness: CacheContractHarness;
    let made: Cache[] = [];
    let testNo = 0;
    // Namespaces are made unique per test so leftovers of one test never show up in another's keys().
    const open = (namespace = "main"): Cache => {
      const cache = harness.make(`t${testNo}-${namespace}`);
      made.push(cache);
      return cache;
    };

    beforeEach(() => {
      testNo++;
      harness = setup();
    });

    afterEach(async () => {
      await Promise.all(made.map((cache) => cache.close()));
      made = [];
    });

    it("gets, sets, overwrites and deletes strings", async () => {
      const cache = open();
      await cache.ping();
      expect(await cache.get("missing")).toBeNull();
      await cache.set("a", "1");
      await cache.set("b", "two");
      expect(await cache.get("a")).toBe("1");
      await cache.set("a", "one");
      expect(await cache.get("a")).toBe("one");
      expect(await cache.del("a", "b", "missing")).toBe(2);
      expect(await cache.del()).toBe(0);
      expect(await cache.get("a")).toBeNull();
      await cache.set("empty", "");
      expect(await cache.get("empty")).toBe("");
    });

    it("expires keys of every type after their TTL", async () => {
      const cache = open();
      const ttl = harness.ttlMs;
      await cache.set("str", "v", ttl);
      await cache.incrBy("counter", 3, ttl);
      expect(await cache.setIfAbsent("lock", "me", ttl)).toBe(true);
      await cache.hSet("hash", { f: "1" });
      expect(await cache.expire("hash", ttl)).toBe(true);
      await cache.zAdd("zset", 1, "m");
      expect(await cache.expire("zset", ttl)).toBe(true);
      await cache.set("forever", "v");

      for (const key of ["str", "counter", "lock", "hash", "zset"]) {
        const left = await cache.ttl(key);
        expect(left, key).toBeGreaterThan(0);
        expect(left, key).toBeLessThanOrEqual(ttl);
      }
      expect(await cache.ttl("forever")).toBe(-1);
      expect(await cache.ttl("missing")).toBe(-2);

      await harness.advance(ttl);

      expect(await cache.get("str")).toBeNull();
      expect(await cache.ttl("str")).toBe(-2);
      expect(await cache.hGetAll("hash")).toEqual({});
      expect(await cache.zRangeByScore("zset", -Infinity, Infinity)).toEqual([]);
      expect(await cache.keys("*")).toEqual(["forever"]);
      expect(await cache.del("str", "hash")).toBe(0);
      expect(await cache.setIfAbsent("lock", "next", ttl)).toBe(true);
      expect(await cache.incrBy("counter", 1)).toBe(1);
      expect(await cache.expire("str", ttl)).toBe(false);
    });

    it("set without a TTL clears an earlier TTL; incrBy and hSet keep it", async () => {
      const cache = open();
      await cache.set("k", "v", 60_000);
      await cache.set("k", "v2");
      expect(await cache.ttl("k")).toBe(-1);

      await cache.incrBy("n", 1, 60_000);
      await cache.incrBy("n", 1);
      expect(await cache.ttl("n")).toBeGreaterThan(0);

      await cache.hSet("h", { a: "1" });
      await cache.expire("h", 60_000);
      await cache.hSet("h", { b: "2" });
      expect(await cache.ttl("h")).toBeGreaterThan(0);
    });

    it("expire with zero or a negative TTL deletes the key", async () => {
      const cache = open();
      expect(await cache.expire("missing", 1000)).toBe(false);
      await cache.set("k", "v");
      expect(await cache.expire("k", 0)).toBe(true);
      expect(await cache.get("k")).toBeNull();
      await cache.set("k", "v");
      expect(await cache.expire("k", -10)).toBe(true);
      expect(await cache.ttl("k")).toBe(-2);
    });

    it("incrBy creates at 0 and applies the TTL only when it creates the key", async () => {
      const cache = open();
      const ttl = 60_000;
      expect(await cache.incrBy("views", 5, ttl)).toBe(5);
      expect(await cache.incrBy("views", -2, ttl * 10)).toBe(3);
      const left = await cache.ttl("views");
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(ttl);
      expect(await cache.get("views")).toBe("3");

      await cache.set("plain", "10");
      expect(await cache.incrBy("plain", 1, ttl)).toBe(11);
      expect(await cache.ttl("plain")).toBe(-1);
    });

    it("incrBy is atomic under 200 concurrent increments", async () => {
      const cache = open();
      const results = await Promise.all(
        Array.from({ length: 200 }, () => cache.incrBy("stream:s1:viewers", 1, 60_000)),
      );
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await cache.get("stream:s1:viewers")).toBe("200");
      expect(await cache.ttl("stream:s1:viewers")).toBeGreaterThan(0);
    });

    it("setIfAbsent sets exactly once under concurrency and never overwrites", async () => {
      const cache = open();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => cache.setIfAbsent("lock:payout", `worker-${i}`, 60_000)),
      );
      const winners = outcomes.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await cache.get("lock:payout")).toBe(`worker-${winners[0]}`);
      const left = await cache.ttl("lock:payout");
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);

      await cache.hSet("taken", { a: "1" });
      expect(await cache.setIfAbsent("taken", "x")).toBe(false);
      expect(await cache.setIfAbsent("idem:req-1", "done")).toBe(true);
      expect(await cache.ttl("idem:req-1")).toBe(-1);
    });

    it("stores hashes field by field", async () => {
      const cache = open();
      expect(await cache.hGetAll("session:u1")).toEqual({});
      await cache.hSet("session:u1", { room: "r1", role: "viewer" });
      await cache.hSet("session:u1", { role: "creator", device: "web" });
      await cache.hSet("session:u1", {});
      expect(await cache.hGetAll("session:u1")).toEqual({ room: "r1", role: "creator", device: "web" });
      expect(await cache.hDel("session:u1", "room", "missing")).toBe(1);
      expect(await cache.hDel("session:u1")).toBe(0);
      expect(await cache.hDel("nothing", "f")).toBe(0);
      expect(await cache.hDel("session:u1", "role", "device")).toBe(2);
      // An emptied hash is gone, as in Redis.
      expect(await cache.keys("session:*")).toEqual([]);
      expect(await cache.ttl("session:u1")).toBe(-2);
    });

    it("ranges sorted sets by score and removes by member and by score", async () => {
      const cache = open();
      expect(await cache.zRangeByScore("rank", -Infinity, Infinity)).toEqual([]);
      await cache.zAdd("rank", 30, "carol");
      await cache.zAdd("rank", 10, "bob");
      await cache.zAdd("rank", 10, "alice");
      await cache.zAdd("rank", -5, "dave");
      await cache.zAdd("rank", 2.5, "erin");
      // Ties are ordered by member, as in Redis.
      expect(await cache.zRangeByScore("rank", -Infinity, Infinity)).toEqual(["dave", "erin", "alice", "bob", "carol"]);
      expect(await cache.zRangeByScore("rank", 2.5, 10)).toEqual(["erin", "alice", "bob"]);
      expect(await cache.zRangeByScore("rank", 11, 29)).toEqual([]);
      expect(await cache.zRangeByScore("rank", 30, 10)).toEqual([]);

      await cache.zAdd("rank", 40, "alice");
      expect(await cache.zRangeByScore("rank", 31, Infinity)).toEqual(["alice"]);

      expect(await cache.zRem("rank", "bob", "nobody")).toBe(1);
      expect(await cache.zRem("rank")).toBe(0);
      expect(await cache.zRemRangeByScore("rank", -Infinity, 2.5)).toBe(2);
      expect(await cache.zRangeByScore("rank", -Infinity, Infinity)).toEqual(["carol", "alice"]);
      expect(await cache.zRemRangeByScore("rank", 0, 100)).toBe(2);
      expect(await cache.keys("rank")).toEqual([]);
      expect(await cache.zRem("rank", "carol")).toBe(0);
    });

    it("tracks typing indicators with per-member expiry by score (chat:{id}:typing, 5 s)", async () => {
      const cache = open();
      const key = "chat:c1:typing";
      const TYPING_MS = 5000;
      const typing = async (user: string, at: number) => {
        await cache.zAdd(key, at + TYPING_MS, user);
        await cache.expire(key, TYPING_MS);
      };
      const whoIsTyping = async (at: number) => {
        await cache.zRemRangeByScore(key, -Infinity, at);
        return cache.zRangeByScore(key, at, Infinity);
      };
      const t0 = 1_000_000;
      await typing("u1", t0);
      await typing("u2", t0 + 3000);
      expect(await whoIsTyping(t0 + 1000)).toEqual(["u1", "u2"]);
      // u1 stopped 5 s ago; u2 is still within their window.
      expect(await whoIsTyping(t0 + 6000)).toEqual(["u2"]);
      await typing("u2", t0 + 7000);
      expect(await whoIsTyping(t0 + 9000)).toEqual(["u2"]);
      expect(await whoIsTyping(t0 + 20_000)).toEqual([]);
      expect(await cache.ttl(key)).toBe(-2);
      await typing("u3", t0 + 30_000);
      const left = await cache.ttl(key);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(TYPING_MS);
    });

    it("lists keys by `*` glob, treating other glob characters literally", async () => {
      const cache = open();
      await cache.set("stream:1", "a");
      await cache.set("stream:22", "b");
      await cache.hSet("stream:1:meta", { a: "1" });
      await cache.set("chat:1", "c");
      await cache.set("q?[x]", "d");
      await cache.set("qa[x]", "e");
      expect(sorted(await cache.keys("stream:*"))).toEqual(["stream:1", "stream:1:meta", "stream:22"]);
      expect(sorted(await cache.keys("*:1"))).toEqual(["chat:1", "stream:1"]);
      expect(sorted(await cache.keys("stream:*:*"))).toEqual(["stream:1:meta"]);
      expect(await cache.keys("stream:1")).toEqual(["stream:1"]);
      expect(await cache.keys("q?[x]")).toEqual(["q?[x]"]);
      expect(await cache.keys("q?*")).toEqual(["q?[x]"]);
      expect(await cache.keys("nothing*")).toEqual([]);
      expect(sorted(await cache.keys("*"))).toHaveLength(6);
    });

    it("isolates caches with different prefixes", async () => {
      const a = open("a");
      const b = open("b");
      await a.set("shared", "from-a");
      await b.set("shared", "from-b");
      await a.set("only-a", "1");
      expect(await a.get("shared")).toBe("from-a");
      expect(await b.get("shared")).toBe("from-b");
      expect(await b.get("only-a")).toBeNull();
      expect(sorted(await a.keys("*"))).toEqual(["only-a", "shared"]);
      expect(await b.keys("*")).toEqual(["shared"]);
      expect(await b.del("shared", "only-a")).toBe(1);
      expect(await a.get("shared")).toBe("from-a");

      const heardByB = collector();
      const heardByA = collector();
      await b.subscribe("events", heardByB.onMessage);
      await a.subscribe("events", heardByA.onMessage);
      await a.publish("events", "for-a");
      await heardByA.waitFor(1);
      await b.publish("events", "for-b");
      expect(await heardByB.waitFor(1)).toEqual(["for-b"]);
      expect(heardByA.messages).toEqual(["for-a"]);
    });

    it("delivers published messages asynchronously, in order, to every subscriber", async () => {
      const cache = open();
      const one = collector();
      const two = collector();
      const other = collector();
      const stopOne = await cache.subscribe("room:r1", one.onMessage);
      await cache.subscribe("room:r1", two.onMessage);
      await cache.subscribe("room:r2", other.onMessage);

      const published = cache.publish("room:r1", "m1");
      expect(one.messages).toEqual([]);
      await published;
      await cache.publish("room:r1", "m2");
      await cache.publish("room:r1", "m3");
      expect(await one.waitFor(3)).toEqual(["m1", "m2", "m3"]);
      expect(await two.waitFor(3)).toEqual(["m1", "m2", "m3"]);
      await cache.publish("nobody-listens", "x");

      await stopOne();
      await stopOne();
      await cache.publish("room:r1", "m4");
      await cache.publish("room:r2", "r2-1");
      expect(await two.waitFor(4)).toEqual(["m1", "m2", "m3", "m4"]);
      expect(await other.waitFor(1)).toEqual(["r2-1"]);
      expect(one.messages).toEqual(["m1", "m2", "m3"]);
    });

    it("stops delivery once the last subscriber of a channel unsubscribes, and can resubscribe", async () => {
      const cache = open();
      const first = collector();
      const stop = await cache.subscribe("ch", first.onMessage);
      await cache.publish("ch", "a");
      await first.waitFor(1);
      await stop();

      const probe = collector();
      const stopProbe = await cache.subscribe("probe", probe.onMessage);
      await cache.publish("ch", "lost");
      await cache.publish("probe", "p");
      await probe.waitFor(1);
      expect(first.messages).toEqual(["a"]);
      await stopProbe();

      const again = collector();
      const sameFn = collector();
      await cache.subscribe("ch", again.onMessage);
      await cache.subscribe("ch", sameFn.onMessage);
      await cache.subscribe("ch", sameFn.onMessage);
      await cache.publish("ch", "b");
      expect(await again.waitFor(1)).toEqual(["b"]);
      // The same function subscribed twice is two subscriptions.
      expect(await sameFn.waitFor(2)).toEqual(["b", "b"]);
    });

    it("rejects using a key as the wrong type, like Redis WRONGTYPE", async () => {
      const cache = open();
      await cache.set("str", "text");
      await cache.hSet("hash", { f: "v" });
      await cache.zAdd("zset", 1, "m");
      await expect(cache.hSet("str", { f: "v" })).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.hGetAll("str")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.zAdd("str", 1, "m")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.zRangeByScore("hash", 0, 1)).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.zRem("hash", "m")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.get("hash")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.get("zset")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.hDel("zset", "f")).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.incrBy("hash", 1)).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.incrBy("zset", 1, 1000)).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.incrBy("str", 1)).rejects.toThrow(/not an integer/);
      await expect(cache.incrBy("str", 1, 1000)).rejects.toThrow(/not an integer/);
      // The failed calls changed nothing; SET replaces whatever type was there.
      expect(await cache.get("str")).toBe("text");
      await cache.set("hash", "now-a-string");
      expect(await cache.get("hash")).toBe("now-a-string");
      expect(await cache.ttl("zset")).toBe(-1);
    });

    it("refuses arguments Redis would refuse, before touching the store", async () => {
      const cache = open();
      await expect(cache.set("k", "v", 0)).rejects.toThrow(RangeError);
      await expect(cache.set("k", "v", Number.NaN)).rejects.toThrow(RangeError);
      await expect(cache.setIfAbsent("k", "v", -1)).rejects.toThrow(RangeError);
      await expect(cache.incrBy("k", 1.5)).rejects.toThrow(RangeError);
      await expect(cache.incrBy("k", 1, 0)).rejects.toThrow(RangeError);
      await expect(cache.zAdd("z", Number.NaN, "m")).rejects.toThrow(RangeError);
      await expect(cache.expire("k", Infinity)).rejects.toThrow(RangeError);
      expect(await cache.keys("*")).toEqual([]);
      // A fractional TTL rounds up instead of meaning "no expiry".
      await cache.set("frac", "v", 0.4);
      expect(await cache.ttl("frac")).not.toBe(-1);
    });

    it("rejects calls with CacheUnavailableError once closed", async () => {
      const cache = open();
      await cache.set("k", "v");
      await cache.close();
      await cache.close();
      await expect(cache.get("k")).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(cache.subscribe("ch", () => {})).rejects.toBeInstanceOf(CacheUnavailableError);
    });
  });
}
