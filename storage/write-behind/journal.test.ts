import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JournalUnavailableError } from "./GroupCommit.ts";
import { SpillLog } from "./SpillLog.ts";
import { decodeSpillLine } from "./spillFormat.ts";
import { WriteBehindQueue, type WriteBehindQueueOptions } from "./WriteBehindQueue.ts";

let dir: string;
const open: WriteBehindQueue[] = [];
function queue(options: Partial<WriteBehindQueueOptions> = {}): WriteBehindQueue {
  const q = new WriteBehindQueue({ spillDir: dir, flushIntervalMs: 10_000, ...options });
  open.push(q);
  return q;
}
function recorder() {
  const r = {
    items: [] as unknown[],
    down: false,
    apply: async (payloads: unknown[]) => {
      if (r.down) throw new Error("store down");
      r.items.push(...payloads);
    },
  };
  return r;
}
/** Payloads on disk, segment by segment in sequence order. */
async function onDisk(): Promise<unknown[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
  const out: unknown[] = [];
  for (const f of files) {
    for (const line of (await readFile(join(dir, f), "utf8")).split("\n")) {
      const r = line ? decodeSpillLine(line) : null;
      if (r) out.push(JSON.parse(r.j));
    }
  }
  return out;
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const settledSoon = async (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), ms))]);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wb-journal-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled(open.splice(0).map((q) => q.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("journaled write-behind queue", () => {
  it("durable() resolves once the items are in fsynced segment lines, and one round covers concurrent callers", async () => {
    const q = queue({ groupCommitMs: 200 });
    const s = recorder();
    s.down = true; // nothing leaves the journal
    q.registerSink("s", s.apply);
    await q.start();
    const writes = vi.spyOn(SpillLog.prototype, "write");
    q.enqueue({ sink: "s", payload: 0 });
    await q.durable(); // an idle queue commits at once
    expect(await onDisk()).toEqual([0]);

    for (const i of range(1, 51)) q.enqueue({ sink: "s", payload: i });
    const acks = range(0, 50).map(() => q.durable());
    // The next round waits out groupCommitMs after the previous one started.
    expect(await settledSoon(Promise.all(acks), 50)).toBe(false);
    expect(await onDisk()).toEqual([0]);
    await Promise.all(acks);
    expect(await onDisk()).toEqual(range(0, 51));
    expect(writes).toHaveBeenCalledTimes(2); // one group commit for the 50
  });

  it("applies from memory (the journal is written, not read) and deletes each segment once applied", async () => {
    const q = queue({ maxBatch: 10 });
    const s = recorder();
    q.registerSink("s", s.apply);
    await q.start();
    const reads = vi.spyOn(SpillLog.prototype, "read");
    const writes = vi.spyOn(SpillLog.prototype, "write");
    for (const i of range(0, 95)) q.enqueue({ sink: "s", payload: i });
    await q.durable();
    expect(writes.mock.calls.flatMap((call) => call[2].map((r) => JSON.parse(r.j) as unknown))).toEqual(range(0, 95));
    await q.flush();
    expect(s.items).toEqual(range(0, 95));
    expect(reads).not.toHaveBeenCalled();
    expect(await onDisk()).toEqual([]); // reclaimed while running, not only at close
    expect(q.stats()).toMatchObject({ queued: 0, spilled: 0, applied: 95 });
  });

  it("beyond maxInMemory only the memory copy of journaled items goes; they are read back in order", async () => {
    const q = queue({ maxInMemory: 20, maxBatch: 5 });
    const s = recorder();
    s.down = true;
    q.registerSink("s", s.apply);
    await q.start();
    const writes = vi.spyOn(SpillLog.prototype, "write");
    for (const i of range(0, 100)) q.enqueue({ sink: "s", payload: i });
    await q.durable();
    await vi.waitFor(() => expect(q.stats().queued).toBeLessThanOrEqual(20), { timeout: 1000, interval: 2 });
    expect(q.stats()).toMatchObject({ spilled: 100 - q.stats().queued });
    const lines = writes.mock.calls.reduce((n, call) => n + call[2].length, 0);
    expect(lines).toBe(100); // releasing memory wrote nothing again

    s.down = false;
    await q.flush();
    expect(s.items).toEqual(range(0, 100));
    expect(await onDisk()).toEqual([]);
  });

  it("a failing disk: durable() rejects, items are still applied from memory, journaling resumes when the disk is back", async () => {
    const q = queue({ maxBatch: 1 }); // every item needs a new segment file
    const s = recorder();
    q.registerSink("s", s.apply);
    await q.start();
    await rm(dir, { recursive: true, force: true }); // new segments cannot be created

    q.enqueue({ sink: "s", payload: "a" });
    await expect(q.durable()).rejects.toBeInstanceOf(JournalUnavailableError);
    q.enqueue({ sink: "s", payload: "b" });
    await expect(q.durable()).rejects.toThrow(/journal for "s" unavailable/); // at once while it is broken
    await q.flush();
    expect(s.items).toEqual(["a", "b"]);

    await mkdir(dir);
    await new Promise((r) => setTimeout(r, 1100)); // the retry pause after a failed write
    s.down = true; // keeps "c" on disk to look at
    q.enqueue({ sink: "s", payload: "c" });
    await q.durable();
    expect(await onDisk()).toEqual(["c"]);
    s.down = false;
    await q.flush();
    expect(s.items).toEqual(["a", "b", "c"]);
  });

  it("durable() called before start() resolves once started and journaled; close() leaves nothing pending", async () => {
    const q = queue();
    const s = recorder();
    s.down = true;
    q.registerSink("s", s.apply);
    q.enqueue({ sink: "s", payload: 1 });
    const ack = q.durable();
    await q.start();
    await ack;
    q.enqueue({ sink: "s", payload: 2 });
    const late = q.durable();
    await q.close(); // journals what is left, so the waiter is kept, not broken
    await late;
    expect(await onDisk()).toEqual([1, 2]);
    expect(q.stats()).toMatchObject({ queued: 0, spilled: 2 });
  });

  it("with journal: false, durable() resolves at once and nothing touches the disk while the store keeps up", async () => {
    const q = queue({ journal: false });
    const s = recorder();
    q.registerSink("s", s.apply);
    await q.start();
    for (const i of range(0, 20)) q.enqueue({ sink: "s", payload: i });
    await q.durable();
    expect(await onDisk()).toEqual([]);
    await q.close();
    expect(s.items).toEqual(range(0, 20));
    expect(await onDisk()).toEqual([]);
  });

  it("rejects bad group-commit options", () => {
    expect(() => new WriteBehindQueue({ spillDir: dir, groupCommitMs: -1 })).toThrow(RangeError);
    expect(() => new WriteBehindQueue({ spillDir: dir, groupCommitBytes: 0 })).toThrow(RangeError);
  });
});
