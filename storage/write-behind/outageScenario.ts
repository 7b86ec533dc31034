// The acceptance scenario shared by the real-store outage tests: a store stops under the queue,
// writes keep coming, the store returns (items arrive by themselves), it stops again and the
// queue is closed during the outage (items go to the spill log), then a new queue on the same
// spill dir delivers them once the store is back. Test-only.
import { readdir } from "node:fs/promises";
import { expect, vi } from "vitest";
import type { PrivateServer } from "../../test/private-services.ts";
import { WriteBehindQueue } from "./WriteBehindQueue.ts";
import type { SinkApply } from "./types.ts";

export interface OutageStore {
  /** A fresh client's sink (new process after a restart gets a new client). */
  connect(): Promise<{ apply: SinkApply; close(): Promise<void> }>;
  /** Item ids in the order the store first received them. */
  arrived(): Promise<number[]>;
}

export interface OutageFigures {
  enqueued: number;
  maxQueuedDuringOutage: number;
  spilledDuringOutage: number;
  failuresDuringOutage: number;
  spilledAtClose: number;
  segmentFilesAtClose: number;
  arrived: number;
}

const SINK = "outage.events";
const MAX_IN_MEMORY = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function makeQueue(spillDir: string): WriteBehindQueue {
  return new WriteBehindQueue({
    spillDir,
    flushIntervalMs: 50,
    maxBatch: 25,
    maxInMemory: MAX_IN_MEMORY,
    backoff: { initialMs: 50, maxMs: 400 },
    applyTimeoutMs: 3000,
  });
}

async function segmentFiles(dir: string): Promise<number> {
  return (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).length;
}

export async function runOutageScenario(server: PrivateServer, store: OutageStore, spillDir: string): Promise<OutageFigures> {
  let next = 0;
  let maxQueued = 0;
  const enqueueBurst = async (q: WriteBehindQueue, count: number) => {
    for (let k = 0; k < count; k += 20) {
      for (let i = 0; i < 20 && k + i < count; i++) {
        const id = next++;
        q.enqueue({ sink: SINK, payload: { id, body: `event ${id}` } });
      }
      await sleep(5);
      maxQueued = Math.max(maxQueued, q.stats().queued);
    }
  };

  // Store up: writes flow.
  const first = makeQueue(spillDir);
  const client1 = await store.connect();
  first.registerSink(SINK, client1.apply);
  await first.start();
  await enqueueBurst(first, 100);
  await first.flush();
  expect(await store.arrived()).toEqual(ids(0, 100));

  // Outage 1: enqueue keeps working, memory stays bounded, the overflow is spilled.
  await server.stop();
  maxQueued = 0;
  await enqueueBurst(first, 400);
  await vi.waitFor(() => expect(first.stats().queued).toBeLessThanOrEqual(MAX_IN_MEMORY), { timeout: 5000 });
  const during = first.stats();
  expect(during.failures).toBeGreaterThan(0);
  expect(during.spilled).toBeGreaterThan(0);
  expect(during.queued + during.spilled).toBe(400);

  // The store returns: back-off retries deliver everything, spilled items included, unprompted.
  await server.start();
  await vi.waitFor(() => expect(first.stats()).toMatchObject({ queued: 0, spilled: 0 }), { timeout: 15_000, interval: 50 });
  expect(await store.arrived()).toEqual(ids(0, 500));

  // Outage 2, and a clean shutdown during it: everything unapplied ends up on the spill log.
  await server.stop();
  await enqueueBurst(first, 500);
  await first.close();
  const closed = first.stats();
  expect(closed.queued).toBe(0);
  expect(closed.spilled).toBe(500);
  const files = await segmentFiles(spillDir);
  await client1.close();

  // Restart: store first, then a new queue on the same spill dir replays it.
  await server.start();
  const second = makeQueue(spillDir);
  const client2 = await store.connect();
  second.registerSink(SINK, client2.apply);
  await second.start();
  await second.flush();
  await second.close();
  await client2.close();
  expect(second.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 500 });
  expect(await segmentFiles(spillDir)).toBe(0);

  const arrived = await store.arrived();
  expect(arrived).toEqual(ids(0, 1000)); // every item, once, in enqueue order
  return {
    enqueued: next,
    maxQueuedDuringOutage: maxQueued,
    spilledDuringOutage: during.spilled,
    failuresDuringOutage: during.failures,
    spilledAtClose: closed.spilled,
    segmentFilesAtClose: files,
    arrived: arrived.length,
  };
}
