import { Fifo } from "./Fifo.ts";
import type { SpillLog } from "./SpillLog.ts";
import type { SinkApply, SpillRecord, SpillSegment, WriteBehindLogger } from "./types.ts";

export interface SinkLaneOptions {
  name: string;
  log: SpillLog;
  maxBatch: number;
  applyTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  random: () => number;
  logger: WriteBehindLogger;
  /** Told whenever items enter (+) or leave (−) memory, so the queue can keep its global bound. */
  onMemory: (delta: number) => void;
}

// After a failed spill (disk full, permissions) wait this long before the next try, so a broken
// disk is not hammered on every enqueue.
const SPILL_RETRY_MS = 1000;
// Segments written by one spill step: enough to keep up with bursts, few enough to keep the
// lane's loop (and so its applies) responsive and the open files few.
const SEGMENTS_PER_SPILL = 16;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The items of one sink, in enqueue order: first its spill segments (older), then memory (newer).
 * All work on them — applying a batch, moving memory to disk — runs in one async loop at a time,
 * so a batch is never applied while the same items are being written to disk and the order
 * "disk before memory" holds without locks.
 */
export class SinkLane {
  readonly name: string;
  applied = 0;
  failures = 0;
  /** Items ever handed to this lane (enqueued or replayed) and items that left it: flush targets. */
  private accepted = 0;
  private removed = 0;

  private apply: SinkApply | null = null;
  private active = false;
  private closing = false;
  private readonly memory = new Fifo<SpillRecord>();
  private readonly disk: SpillSegment[] = [];
  /** Records of disk[0], read once and kept across retries. */
  private diskHead: SpillRecord[] | null = null;
  private pumping: Promise<void> | null = null;
  private drainWanted = false;
  private spillWanted = 0;
  private spillBlocked: NodeJS.Timeout | null = null;
  private backoffTimer: NodeJS.Timeout | null = null;
  private wakeScheduled = false;
  private consecutiveFailures = 0;
  private lastError: unknown = null;

  constructor(private readonly o: SinkLaneOptions) {
    this.name = o.name;
  }

  get registered(): boolean {
    return this.apply !== null;
  }

  get inMemory(): number {
    return this.memory.length;
  }

  get spilled(): number {
    let n = 0;
    for (const s of this.disk) n += s.count;
    return n;
  }

  /** Memory items not yet promised to the disk. */
  get spillable(): number {
    return this.spillBlocked ? 0 : Math.max(0, this.memory.length - this.spillWanted);
  }

  get pendingSpill(): number {
    return this.spillWanted;
  }

  /** Enqueue time of the oldest unapplied item, or undefined when empty. */
  oldestAt(): number | undefined {
    return this.disk[0]?.oldestAt ?? this.memory.first()?.t;
  }

  oldestInMemory(): number | undefined {
    return this.memory.first()?.t;
  }

  setApply(apply: SinkApply): void {
    if (this.apply) throw new Error(`write-behind: sink "${this.name}" is already registered`);
    this.apply = apply;
    this.tick();
  }

  /** A segment left by an earlier process: older than anything enqueued in this one. */
  adopt(segment: SpillSegment): void {
    if (this.active) throw new Error("SinkLane.adopt after activation");
    this.disk.push(segment);
    this.accepted += segment.count;
  }

  /** Lets the lane start applying; before this, replayed segments may still be missing. */
  activate(): void {
    this.active = true;
    this.tick();
  }

  push(record: SpillRecord): void {
    this.memory.push(record);
    this.accepted++;
    this.o.onMemory(1);
    if (this.memory.length >= this.o.maxBatch && !this.wakeScheduled) {
      // Deferred so the sink never runs inside the caller's enqueue().
      this.wakeScheduled = true;
      queueMicrotask(() => {
        this.wakeScheduled = false;
        this.tick();
      });
    }
  }

  /** Starts draining unless the sink is backing off. Called by the flush timer and early wake-ups. */
  tick(): void {
    if (!this.canApply() || this.backoffTimer) return;
    if (this.memory.length === 0 && this.disk.length === 0) return;
    this.drainWanted = true;
    void this.ensurePump();
  }

  /** Asks for the oldest `n` memory items to be moved to the spill log. */
  requestSpill(n: number): void {
    if (!this.active || this.spillBlocked || n <= 0) return;
    this.spillWanted += n;
    void this.ensurePump();
  }

