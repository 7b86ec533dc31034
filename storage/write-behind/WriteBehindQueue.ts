import type { QueuedWrite, WriteBehind, WriteBehindStats } from "../ports.ts";
import { GroupCommit } from "./GroupCommit.ts";
import { SinkLane } from "./SinkLane.ts";
import { SpillLog } from "./SpillLog.ts";
import { noopLogger, type SinkApply, type WriteBehindLogger } from "./types.ts";

export interface WriteBehindQueueOptions {
  /** Directory of the journal / spill log; one queue (one process) per directory, enforced by a lock file. */
  spillDir: string;
  /**
   * Journal every enqueued item (default), so a crash (SIGKILL, power loss) loses nothing that
   * `durable()` confirmed. `false` writes to disk only to bound memory and at shutdown: a crash
   * then loses what was only in memory. For benchmarks, not for production.
   */
  journal?: boolean;
  /** Group commit: journal rounds (one fsync each) start at most this often, in ms; `durable()` waits up to this long plus the fsync. */
  groupCommitMs?: number;
  /** ...unless this many payload bytes (about) are waiting, then the next round starts at once. */
  groupCommitBytes?: number;
  /** How long a write may wait in memory before it is applied; bounds how far a store lags. */
  flushIntervalMs?: number;
  /**
   * Most items handed to a sink at once, and the most items per segment (a segment is applied as
   * one batch). Default 2000: a lane applies one batch at a time, so a store's per-call cost (a
   * commit's fsync, a round trip) caps a sink at maxBatch per call: with a 30 ms store call, 500
   * held a sink to ~8–12k items/s and 2000 kept up with 20k/s (README "Batch size", P5).
   * Batches only grow this big under a backlog: otherwise a batch is what arrived since the last.
   */
  maxBatch?: number;
  /** Items kept in memory across all sinks; beyond it the oldest live on disk only (journaled first if need be). */
  maxInMemory?: number;
  /** Retry delay of a failing sink: doubles per consecutive failure from initialMs up to maxMs, jittered. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** A sink call that has not settled by then counts as failed, so a hung store cannot pin memory. 0 = never. */
  applyTimeoutMs?: number;
  /** Clock for enqueue times and `lagMs`. */
  now?: () => number;
  /** Source of back-off jitter in [0, 1). */
  random?: () => number;
  logger?: WriteBehindLogger;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`WriteBehindQueue: ${name} must be a non-negative number`);
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`WriteBehindQueue: ${name} must be a positive integer`);
  return value;
}

/**
 * The one queue for non-money persistence (chat logs, view counts, analytics, AI memory,
 * embeddings). Writes are accepted synchronously, journaled to fsynced segment files within
 * milliseconds (group commit), applied per sink in enqueue order in batches, retried with back-off
 * while a store is down, and kept in memory only up to `maxInMemory`: beyond that the oldest
 * journaled items leave memory and are read back from disk when their turn comes. The next start
 * replays whatever was journaled but not applied.
 *
 * Delivery is at-least-once: sinks must be idempotent (see `SinkApply`).
 * Lifecycle: `new` → `registerSink`… → `start()` (replays the journal) → `enqueue`… → `close()`.
 */
export class WriteBehindQueue implements WriteBehind {
  private readonly log: SpillLog;
  private readonly commits: GroupCommit;
  private readonly journal: boolean;
  private readonly lanes = new Map<string, SinkLane>();
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxInMemory: number;
  private readonly lowWater: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly applyTimeoutMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger: WriteBehindLogger;
  private inMemory = 0;
  private ready = false;
  private closed = false;
  private starting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rebalanceScheduled = false;

