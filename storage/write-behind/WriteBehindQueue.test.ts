import { appendFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WriteBehindQueue, type WriteBehindQueueOptions } from "./WriteBehindQueue.ts";
import type { WriteBehindLogger } from "./types.ts";

/** A sink that records only the batches it accepted, and fails while `down` is set. */
function testSink(name = "sink") {
  const s = {
    batches: [] as unknown[][],
    attempts: 0,
    attemptTimes: [] as number[],
    down: false,
    /** Fail this many more attempts, then recover. */
    failNext: 0,
    get items(): unknown[] {
      return s.batches.flat();
    },
    apply: async (payloads: unknown[]): Promise<void> => {
      s.attempts++;
      s.attemptTimes.push(performance.now());
      await Promise.resolve();
      if (s.down || s.failNext > 0) {
        if (s.failNext > 0) s.failNext--;
        throw new Error(`${name} is down`);
      }
      s.batches.push(payloads);
    },
  };
  return s;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let dir: string;
/** Set per mode by the describe.each below: every test runs journaled (the default) and without. */
let journal = true;
const open: WriteBehindQueue[] = [];
function queue(options: Partial<WriteBehindQueueOptions> = {}): WriteBehindQueue {
  const q = new WriteBehindQueue({ spillDir: dir, flushIntervalMs: 10_000, journal, ...options });
  open.push(q);
  return q;
}
async function segments(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wb-queue-"));
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((q) => q.close()));
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ["journaled", true],
  ["journal off", false],
])("WriteBehindQueue (%s)", (_mode, journaled) => {
  beforeEach(() => {
    journal = journaled;
  });

  it("applies each sink's items in enqueue order, in batches of at most maxBatch", async () => {
    const q = queue({ maxBatch: 3 });
    const a = testSink("a");
    const b = testSink("b");
    q.registerSink("a", a.apply);
    q.registerSink("b", b.apply);
    await q.start();
    for (const i of range(0, 10)) {
      q.enqueue({ sink: "a", payload: { i } });
      q.enqueue({ sink: "b", payload: `b${i}` });
    }
    await q.flush();
    expect(a.batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]].map((b) => b.map((i) => ({ i }))));
    expect(b.items).toEqual(range(0, 10).map((i) => `b${i}`));
    expect(q.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 20, failures: 0, lagMs: 0 });
  });

  it("flushes early when a sink reaches maxBatch, otherwise on the timer", async () => {
    const q = queue({ maxBatch: 5, flushIntervalMs: 300 });
    const s = testSink();
    q.registerSink("s", s.apply);
    await q.start();
    const t0 = performance.now();
    for (const i of range(0, 4)) q.enqueue({ sink: "s", payload: i });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.items).toEqual([]);
    q.enqueue({ sink: "s", payload: 4 });
    await vi.waitFor(() => expect(s.items).toEqual(range(0, 5)), { timeout: 1000, interval: 5 });
    expect(performance.now() - t0).toBeLessThan(250);

    q.enqueue({ sink: "s", payload: 5 });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.items).toHaveLength(5);
    await vi.waitFor(() => expect(s.items).toEqual(range(0, 6)), { timeout: 2000, interval: 10 });
  });

  // The back-off is the lane's, the same in both modes: its timer-precision tests run once, so a
  // loaded machine has no more chances to stretch a timer than before journaling existed.
  it.runIf(journaled)("retries a failing sink with exponential, jittered back-off while other sinks keep flowing", async () => {
    const q = queue({ maxBatch: 1, backoff: { initialMs: 20, maxMs: 80 }, random: () => 1 });
    const bad = testSink("bad");
    const good = testSink("good");
    bad.failNext = 4;
    q.registerSink("bad", bad.apply);
    q.registerSink("good", good.apply);
    await q.start();
    q.enqueue({ sink: "bad", payload: "x" });
    q.enqueue({ sink: "good", payload: 1 });
    await vi.waitFor(() => expect(good.items).toEqual([1]), { timeout: 200, interval: 2 });
    expect(bad.items).toEqual([]);
    q.enqueue({ sink: "good", payload: 2 });
    await vi.waitFor(() => expect(good.items).toEqual([1, 2]), { timeout: 200, interval: 2 });

    await vi.waitFor(() => expect(bad.items).toEqual(["x"]), { timeout: 2000, interval: 5 });
    expect(bad.attempts).toBe(5);
    const gaps = bad.attemptTimes.slice(1).map((t, i) => t - bad.attemptTimes[i]!);
    // random() = 1 puts each delay at its ceiling: 20, 40, 80, then capped at 80.
    [20, 40, 80, 80].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected - 2);
      expect(gaps[i]).toBeLessThan(expected + 60);
    });
    expect(q.stats()).toMatchObject({ failures: 4, applied: 3, queued: 0 });
  });

  it.runIf(journaled)("halves the delay at the bottom of the jitter range", async () => {
    const q = queue({ maxBatch: 1, backoff: { initialMs: 100, maxMs: 1000 }, random: () => 0 });
    const s = testSink();
    s.failNext = 1;
    q.registerSink("s", s.apply);
    await q.start();
    q.enqueue({ sink: "s", payload: 1 });
    await vi.waitFor(() => expect(s.items).toEqual([1]), { timeout: 1000, interval: 2 });
    const gap = s.attemptTimes[1]! - s.attemptTimes[0]!;
    expect(gap).toBeGreaterThanOrEqual(48);
    expect(gap).toBeLessThan(95);
  });

  it("flush() rejects while a sink fails and keeps its items; a later flush delivers them", async () => {
    const q = queue({ maxBatch: 10 });
    const s = testSink();
    s.down = true;
    q.registerSink("s", s.apply);
    await q.start();
    for (const i of range(0, 25)) q.enqueue({ sink: "s", payload: i });
    await expect(q.flush()).rejects.toThrow(/sinks still failing: s/);
    expect(q.stats()).toMatchObject({ queued: 25, applied: 0 });
    s.down = false;
    await q.flush();
    expect(s.items).toEqual(range(0, 25));
  });

  it("counts a hung sink call as failed after applyTimeoutMs and retries it", async () => {
    const q = queue({ applyTimeoutMs: 50, backoff: { initialMs: 10, maxMs: 10 } });
    const seen: unknown[][] = [];
    let calls = 0;
    q.registerSink("s", (payloads) => {
      calls++;
      if (calls === 1) return new Promise<void>(() => {}); // never settles
      seen.push(payloads);
      return Promise.resolve();
    });
    await q.start();
    q.enqueue({ sink: "s", payload: "a" });
    await expect(q.flush()).rejects.toThrow(/still failing/);
    await q.flush();
    expect(seen).toEqual([["a"]]);
    expect(q.stats()).toMatchObject({ failures: 1, applied: 1 });
  });

  it("reports lagMs as the age of the oldest unapplied item", async () => {
    let clock = 1000;
    const q = queue({ now: () => clock });
    const s = testSink();
    q.registerSink("s", s.apply);
    await q.start();
    expect(q.stats().lagMs).toBe(0);
    q.enqueue({ sink: "s", payload: 1 });
    clock = 1100;
    q.enqueue({ sink: "s", payload: 2 });
    clock = 1350;
    expect(q.stats().lagMs).toBe(350);
    await q.flush();
    expect(q.stats().lagMs).toBe(0);
  });

  it("throws on programming errors: unknown sink, non-JSON payload, double registration, use after close", async () => {
    const q = queue();
    q.registerSink("s", testSink().apply);
    expect(() => q.enqueue({ sink: "nope", payload: 1 })).toThrow('unknown sink "nope"');
    expect(() => q.enqueue({ sink: "s", payload: 10n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => q.enqueue({ sink: "s", payload: cyclic })).toThrow(/not JSON-serializable/);
    expect(() => q.enqueue({ sink: "s", payload: undefined })).toThrow(/not JSON-serializable/);
    expect(() => q.registerSink("s", testSink().apply)).toThrow(/already registered/);
    expect(() => new WriteBehindQueue({ spillDir: dir, maxBatch: 0 })).toThrow(RangeError);
    await q.close();
    expect(() => q.enqueue({ sink: "s", payload: 1 })).toThrow(/closed/);
  });

  it("hands sinks the value at enqueue time, not a later mutation", async () => {
    const q = queue();
    const s = testSink();
    q.registerSink("s", s.apply);
    await q.start();
    const payload = { text: "first" };
    q.enqueue({ sink: "s", payload });
    payload.text = "mutated";
    await q.flush();
    expect(s.items).toEqual([{ text: "first" }]);
  });

  it("close() applies everything to healthy sinks and leaves no spill segment", async () => {
    const q = queue({ maxBatch: 7 });
    const s = testSink();
    q.registerSink("s", s.apply);
    await q.start();
    for (const i of range(0, 50)) q.enqueue({ sink: "s", payload: i });
    await q.close();
    expect(s.items).toEqual(range(0, 50));
    expect(await segments()).toEqual([]);
    expect(q.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 50 });
  });

  it("bounds memory: past maxInMemory the oldest items move to the spill log and arrive in order later", async () => {
    const q = queue({ maxInMemory: 20, maxBatch: 5, flushIntervalMs: 20, backoff: { initialMs: 10, maxMs: 40 } });
    const s = testSink();
    const other = testSink("other");
    s.down = true;
    q.registerSink("s", s.apply);
    q.registerSink("other", other.apply);
    await q.start();
    let peakQueued = 0;
    for (let burst = 0; burst < 10; burst++) {
      for (const i of range(burst * 10, burst * 10 + 10)) q.enqueue({ sink: "s", payload: i });
      q.enqueue({ sink: "other", payload: burst });
      peakQueued = Math.max(peakQueued, q.stats().queued);
      // The bound is restored by an asynchronous spill right after the burst that crossed it.
      await vi.waitFor(() => expect(q.stats().queued).toBeLessThanOrEqual(20), { timeout: 1000, interval: 2 });
    }
    expect(peakQueued).toBeLessThanOrEqual(20 + 11);
    await vi.waitFor(() => expect(other.items).toEqual(range(0, 10)), { timeout: 1000 }); // the healthy sink kept flowing
    const st = q.stats();
    expect(st.spilled).toBeGreaterThanOrEqual(80);
    expect(st.queued + st.spilled).toBe(100);
    expect((await segments()).length).toBeGreaterThanOrEqual(16);

    s.down = false;
    await q.flush();
    expect(s.items).toEqual(range(0, 100));
    expect(q.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 110 });
    expect(await segments()).toEqual([]);
  });

  it("a queue restarted on the same spillDir applies what the previous one spilled, before its own new items", async () => {
    let clock = 1000;
    const first = queue({ now: () => clock });
    const down = testSink();
    down.down = true;
    first.registerSink("s", down.apply);
    await first.start();
    for (const i of range(0, 30)) first.enqueue({ sink: "s", payload: { id: i } });
    await first.close();
    expect(first.stats()).toMatchObject({ queued: 0, spilled: 30, applied: 0 });
    expect((await segments()).length).toBeGreaterThan(0);

    clock = 5000;
    const second = queue({ now: () => clock });
    await second.start(); // sink not registered yet: replayed items wait on disk
    expect(second.stats()).toMatchObject({ queued: 0, spilled: 30, lagMs: 4000 });
    const up = testSink();
    second.registerSink("s", up.apply);
    second.enqueue({ sink: "s", payload: { id: 30 } });
    await second.flush();
    expect(up.items).toEqual(range(0, 31).map((id) => ({ id })));
    expect(second.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 31, lagMs: 0 });
    expect(await segments()).toEqual([]);
  });

  it("replays spilled items before items enqueued ahead of start()", async () => {
    const first = queue();
    const down = testSink();
    down.down = true;
    first.registerSink("s", down.apply);
    for (const i of range(0, 10)) first.enqueue({ sink: "s", payload: i });
    await first.close();

    const second = queue({ maxBatch: 4 });
    const up = testSink();
    second.registerSink("s", up.apply);
    for (const i of range(10, 15)) second.enqueue({ sink: "s", payload: i });
    expect(up.items).toEqual([]); // nothing applied before the replay
    await second.start();
    await second.flush();
    expect(up.items).toEqual(range(0, 15));
  });

  it("ignores a torn last line left by a crash and applies the rest", async () => {
    const first = queue();
    const down = testSink();
    down.down = true;
    first.registerSink("s", down.apply);
    for (const i of range(0, 5)) first.enqueue({ sink: "s", payload: i });
    await first.close();
    const [last] = (await segments()).slice(-1);
    await appendFile(join(dir, last!), '{"c":"1234abcd","t":99,"p":{"half');

    const warnings: unknown[] = [];
    const logger: WriteBehindLogger = { info() {}, warn: (o) => void warnings.push(o), error() {} };
    const second = queue({ logger });
    const up = testSink();
    second.registerSink("s", up.apply);
    await second.start();
    await second.flush();
    expect(up.items).toEqual(range(0, 5));
    expect(warnings).toContainEqual(expect.objectContaining({ tornLastLine: true, skipped: 1 }));
  });

  it("refuses a second live queue on the same spillDir", async () => {
    const first = queue();
    await first.start();
    const second = new WriteBehindQueue({ spillDir: dir, journal });
    await expect(second.start()).rejects.toThrow(/in use/);
  });

  it("accepts a pino logger", () => {
    const logger: WriteBehindLogger = pino({ level: "silent" });
    expect(logger).toBeDefined();
  });

  it("loses and duplicates nothing across random outages, spills and restarts", async () => {
    for (const seed of [1, 2, 3]) {
      let state = seed;
      const rand = () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state / 2 ** 31;
      };
      const got = new Map<string, number[]>();
      const sinkNames = ["chat", "views", "memory"];
      const make = () => {
        const q = queue({ maxInMemory: 15, maxBatch: 4, flushIntervalMs: 5, backoff: { initialMs: 1, maxMs: 8 }, random: rand });
        for (const name of sinkNames) {
          q.registerSink(name, async (payloads) => {
            await new Promise((r) => setTimeout(r, rand() * 2));
            if (rand() < 0.3) throw new Error("flaky");
            const list = got.get(name) ?? [];
            list.push(...(payloads as number[]));
            got.set(name, list);
          });
        }
        return q;
      };
      const next = new Map(sinkNames.map((n) => [n, 0]));
      let q = make();
      await q.start();
      for (let step = 0; step < 60; step++) {
        const name = sinkNames[Math.floor(rand() * 3)]!;
        for (let k = Math.floor(rand() * 6); k > 0; k--) {
          const i = next.get(name)!;
          next.set(name, i + 1);
          q.enqueue({ sink: name, payload: i });
        }
        if (rand() < 0.05) {
          await q.close();
          q = make();
          await q.start();
        }
        await new Promise((r) => setTimeout(r, rand() * 3));
      }
      for (let tries = 0; ; tries++) {
        try {
          await q.flush();
          break;
        } catch (err) {
          if (tries > 200) throw err;
        }
      }
      for (const name of sinkNames) expect(got.get(name) ?? [], `seed ${seed} ${name}`).toEqual(range(0, next.get(name)!));
      await q.close();
      expect(await segments()).toEqual([]);
    }
  });
});
