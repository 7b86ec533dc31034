// One small interface per store kind. Each has a real adapter and an embedded default;
// `storage/index.ts` picks one per kind from config. Rooms and services see only these.

/** Every adapter can say whether its store answers and release its connections. */
export interface StorePort {
  /** Adapter name for logs and health output, e.g. "libsql", "mysql", "redis", "memory". */
  readonly kind: string;
  /** Resolves when the store answers a trivial request; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- documents (Firestore | embedded)

export type DocData = Record<string, unknown>;
export type WhereOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "array-contains";
export type Where = readonly [field: string, op: WhereOp, value: unknown];

export interface DocQuery {
  where?: readonly Where[];
  orderBy?: { field: string; direction?: "asc" | "desc" };
  /** Value of the orderBy field after which to start (exclusive); cursor pagination. */
  startAfter?: unknown;
  limit?: number;
}

export interface DocSnapshot<T extends DocData = DocData> {
  id: string;
  data: T;
}

export type DocWrite =
  | { op: "set"; collection: string; id: string; data: DocData; merge?: boolean }
  | { op: "delete"; collection: string; id: string }
  /** Appends values to an array field (creating doc/field if missing), keeping only the last `keepLast`. */
  | { op: "append"; collection: string; id: string; field: string; values: unknown[]; keepLast?: number };

/**
 * A document store shaped like Firestore. `collection` may be a path ("conversations/abc/messages").
 * Values are JSON: strings, finite numbers, booleans, null, arrays, plain objects.
 */
export interface DocStore extends StorePort {
  get<T extends DocData = DocData>(collection: string, id: string): Promise<T | null>;
  set(collection: string, id: string, data: DocData, options?: { merge?: boolean }): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
  query<T extends DocData = DocData>(collection: string, query?: DocQuery): Promise<DocSnapshot<T>[]>;
  /** Applies all writes atomically (all or none). Used by the write-behind queue. */
  batch(writes: readonly DocWrite[]): Promise<void>;
  /** Deletes every document of `collection` matching `where`; returns how many. Used by GDPR erasure. */
  deleteWhere(collection: string, where: readonly Where[]): Promise<number>;
}

// ---------------------------------------------------------------- cache (Redis | memory)

export interface Cache extends StorePort {
  get(key: string): Promise<string | null>;
  /** ttlMs omitted → no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent; true when it was set. For locks and idempotency markers. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Atomic increment; creates the key at 0. ttlMs applies only when the key is created. */
  incrBy(key: string, by: number, ttlMs?: number): Promise<number>;
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Remaining time to live in ms; -1 no expiry; -2 missing. */
  ttl(key: string): Promise<number>;
  hSet(key: string, fields: Record<string, string>): Promise<void>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hDel(key: string, ...fields: string[]): Promise<number>;
  /** Sorted set: members with numeric scores. Used for per-member expiry (typing) and rankings. */
  zAdd(key: string, score: number, member: string): Promise<void>;
  zRem(key: string, ...members: string[]): Promise<number>;
  /** Members with min ≤ score ≤ max, ascending by score. */
  zRangeByScore(key: string, min: number, max: number): Promise<string[]>;
  zRemRangeByScore(key: string, min: number, max: number): Promise<number>;
  /** Keys matching a glob pattern (`*` only). For admin/erasure paths, never hot paths. */
  keys(pattern: string): Promise<string[]>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

// ---------------------------------------------------------------- vectors (Pinecone | embedded usearch)

export type VectorMetadata = Record<string, string | number | boolean | string[]>;

/** Pinecone's filter language, subset: implicit equality, $eq $ne $in $nin $gt $gte $lt $lte $exists, $and $or. */
export type VectorFilter = Record<string, unknown>;

export interface VectorRecord {
  id: string;
  values: number[];
  metadata?: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, higher is closer (1 = identical direction). */
  score: number;
  metadata: VectorMetadata;
  values?: number[];
}

export interface VectorIndex extends StorePort {
  readonly dimension: number;
  upsert(namespace: string, records: readonly VectorRecord[]): Promise<void>;
  query(
    namespace: string,
    query: { vector: readonly number[]; topK: number; filter?: VectorFilter; includeValues?: boolean },
  ): Promise<VectorMatch[]>;
  fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]>;
  delete(namespace: string, ids: readonly string[]): Promise<void>;
  deleteNamespace(namespace: string): Promise<void>;
}

// ---------------------------------------------------------------- write-behind

/** A durable-later write: JSON-serializable so it can be spilled to disk and replayed. */
export interface QueuedWrite {
  /** Which sink applies it, e.g. "docs", "cache", "vectors", "sql.analytics". */
  sink: string;
  payload: unknown;
}

export interface WriteBehindStats {
  /** Items in memory, not yet applied. */
  queued: number;
  /** Items on the spill log, not yet applied. */
  spilled: number;
  /** Age in ms of the oldest unapplied item; 0 when empty. */
  lagMs: number;
  applied: number;
  failures: number;
}

export interface WriteBehind {
  /**
   * Accepts a write. Once this returns, the write survives a store outage and a clean shutdown;
   * once a later `durable()` resolves, a crash (SIGKILL, power loss) too.
   */
  enqueue(write: QueuedWrite): void;
  /**
   * Resolves once every write enqueued before the call is fsynced to the local journal (or
   * already applied), so it survives a crash. Await it before acknowledging a write to users
   * (e.g. before a chat line enters room state); it costs one group commit, a few milliseconds,
   * shared by concurrent callers. Rejects when the journal cannot be written; the writes stay
   * queued and are still applied, they are just not crash-safe.
   */
  durable(): Promise<void>;
  stats(): WriteBehindStats;
  /** Applies everything now; rejects only if a sink still fails (items are then kept/spilled). */
  flush(): Promise<void>;
  /** Stops timers, flushes what it can, spills the rest. */
  close(): Promise<void>;
}
