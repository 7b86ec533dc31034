// Throughput and latency of the journal on this machine, printed as "[measure] …" lines:
//   node --import tsx storage/write-behind/measureJournal.ts
// A script, not a test: it keeps both cores busy for seconds, which would starve the timing
// tests running beside it, and a time is nothing to assert on (machines differ).
import assert from "node:assert/strict";
import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { WriteBehindQueue, type WriteBehindQueueOptions } from "./WriteBehindQueue.ts";

let dir = "";

const line = (id: number) => ({
  op: "set",
  collection: "rooms/r42/chat",
  id: `m${id}`,
  data: { user: "u-1234", text: `chat line number ${id}, about sixty characters of text here`, at: 1732550000000 + id },
});
const yieldToIo = () => new Promise((r) => setImmediate(r));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (x: number) => x.toFixed(2);

async function started(options: Partial<WriteBehindQueueOptions> = {}) {
  const q = new WriteBehindQueue({ spillDir: dir, ...options });
  let applied = 0;
  q.registerSink("docs", async (payloads) => {
    applied += payloads.length; // a no-op store
  });
  await q.start();
  return { q, applied: () => applied };
}

/** Burst throughput with a no-op sink: enqueue as fast as possible, then wait for durable() and flush(). */
async function burst(label: string, journal: boolean) {
    const { q, applied } = await started({ journal });
    const total = 200_000;
    const t0 = performance.now();
    for (let id = 0; id < total; id++) {
      q.enqueue({ sink: "docs", payload: line(id) });
      if (id % 1000 === 999) await yieldToIo(); // a server interleaves I/O with its enqueues
    }
    const tEnqueued = performance.now();
    await q.durable();
    const tDurable = performance.now();
    await q.flush();
    const tApplied = performance.now();
    assert.equal(applied(), total);
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith(".jsonl")), []); // space reclaimed
    await q.close();
    const rate = (t: number) => Math.round(total / ((t - t0) / 1000));
    console.log(
      `[measure] ${label}: ${total} items enqueued in ${ms(tEnqueued - t0)} ms, all durable after ${ms(tDurable - t0)} ms ` +
        `(${rate(tDurable)} items/s enqueue+journal), all applied after ${ms(tApplied - t0)} ms (${rate(tApplied)} items/s)`,
    );
}

/** 100 rooms, each enqueueing a line and awaiting durable() before the next: acknowledged throughput. */
async function rooms() {
    const { q, applied } = await started();
    const perRoom = 300;
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 100 }, async (_, room) => {
        for (let k = 0; k < perRoom; k++) {
          q.enqueue({ sink: "docs", payload: line(room * perRoom + k) });
          const t = performance.now();
          await q.durable();
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = performance.now() - t0;
    await q.flush();
    assert.equal(applied(), 100 * perRoom);
    await q.close();
    latencies.sort((a, b) => a - b);
    console.log(
      `[measure] 100 rooms acking every line: ${Math.round((100 * perRoom) / (elapsed / 1000))} acked items/s, ` +
        `durable() p50 ${ms(pct(latencies, 0.5))} ms, p99 ${ms(pct(latencies, 0.99))} ms, max ${ms(latencies.at(-1)!)} ms`,
    );
}

/** durable() latency of a lone line (idle queue) and of back-to-back lines, against a bare write+fdatasync. */
async function latency() {
    const { q } = await started();
    const lone: number[] = [];
    const backToBack: number[] = [];
    for (let k = 0; k < 100; k++) {
      await new Promise((r) => setTimeout(r, 10)); // idle: the round may start at once
      q.enqueue({ sink: "docs", payload: line(k) });
      const t = performance.now();
      await q.durable();
      lone.push(performance.now() - t);
    }
    for (let k = 0; k < 200; k++) {
      q.enqueue({ sink: "docs", payload: line(1000 + k) });
      const t = performance.now();
      await q.durable(); // the next round waits out groupCommitMs after the previous one
      backToBack.push(performance.now() - t);
    }
    await q.close();

    const fh = await open(join(dir, "fsync-probe"), "a");
    const bare: number[] = [];
    for (let k = 0; k < 200; k++) {
      const t = performance.now();
      await fh.write(`${JSON.stringify(line(k))}\n`);
      await fh.datasync();
      bare.push(performance.now() - t);
    }
    await fh.close();
    for (const list of [lone, backToBack, bare]) list.sort((a, b) => a - b);
    console.log(
      `[measure] durable() lone line p50 ${ms(pct(lone, 0.5))} ms p99 ${ms(pct(lone, 0.99))} ms; ` +
        `back-to-back p50 ${ms(pct(backToBack, 0.5))} ms p99 ${ms(pct(backToBack, 0.99))} ms; ` +
        `bare write+fdatasync p50 ${ms(pct(bare, 0.5))} ms p99 ${ms(pct(bare, 0.99))} ms`,
    );
}

for (const run of [() => burst("journal on (default)", true), () => burst("journal off", false), rooms, latency]) {
  dir = await mkdtemp(join(tmpdir(), "wb-measure-"));
  try {
    await run();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