  constructor(options: WriteBehindQueueOptions) {
    this.flushIntervalMs = positiveInt("flushIntervalMs", options.flushIntervalMs ?? 2000);
    this.maxBatch = positiveInt("maxBatch", options.maxBatch ?? 2000);
    this.maxInMemory = positiveInt("maxInMemory", options.maxInMemory ?? 100_000);
    // Spill down to a little below the bound, so crossing it by one item does not write a
    // one-line segment each time.
    this.lowWater = this.maxInMemory - Math.max(1, Math.min(this.maxBatch, Math.ceil(this.maxInMemory / 10)));
    const initialMs = positiveInt("backoff.initialMs", options.backoff?.initialMs ?? 200);
    this.backoff = { initialMs, maxMs: Math.max(initialMs, options.backoff?.maxMs ?? 30_000) };
    this.applyTimeoutMs = Math.max(0, options.applyTimeoutMs ?? 30_000);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? noopLogger;
    this.log = new SpillLog(options.spillDir, this.logger);
    this.journal = options.journal ?? true;
    this.commits = new GroupCommit({
      intervalMs: nonNegative("groupCommitMs", options.groupCommitMs ?? 5),
      maxPendingChars: positiveInt("groupCommitBytes", options.groupCommitBytes ?? 1024 * 1024),
      lanes: () => this.lanes.values(),
      onRound: () => {
        // Items just journaled may leave memory now.
        if (this.inMemory > this.maxInMemory) this.rebalance();
      },
      logger: this.logger,
    });
  }

  /**
   * Registers the function that applies batches of `name`'s payloads. It receives them in enqueue
   * order, at most `maxBatch` at a time; it must be idempotent, because after a failure, a
   * timeout or a crash the same batch is applied again.
   */
  registerSink(name: string, apply: SinkApply): void {
    if (this.closed) throw new Error("write-behind queue is closed");
    this.lane(name).setApply(apply);
  }

  /** Replays the spill log (older items first, per sink), then starts the flush timer. Idempotent. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("write-behind queue is closed"));
    this.starting ??= this.open();
    return this.starting;
  }

  /**
   * Accepts a write; O(1), never waits. Throws only on programming errors: an unregistered sink,
   * a payload JSON cannot represent (BigInt, a cycle, a bare function/undefined), or a closed queue.
   */
  enqueue(write: QueuedWrite): void {
    if (this.closed) throw new Error(`write-behind queue is closed: write to "${write.sink}" refused`);
    const lane = this.lanes.get(write.sink);
    if (!lane?.registered) {
      throw new Error(`write-behind: unknown sink "${write.sink}" (call registerSink before enqueueing)`);
    }
    let j: string | undefined;
    try {
      j = JSON.stringify(write.payload);
    } catch (err) {
      throw new TypeError(`write-behind: payload for "${write.sink}" is not JSON-serializable: ${String(err)}`, {
        cause: err,
      });
    }
    if (j === undefined) throw new TypeError(`write-behind: payload for "${write.sink}" is not JSON-serializable`);
    lane.push({ t: this.now(), j });
    if (this.inMemory > this.maxInMemory && !this.rebalanceScheduled) {
      this.rebalanceScheduled = true;
      queueMicrotask(() => this.rebalance());
    }
  }

  /**
   * Resolves once every item enqueued before the call would survive a crash: fsynced to the
   * journal (or already applied). Await it before acknowledging a write to users. It costs one
   * group commit — up to `groupCommitMs` plus an fsync, a few ms — and concurrent callers share it.
   * Rejects with `JournalUnavailableError` when the journal cannot be written (disk full, I/O
   * error) or the queue closed first; the items stay queued and are still applied.
   * Without journaling (`journal: false`) it resolves at once and promises nothing about crashes.
   */
  durable(): Promise<void> {
    if (!this.journal) return Promise.resolve();
    return this.commits.waitDurable();
  }

