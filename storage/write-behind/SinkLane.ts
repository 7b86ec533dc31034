import { applyWithin } from "./applyWithin.ts";
import { Fifo } from "./Fifo.ts";
import type { JournalLane } from "./GroupCommit.ts";
import type { SpillLog } from "./SpillLog.ts";
import type { SinkApply, SpillRecord, SpillSegment, WriteBehindLogger } from "./types.ts";

export interface SinkLaneOptions {
  name: string;
  log: SpillLog;
  /** Journal every item (crash-safe) rather than write to disk only to bound memory or at shutdown. */
  journal: boolean;
  maxBatch: number;
  applyTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  random: () => number;
  logger: WriteBehindLogger;
  /** Told whenever items enter (+) or leave (−) memory, so the queue can keep its global bound. */
  onMemory: (delta: number) => void;
  /** The queue's group commit: runs this lane's `commit()` in its rounds. */
  commits: { kick(chars: number): void; nextRound(): Promise<void> };
}

// After a failed disk write (disk full, permissions) wait this long before the next try, so a
// broken disk is not hammered on every enqueue.
const WRITE_RETRY_MS = 1000;
// Segments written by one round: enough to keep up with bursts, few enough to keep the open
// files few and a round short.
const SEGMENTS_PER_ROUND = 16;
// A lane starts applying once this many items wait (or maxBatch, if smaller), not only when a full
// batch is there: under a backlog batches still grow to maxBatch while one is applied, but at a
// moderate rate a line does not wait for a whole maxBatch to gather.
const EARLY_WAKE_ITEMS = 500;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Batch {
  /** The segment applied as a whole, or null for items that are only in memory. */
  segment: SpillSegment | null;
  records: SpillRecord[];
}

/**
 * The items of one sink, in enqueue order: first those in segments (`segments`, oldest first),
 * then `unjournaled` ones that are only in memory. Memory holds the newest items: every unjournaled
 * one, plus the journaled ones not yet released to bound memory; older ones are on disk only.
 *
 *   items:   [ segment … segment ][ unjournaled ]
 *   memory:          [ journaled  ][ unjournaled ]
 *
 * Two loops work on them. The group commit's rounds append unjournaled items to segments (all of
 * them when journaling, only what must leave memory otherwise). This lane's apply loop takes one
 * whole segment per batch — sealing it first, so nothing is appended behind a batch — applies it
 * and deletes the file; a crash can thus repeat at most the one batch applied but not yet deleted.
 * Items are applied straight from memory only when they cannot be journaled (journaling off, or
 * the disk failing), and never while a round writes this lane, so an item is never in both places.
 */
export class SinkLane implements JournalLane {
  readonly name: string;
  applied = 0;
  failures = 0;
  /** Items ever handed to this lane (enqueued or replayed) and items that left it: flush targets. */
  private total = 0;
  private removed = 0;

  private apply: SinkApply | null = null;
  private active = false;
  private closing = false;
  private readonly memory = new Fifo<SpillRecord>();
  private readonly segments: SpillSegment[] = [];
  /** Items in `segments`. */
  private segmentItems = 0;
  private unjournaled = 0;
  /** Oldest memory copies the queue asked to release (memory bound). */
  private spillWanted = 0;
  /** The round writing this lane now, and the segment it appends to. */
  private writing: { tail: SpillSegment | null; done: Promise<void> } | null = null;
  /** An apply of unjournaled items is running: rounds leave this lane alone meanwhile. */
  private direct = false;
  private writeError: unknown = null;
  private writeBlocked: NodeJS.Timeout | null = null;
  private writeFailures = 0;
  /** Records of segments[0], read once and kept across retries. */
  private head: Batch | null = null;
  private pumping: Promise<void> | null = null;
  private drainWanted = false;
  /** A drain applies items up to here (`accepted` when it was asked for); later ones wait for the next. */
  private drainTarget = 0;
  private backoffTimer: NodeJS.Timeout | null = null;
  private wakeScheduled = false;
  private consecutiveFailures = 0;
  private lastError: unknown = null;

  constructor(private readonly o: SinkLaneOptions) {
    this.name = o.name;
  }

  get accepted(): number {
    return this.total;
  }

  get registered(): boolean {
    return this.apply !== null;
  }

  get settled(): number {
    return this.accepted - this.unjournaled;
  }

  get journalError(): unknown {
    return this.writeError;
  }

  get inMemory(): number {
    return this.memory.length;
  }

  /** Items only on disk (their memory copy released, or replayed from an earlier process). */
  get spilled(): number {
    return this.segmentItems - this.journaledInMemory();
  }

  /** Memory items not yet promised to leave it. */
  get spillable(): number {
    const releasable = this.writeBlocked ? this.journaledInMemory() : this.memory.length;
    return Math.max(0, releasable - this.spillWanted);
  }