  /** Applies everything accepted so far, retrying once now even when backing off. */
  async flush(): Promise<void> {
    if (!this.canApply()) return;
    const target = this.accepted;
    const failuresBefore = this.failures;
    let stalls = 0;
    while (this.removed < target && !this.isEmpty()) {
      if (this.failures > failuresBefore) {
        throw new Error(`write-behind: sink "${this.name}" still failing: ${describe(this.lastError)}`, {
          cause: this.lastError,
        });
      }
      const progress = this.removed;
      this.cancelBackoff();
      this.drainWanted = true;
      await this.ensurePump();
      stalls = this.removed === progress && this.failures === failuresBefore ? stalls + 1 : 0;
      if (stalls > 3) throw new Error(`write-behind: sink "${this.name}" makes no progress`);
    }
  }

  /**
   * Final flush, then every item still in memory goes to the spill log. Resolves false when some
   * items could be neither applied nor spilled (they are lost if the process exits now).
   */
  async shutdown(): Promise<boolean> {
    try {
      await this.flush();
    } catch (err) {
      this.o.logger.warn({ sink: this.name, err }, "write-behind: final flush failed, spilling");
    }
    this.closing = true;
    this.cancelBackoff();
    this.drainWanted = false;
    if (this.spillBlocked) {
      clearTimeout(this.spillBlocked);
      this.spillBlocked = null;
    }
    while (this.memory.length > 0) {
      const before = this.memory.length;
      this.spillWanted = before;
      await this.ensurePump();
      if (this.memory.length >= before) {
        if (this.spillBlocked) clearTimeout(this.spillBlocked);
        this.spillBlocked = null;
        this.o.logger.error(
          { sink: this.name, items: this.memory.length },
          "write-behind: items could be neither applied nor spilled at shutdown",
        );
        return false;
      }
    }
    return true;
  }

  private canApply(): boolean {
    return this.active && this.apply !== null;
  }

  private isEmpty(): boolean {
    return this.memory.length === 0 && this.disk.length === 0;
  }

  private hasPendingWork(): boolean {
    if (this.spillWanted > 0 && this.memory.length > 0) return true;
    return this.drainWanted && this.canApply() && !this.backoffTimer && !this.isEmpty();
  }