  stats(): WriteBehindStats {
    let spilled = 0;
    let applied = 0;
    let failures = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes.values()) {
      spilled += lane.spilled;
      applied += lane.applied;
      failures += lane.failures;
      const at = lane.oldestAt();
      if (at !== undefined && at < oldest) oldest = at;
    }
    const lagMs = Number.isFinite(oldest) ? Math.max(0, this.now() - oldest) : 0;
    return { queued: this.inMemory, spilled, lagMs, applied, failures };
  }

  /** Applies everything enqueued so far now; rejects with an AggregateError naming the sinks still failing. */
  async flush(): Promise<void> {
    if (this.closed) return;
    await this.start();
    const lanes = [...this.lanes.values()];
    const results = await Promise.allSettled(lanes.map((l) => l.flush()));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (errors.length > 0) {
      const names = lanes.filter((_, i) => results[i]!.status === "rejected").map((l) => l.name);
      throw new AggregateError(errors, `write-behind flush: sinks still failing: ${names.join(", ")}`);
    }
  }

  /** Stops the timer, applies what the stores accept now, journals the rest (fsynced). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async open(): Promise<void> {
    const segments = await this.log.open();
    for (const segment of segments) this.lane(segment.sink).adopt(segment);
    this.ready = true;
    if (segments.length > 0) {
      const bySink: Record<string, number> = {};
      for (const s of segments) bySink[s.sink] = (bySink[s.sink] ?? 0) + s.count;
      this.logger.info({ dir: this.log.dir, items: bySink }, "write-behind: replaying spill log");
      for (const [sink] of Object.entries(bySink)) {
        if (!this.lanes.get(sink)?.registered) {
          this.logger.warn({ sink }, "write-behind: spilled items for a sink not registered yet; kept on disk");
        }
      }
    }
    for (const lane of this.lanes.values()) lane.activate();
    this.commits.enable();
    this.timer = setInterval(() => {
      for (const lane of this.lanes.values()) lane.tick();
    }, this.flushIntervalMs);
    // The engine's server keeps the process alive; the queue must not hold up an exit on its own.
    this.timer.unref();
    this.rebalance();
  }

  private async shutdown(): Promise<void> {
    try {
      await this.start();
    } catch (err) {
      this.closed = true;
      await this.commits.close();
      this.logger.error({ err, items: this.inMemory }, "write-behind: spill log unavailable at close; memory items lost");
      throw err;
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (;;) {
      const lanes = [...this.lanes.values()];
      const ok = await Promise.all(lanes.map((l) => l.shutdown()));
      // Another round only for writes accepted while this one ran, and only if spilling works.
      if (ok.includes(false) || !lanes.some((l) => l.inMemory > 0)) break;
    }
    this.closed = true;
    await this.commits.close();
    await this.log.close();
    const s = this.stats();
    this.logger.info({ spilled: s.spilled, lost: s.queued, applied: s.applied }, "write-behind: closed");
  }

  private lane(name: string): SinkLane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = new SinkLane({
        name,
        log: this.log,
        maxBatch: this.maxBatch,
        applyTimeoutMs: this.applyTimeoutMs,
        backoff: this.backoff,
        random: this.random,
        logger: this.logger,
        journal: this.journal,
        commits: this.commits,
        onMemory: (delta) => {
          this.inMemory += delta;
        },
      });
      this.lanes.set(name, lane);
      if (this.ready) lane.activate();
    }
    return lane;
  }

  /** Keeps memory under maxInMemory by releasing (after journaling, if need be) the oldest items, sink by sink. */
  private rebalance(): void {
    this.rebalanceScheduled = false;
    if (!this.ready || this.closed) return;
    let pending = 0;
    for (const lane of this.lanes.values()) pending += lane.pendingSpill;
    if (this.inMemory - pending <= this.maxInMemory) return;
    let excess = this.inMemory - pending - this.lowWater;
    const byAge = [...this.lanes.values()]
      .filter((l) => l.spillable > 0)
      .sort((a, b) => (a.oldestInMemory() ?? Infinity) - (b.oldestInMemory() ?? Infinity));
    for (const lane of byAge) {
      if (excess <= 0) break;
      const n = Math.min(excess, lane.spillable);
      lane.requestSpill(n);
      excess -= n;
    }
  }
}