  get pendingSpill(): number {
    return this.spillWanted;
  }

  /** Enqueue time of the oldest unapplied item, or undefined when empty. */
  oldestAt(): number | undefined {
    return this.segments[0]?.oldestAt ?? this.memory.first()?.t;
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
    this.segments.push(segment);
    this.segmentItems += segment.count;
    this.total += segment.count;
  }

  /** Lets the lane start applying; before this, replayed segments may still be missing. */
  activate(): void {
    this.active = true;
    this.tick();
  }

  push(record: SpillRecord): void {
    this.memory.push(record);
    this.total++;
    this.unjournaled++;
    this.o.onMemory(1);
    if (this.o.journal) this.o.commits.kick(record.j.length);
    if (this.memory.length >= Math.min(this.o.maxBatch, EARLY_WAKE_ITEMS) && !this.wakeScheduled) {
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
    if (!this.canApply() || this.backoffTimer || this.isEmpty()) return;
    this.drainWanted = true;
    this.drainTarget = this.accepted;
    void this.ensurePump();
  }

  /** Asks for the oldest `n` memory items to leave memory (journaled first if they are not yet). */
  requestSpill(n: number): void {
    if (!this.active || n <= 0) return;
    this.spillWanted += n;
    this.releaseMemory();
    if (this.spillWanted > 0) this.o.commits.kick(0);
  }

  wantsCommit(): boolean {
    return this.active && !this.direct && !this.writing && !this.writeBlocked && this.toWrite() > 0;
  }

  async commit(): Promise<void> {
    const n = Math.min(this.toWrite(), this.o.maxBatch * SEGMENTS_PER_ROUND);
    if (n <= 0 || this.writing || this.direct) return;
    const from = this.journaledInMemory();
    const records = this.memory.slice(from, from + n);
    const last = this.segments.at(-1);
    const tail = last && !last.sealed && last.count < this.o.maxBatch ? last : null;
    let done!: () => void;
    this.writing = { tail, done: new Promise<void>((resolve) => (done = resolve)) };
    try {
      const fresh = await this.o.log.write(this.name, tail, records, this.o.maxBatch);
      // Only this method lowers `unjournaled` while `writing` is set; pushes add behind `records`.
      this.unjournaled -= n;
      this.segmentItems += n;
      for (const s of fresh) this.segments.push(s);
      this.writeError = null;
    } catch (err) {
      this.writeFailed(err, n);
    } finally {
      this.writing = null;
      done();
    }
    this.releaseMemory();
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
      this.drainTarget = Math.max(this.drainTarget, target);
      await this.ensurePump();
      stalls = this.removed === progress && this.failures === failuresBefore ? stalls + 1 : 0;
      if (stalls > 3) throw new Error(`write-behind: sink "${this.name}" makes no progress`);
    }
  }

  /**
   * Final flush, then every item still only in memory is written to disk and memory is released.
   * Resolves false when some items could be neither applied nor written (they are lost if the
   * process exits now).
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
    if (this.pumping) await this.pumping;
    // One more try even if the disk failed a moment ago: this is the last chance.
    if (this.writeBlocked) clearTimeout(this.writeBlocked);
    this.writeBlocked = null;
    while (this.unjournaled > 0) {
      const failuresBefore = this.writeFailures;
      this.spillWanted = this.memory.length;
      await this.o.commits.nextRound();
      if (this.writeFailures > failuresBefore) {
        this.o.logger.error(
          { sink: this.name, items: this.unjournaled },
          "write-behind: items could be neither applied nor spilled at shutdown",
        );
        return false;
      }
    }
    this.spillWanted = this.memory.length;
    this.releaseMemory();
    return true;
  }

  private journaledInMemory(): number {
    return this.memory.length - this.unjournaled;
  }

  /** How many unjournaled items the next round should write. */
  private toWrite(): number {
    if (this.o.journal) return this.unjournaled;
    return Math.min(this.unjournaled, Math.max(0, this.spillWanted - this.journaledInMemory()));
  }

  /** Drops the memory copies the queue asked for, as far as they are on disk already. */
  private releaseMemory(): void {
    const n = Math.min(this.spillWanted, this.journaledInMemory());
    if (n > 0) {
      this.memory.drop(n);
      this.o.onMemory(-n);
      this.spillWanted -= n;
    }
    // What cannot be written now is not promised: the queue asks again once the disk works.
    if (this.writeBlocked || this.closing) this.spillWanted = Math.min(this.spillWanted, this.memory.length - this.unjournaled);
    if (this.memory.length === 0) this.spillWanted = 0;
  }

  private writeFailed(err: unknown, items: number): void {
    this.writeFailures++;
    this.writeError = err;
    this.o.logger.error(
      { sink: this.name, err, items },
      this.o.journal
        ? "write-behind: journal write failed; items stay in memory and would not survive a crash"
        : "write-behind: spill to disk failed; items stay in memory",
    );
    if (this.closing) return;
    this.writeBlocked = setTimeout(() => {
      this.writeBlocked = null;
      this.writeError = null;
      this.o.commits.kick(0);
    }, WRITE_RETRY_MS);
    this.writeBlocked.unref();
  }