  private ensurePump(): Promise<void> {
    if (!this.pumping) {
      this.pumping = this.pump()
        .catch((err: unknown) => {
          // Not expected (every step handles its own errors); stop instead of spinning, the next
          // tick or spill request starts again.
          this.drainWanted = false;
          this.spillWanted = 0;
          this.o.logger.error({ sink: this.name, err }, "write-behind: lane loop failed");
        })
        .finally(() => {
          this.pumping = null;
          // Work that arrived while the loop was winding down.
          if (this.hasPendingWork()) void this.ensurePump();
        });
    }
    return this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.spillWanted > 0 && this.memory.length > 0) {
        await this.spillChunk();
        continue;
      }
      this.spillWanted = 0;
      if (!this.drainWanted || !this.canApply() || this.backoffTimer) return;
      let batch: { records: SpillRecord[]; fromDisk: boolean } | null;
      try {
        batch = await this.nextBatch();
      } catch (err) {
        this.recordFailure(err, 0, true);
        this.scheduleRetry();
        return;
      }
      if (!batch) {
        this.drainWanted = false;
        return;
      }
      if (!(await this.attempt(batch.records, batch.fromDisk))) {
        this.scheduleRetry();
        return;
      }
    }
  }

  private async nextBatch(): Promise<{ records: SpillRecord[]; fromDisk: boolean } | null> {
    while (this.disk.length > 0) {
      if (this.diskHead) return { records: this.diskHead, fromDisk: true };
      const segment = this.disk[0]!;
      segment.sealed = true;
      const records = await this.o.log.read(segment);
      if (records.length < segment.count) {
        // Lines that went bad on disk since they were counted: they can never be applied.
        this.removed += segment.count - records.length;
        segment.count = records.length;
      }
      if (records.length > 0) {
        this.diskHead = records;
        return { records, fromDisk: true };
      }
      await this.o.log.remove(segment);
      this.disk.shift();
    }
    if (this.memory.length > 0) return { records: this.memory.peek(this.o.maxBatch), fromDisk: false };
    return null;
  }

  private async attempt(records: SpillRecord[], fromDisk: boolean): Promise<boolean> {
    // Parsed afresh for every attempt: a sink that mutates its payloads cannot change a retry.
    const payloads = records.map((r) => JSON.parse(r.j) as unknown);
    try {
      await this.callApply(payloads);
    } catch (err) {
      this.recordFailure(err, records.length, fromDisk);
      return false;
    }
    if (fromDisk) {
      const segment = this.disk.shift()!;
      this.diskHead = null;
      try {
        await this.o.log.remove(segment);
      } catch (err) {
        this.o.logger.error(
          { sink: this.name, err, file: segment.path },
          "write-behind: applied segment not deleted; it will be applied again after a restart",
        );
      }
    } else {
      this.memory.drop(records.length);
      this.o.onMemory(-records.length);
    }
    this.applied += records.length;
    this.removed += records.length;
    this.consecutiveFailures = 0;
    return true;
  }

  private callApply(payloads: unknown[]): Promise<void> {
    const apply = this.apply!;
    let pending: Promise<void>;
    try {
      pending = Promise.resolve(apply(payloads));
    } catch (err) {
      return Promise.reject(err);
    }
    const ms = this.o.applyTimeoutMs;
    if (ms <= 0) return pending;
    // A hung store must not hold this lane (and with it the memory bound) forever. The late
    // result is ignored; if it did store the batch, the retry re-applies it, which is why sinks
    // are idempotent.
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sink "${this.name}" did not settle within ${ms} ms`)), ms);
      pending.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private recordFailure(err: unknown, items: number, fromDisk: boolean): void {
    this.failures++;
    this.consecutiveFailures++;
    this.lastError = err;
    this.o.logger.warn(
      { sink: this.name, items, fromDisk, attempt: this.consecutiveFailures, err },
      "write-behind: sink failed, keeping its items",
    );
  }

  private scheduleRetry(): void {
    if (this.closing) {
      this.drainWanted = false;
      return;
    }
    const { initialMs, maxMs } = this.o.backoff;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.consecutiveFailures - 1, 30));
    // "Equal jitter": at least half the back-off, so a dead store is not hammered, the rest random
    // so many processes do not retry in lockstep when it comes back.
    const delay = Math.round(base / 2 + (this.o.random() * base) / 2);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = null;
      this.drainWanted = true;
      void this.ensurePump();
    }, delay);
    this.backoffTimer.unref();
  }

  private cancelBackoff(): void {
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }

  /** Moves a share of the oldest memory items to disk. */
  private async spillChunk(): Promise<void> {
    const n = Math.min(this.spillWanted, this.memory.length, this.o.maxBatch * SEGMENTS_PER_SPILL);
    const records = this.memory.peek(n);
    const written = await this.writeToDisk(records);
    this.memory.drop(written);
    this.o.onMemory(-written);
    if (written < n) {
      this.spillWanted = 0;
      if (!this.closing) {
        this.spillBlocked = setTimeout(() => {
          this.spillBlocked = null;
        }, SPILL_RETRY_MS);
        this.spillBlocked.unref();
      }
      return;
    }
    this.spillWanted -= n;
  }

  /** Returns how many of `records` (always a prefix) are now durable on disk. */
  private async writeToDisk(records: SpillRecord[]): Promise<number> {
    const max = this.o.maxBatch;
    let done = 0;
    const tail = this.disk.at(-1);
    if (tail && !tail.sealed && tail.count < max) {
      const part = records.slice(0, max - tail.count);
      try {
        await this.o.log.append(tail, part);
      } catch (err) {
        this.o.logger.error({ sink: this.name, err, items: records.length }, "write-behind: spill append failed; items stay in memory");
        return 0;
      }
      done = part.length;
    }
    const parts: SpillRecord[][] = [];
    for (let i = done; i < records.length; i += max) parts.push(records.slice(i, i + max));
    // Segments are written side by side (one fsync each, overlapping) so spilling keeps up with a
    // burst; sequence numbers are taken in call order, so their order on disk is still the queue's.
    const results = await Promise.allSettled(parts.map((p) => this.o.log.create(this.name, p, { syncDir: false })));
    let ok = results.findIndex((r) => r.status === "rejected");
    if (ok < 0) ok = results.length;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.status !== "fulfilled") continue;
      if (i < ok) {
        this.disk.push(r.value);
        done += parts[i]!.length;
      } else {
        // Behind a failed segment: keeping it would put newer items on disk ahead of older ones
        // still in memory.
        await this.o.log.remove(r.value).catch(() => {});
      }
    }
    if (ok < results.length) {
      const failed = results[ok] as PromiseRejectedResult;
      this.o.logger.error(
        { sink: this.name, err: failed.reason as unknown, items: records.length - done },
        "write-behind: spill to disk failed; items stay in memory",
      );
    }
    if (ok > 0) {
      await this.o.log.syncDir().catch((err: unknown) => {
        this.o.logger.warn({ sink: this.name, err }, "write-behind: spill directory fsync failed");
      });
    }
    return done;
  }
}
