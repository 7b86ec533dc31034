import { performance } from "node:perf_hooks";
import type { WriteBehindLogger } from "./types.ts";

/** What the group commit needs from a sink's lane. */
export interface JournalLane {
  readonly name: string;
  /** Items ever handed to the lane; monotonic. */
  readonly accepted: number;
  /** Items that would survive a crash (journaled) or no longer need to (applied); monotonic, ≤ accepted. */
  readonly settled: number;
  /** Why the lane cannot journal right now (a recent write failure), or null. */
  readonly journalError: unknown;
  /** True when the lane has items to write and may write them now. */
  wantsCommit(): boolean;
  /** Writes and fsyncs what the lane wants written. Never rejects: failures are the lane's to record. */
  commit(): Promise<void>;
}

/** `durable()` could not be kept: the journal cannot be written. The items are still queued in memory. */
export class JournalUnavailableError extends Error {
  override readonly name = "JournalUnavailableError";
}

interface Waiter {
  targets: [JournalLane, number][];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  /** Rounds start at least this far apart, so one fsync covers every item enqueued meanwhile. */
  intervalMs: number;
  /** ...unless this many payload characters are waiting: then the next round starts at once. */
  maxPendingChars: number;
  lanes: () => Iterable<JournalLane>;
  /** After every round (the queue re-checks its memory bound: journaled items may leave memory). */
  onRound: () => void;
  logger: WriteBehindLogger;
}

/**
 * Group commit: batches the journal appends of every sink into rounds, one round at a time. A
 * round writes each lane's new items to its segment files and fsyncs them (in parallel across
 * lanes), then settles the `durable()` calls it covered. Many enqueues thus share one fsync, and
 * an idle queue commits a single item at once instead of waiting out the interval.
 */
export class GroupCommit {
  private enabled = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastStart = Number.NEGATIVE_INFINITY;
  private pendingChars = 0;
  private roundWaiters: (() => void)[] = [];
  private waiters: Waiter[] = [];

  constructor(private readonly o: GroupCommitOptions) {}

  /** The directory is open: rounds may run. */
  enable(): void {
    this.enabled = true;
    if (this.hasWork()) this.schedule();
  }

  /** New items (`chars` of payload) wait for the journal. O(1): called on every enqueue. */
  kick(chars: number): void {
    this.pendingChars += chars;
    if (!this.enabled || this.running) return; // a running round reschedules when it ends
    if (this.pendingChars >= this.o.maxPendingChars) this.run();
    else if (!this.timer) this.schedule();
  }

  /** Resolves when a round that starts after this call has ended. */
  nextRound(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.roundWaiters.push(resolve);
      this.schedule();
    });
  }

  /** Resolves once every item the lanes accepted so far is settled; rejects when a lane's journal fails first. */
  waitDurable(): Promise<void> {
    const targets: [JournalLane, number][] = [];
    for (const lane of this.o.lanes()) if (lane.settled < lane.accepted) targets.push([lane, lane.accepted]);
    if (targets.length === 0) return Promise.resolve();
    const broken = targets.find(([lane]) => lane.journalError != null);
    if (broken) return Promise.reject(unavailable(broken[0]));
    if (this.closed) return Promise.reject(new JournalUnavailableError("write-behind queue is closed; items not journaled are lost"));
    return new Promise((resolve, reject) => {
      this.waiters.push({ targets, resolve, reject });
      this.schedule();
    });
  }

  /** Waits for the running round, then fails every `durable()` still waiting. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.closed = true;
    this.enabled = false;
    this.settle();
    for (const w of this.waiters.splice(0)) w.reject(new JournalUnavailableError("write-behind queue closed before these items were journaled"));
    for (const r of this.roundWaiters.splice(0)) r();
  }

  private hasWork(): boolean {
    if (this.roundWaiters.length > 0 || this.waiters.length > 0) return true;
    for (const lane of this.o.lanes()) if (lane.wantsCommit()) return true;
    return false;
  }

  private schedule(): void {
    if (!this.enabled || this.running || this.timer) return;
    const wait = this.pendingChars >= this.o.maxPendingChars ? 0 : this.lastStart + this.o.intervalMs - performance.now();
    // Kept referenced: a process awaiting durable() with nothing else to do must not exit first.
    this.timer = setTimeout(this.run, Math.max(0, wait));
  }

  private readonly run = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || !this.enabled) return;
    this.running = this.round()
      .catch((err: unknown) => this.o.logger.error({ err }, "write-behind: journal round failed"))
      .finally(() => {
        this.running = null;
        if (this.hasWork()) this.schedule();
      });
  };

  private async round(): Promise<void> {
    this.lastStart = performance.now();
    this.pendingChars = 0;
    const covered = this.roundWaiters;
    this.roundWaiters = [];
    const lanes: JournalLane[] = [];
    for (const lane of this.o.lanes()) if (lane.wantsCommit()) lanes.push(lane);
    if (lanes.length > 0) await Promise.all(lanes.map((l) => l.commit()));
    try {
      this.o.onRound();
    } finally {
      this.settle();
      for (const r of covered) r();
    }
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      const behind = w.targets.filter(([lane, target]) => lane.settled < target);
      if (behind.length === 0) {
        w.resolve();
        return false;
      }
      const broken = behind.find(([lane]) => lane.journalError != null);
      if (!broken) return true; // still on its way
      w.reject(unavailable(broken[0]));
      return false;
    });
  }
}

function unavailable(lane: JournalLane): JournalUnavailableError {
  const err = lane.journalError;
  const why = err instanceof Error ? err.message : String(err);
  return new JournalUnavailableError(`write-behind journal for "${lane.name}" unavailable: ${why}`, { cause: err });
}