  private canApply(): boolean {
    return this.active && this.apply !== null;
  }

  private isEmpty(): boolean {
    return this.segments.length === 0 && this.unjournaled === 0;
  }

  private ensurePump(): Promise<void> {
    if (!this.pumping) {
      this.pumping = this.pump()
        .catch((err: unknown) => {
          // Not expected (every step handles its own errors); stop instead of spinning, the next
          // tick starts again.
          this.drainWanted = false;
          this.direct = false;
          this.o.logger.error({ sink: this.name, err }, "write-behind: lane loop failed");
        })
        .finally(() => {
          this.pumping = null;
          // A drain asked for while the loop was winding down.
          if (this.drainWanted && this.canApply() && !this.backoffTimer && !this.isEmpty()) void this.ensurePump();
        });
    }
    return this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.removed >= this.drainTarget) this.drainWanted = false;
      if (!this.drainWanted || !this.canApply() || this.backoffTimer) return;
      let batch: Batch | null;
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
      if (!(await this.attempt(batch))) {
        this.scheduleRetry();
        return;
      }
    }
  }

  private async nextBatch(): Promise<Batch | null> {
    for (;;) {
      const segment = this.segments[0];
      if (segment) {
        if (this.head?.segment === segment) return this.head;
        if (this.writing?.tail === segment) {
          await this.writing.done;
          continue;
        }
        await this.o.log.seal(segment); // marks it at once: the next round starts a new segment
        const diskOnly = this.segmentItems - this.journaledInMemory();
        let records: SpillRecord[];
        if (diskOnly <= 0) records = this.memory.peek(segment.count);
        else {
          records = await this.o.log.read(segment);
          if (records.length < segment.count) {
            this.o.logger.warn(
              { sink: this.name, file: segment.path, lost: segment.count - records.length },
              "write-behind: segment lines went bad on disk; those items cannot be applied",
            );
          }
        }
        this.head = { segment, records };
        return this.head;
      }
      if (this.unjournaled === 0) return null;
      if (this.writing) {
        await this.writing.done;
        continue;
      }
      if (this.o.journal && !this.writeBlocked) {
        await this.o.commits.nextRound();
        continue;
      }
      // Not journaled (journaling off, or the disk failing): apply from memory. Set before any
      // await, so no round starts writing these items meanwhile.
      this.direct = true;
      return { segment: null, records: this.memory.peek(Math.min(this.o.maxBatch, this.unjournaled)) };
    }
  }

  private async attempt(batch: Batch): Promise<boolean> {
    const { segment, records } = batch;
    try {
      if (records.length > 0) {
        // Parsed afresh for every attempt: a sink that mutates its payloads cannot change a retry.
        const payloads = records.map((r) => JSON.parse(r.j) as unknown);
        await applyWithin(this.apply!, payloads, this.o.applyTimeoutMs, this.name);
      }
    } catch (err) {
      if (!segment) this.endDirect();
      this.recordFailure(err, records.length, segment !== null);
      return false;
    }
    this.applied += records.length;
    this.consecutiveFailures = 0;
    if (segment) {
      // Its first `diskOnly` items had no memory copy (any more); the rest leave memory now.
      const diskOnly = this.segmentItems - this.journaledInMemory();
      this.forget(Math.max(0, segment.count - diskOnly));
      this.segments.shift();
      this.segmentItems -= segment.count;
      this.head = null;
      this.removed += segment.count;
      // Awaited before the next batch: a crash can then repeat at most this one batch.
      try {
        await this.o.log.remove(segment);
      } catch (err) {
        this.o.logger.error(
          { sink: this.name, err, file: segment.path },
          "write-behind: applied segment not deleted; it will be applied again after a restart",
        );
      }
    } else {
      this.forget(records.length);
      this.unjournaled -= records.length;
      this.removed += records.length;
      this.endDirect();
    }
    return true;
  }

  private endDirect(): void {
    this.direct = false;
    // A round may have skipped this lane while the apply ran.
    if (this.wantsCommit()) this.o.commits.kick(0);
  }

  /** Drops the oldest `n` memory items, which were just applied. */
  private forget(n: number): void {
    if (n <= 0) return;
    this.memory.drop(n);
    this.o.onMemory(-n);
    this.spillWanted = Math.max(0, this.spillWanted - n);
  }

  private recordFailure(err: unknown, items: number, fromSegment: boolean): void {
    this.failures++;
    this.consecutiveFailures++;
    this.lastError = err;
    this.o.logger.warn(
      { sink: this.name, items, fromSegment, attempt: this.consecutiveFailures, err },
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
}
