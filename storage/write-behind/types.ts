// Shapes shared by the write-behind queue, its per-sink lanes and the spill log.

/** The subset of pino the queue logs through; a pino Logger satisfies it. */
export interface WriteBehindLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Applies one batch of payloads, in enqueue order, to a store. It must be idempotent: after a
 * failure, a timeout or a crash between applying and acknowledging, the queue applies the same
 * items again (use upserts keyed by an id carried in the payload, SET/HSET rather than
 * INCR/RPUSH, `INSERT … ON DUPLICATE KEY UPDATE`). Resolving means "all of it is stored";
 * rejecting means "treat none of it as stored".
 */
export type SinkApply = (payloads: unknown[]) => Promise<void>;

/** One queued item as kept in memory and on disk. */
export interface SpillRecord {
  /** When it was enqueued (ms, from the queue's clock): drives `lagMs`. */
  readonly t: number;
  /**
   * The payload serialized at enqueue time. Serializing up front freezes the value the caller
   * meant (a room may mutate the object afterwards) and makes the in-memory and the replayed
   * path hand sinks exactly the same shapes.
   */
  readonly j: string;
}

/**
 * A segment file of the journal (which is also the spill log): items of one sink, in enqueue
 * order. The queue applies a segment as one batch and deletes it once the sink accepted it.
 */
export interface SpillSegment {
  /** Global, increasing across processes: segment order within a sink. */
  readonly seq: number;
  readonly sink: string;
  readonly path: string;
  /** Valid items in the file. */
  count: number;
  /** Enqueue time of its first (oldest) item. */
  oldestAt: number;
  /**
   * No more appends: set once it is full or being applied, after a failed write, and for every
   * segment of an earlier process.
   */
  sealed: boolean;
  /** File size after the last successful append; a failed append is truncated back to it. */
  bytes: number;
}

export const noopLogger: WriteBehindLogger = {
  info() {},
  warn() {},
  error() {},
};
