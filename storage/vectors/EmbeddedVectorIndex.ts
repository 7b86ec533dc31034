// The embedded VectorIndex: libsql is the source of truth (ids, BigInt keys, float32 values,
// metadata), and one usearch HNSW index per namespace is a search accelerator persisted beside it.
// usearch cannot return a stored vector, and loading a damaged index file aborts the whole process
// (std::bad_alloc), so the index file is only ever trusted when libsql says it matches: a file is
// loaded only if it was saved at the namespace's current generation and its SHA-256 still matches;
// anything else is deleted and the index is rebuilt from libsql.
//
// One process per data directory: two processes would each save their own view of the index files.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "libsql";
import { Index, MetricKind, ScalarKind } from "usearch";
import type { VectorFilter, VectorIndex, VectorMatch, VectorMetadata, VectorRecord } from "../ports.ts";
import { compileFilter, type FilterPredicate } from "./filter.ts";
import {
  assertDimension,
  assertNamespace,
  assertRecordId,
  assertTopK,
  checkMetadata,
  clampScore,
  cosineSimilarity,
  toFloat32Vector,
} from "./validate.ts";

export interface EmbeddedVectorIndexOptions {
  /** Application data directory; files go to `${dataDir}/vectors/`. */
  dataDir: string;
  /** Default 1536 (OpenAI text-embedding-3-small / ada-002). Fixed for the life of the directory. */
  dimension?: number;
  /** Longest a changed namespace index waits before it is written to disk. Default 2000 ms. */
  saveDelayMs?: number;
  /**
   * Namespaces up to this size are searched exhaustively, so results are exact. Larger ones use
   * the HNSW graph (approximate, like Pinecone). Default 2000.
   */
  exactSearchThreshold?: number;
  /** Loaded namespaces kept in memory; the least recently used beyond this are saved and dropped. Default 256. */
  maxLoadedNamespaces?: number;
  /** HNSW tuning passed to usearch; 0 keeps usearch's defaults. */
  connectivity?: number;
  expansionSearch?: number;
  /** A background index save failed (the data itself is safe in libsql). Default: process warning. */
  onSaveError?: (error: unknown) => void;
}

interface Entry {
  id: string;
  metadata: VectorMetadata;
}

interface NamespaceState {
  name: string;
  file: string;
  index: Index;
  entries: Map<number, Entry>;
  keys: Map<string, number>;
  nextKey: number;
  /** The in-memory index is newer than the file on disk. */
  dirty: boolean;
  /** The index still holds tombstones of erased vectors: rebuild before writing it anywhere. */
  purge: boolean;
}

interface NamespaceRow {
  next_key: number;
  generation: number;
  saved_generation: number | null;
  saved_sha256: string | null;
  saved_bytes: number | null;
}

interface Hit {
  key: number;
  score: number;
}

const INDEX_FILE = /^ns-[0-9a-f]{32}\.usearch$/;
const TEMP_FILE = /^ns-[0-9a-f]{32}\.usearch\.tmp-\d+$/;
const REBUILD_BATCH = 1024;

export class EmbeddedVectorIndex implements VectorIndex {
  readonly kind = "embedded";
  readonly dimension: number;

  readonly #dir: string;
  readonly #db: Database.Database;
  readonly #saveDelayMs: number;
  readonly #exactThreshold: number;
  readonly #maxLoaded: number;
  readonly #connectivity: number;
  readonly #expansionSearch: number;
  readonly #onSaveError: (error: unknown) => void;
  /** Insertion order doubles as recency order (LRU). */
  readonly #loaded = new Map<string, NamespaceState>();
  #saveTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: EmbeddedVectorIndexOptions) {
    this.dimension = options.dimension ?? 1536;
    assertDimension(this.dimension);
    this.#saveDelayMs = options.saveDelayMs ?? 2000;
    this.#exactThreshold = options.exactSearchThreshold ?? 2000;
    this.#maxLoaded = Math.max(1, options.maxLoadedNamespaces ?? 256);
    this.#connectivity = options.connectivity ?? 0;
    this.#expansionSearch = options.expansionSearch ?? 0;
    this.#onSaveError =
      options.onSaveError ??
      ((error) => process.emitWarning(`vector index save failed: ${error instanceof Error ? error.message : String(error)}`));

    this.#dir = join(options.dataDir, "vectors");
    mkdirSync(this.#dir, { recursive: true });
    this.#db = new Database(join(this.#dir, "vectors.db"));
    try {
      this.#migrate();
      this.#removeUntrustedFiles();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  // ------------------------------------------------------------------ VectorIndex

  async upsert(namespace: string, records: readonly VectorRecord[]): Promise<void> {
    this.#assertOpen();
    assertNamespace(namespace);
    if (!Array.isArray(records)) throw new Error("upsert expects an array of records");
    // Validate everything before writing anything; a later duplicate id wins, as in Pinecone.
    const incoming = new Map<string, { vec: Float32Array; metadata: VectorMetadata }>();
    for (const record of records) {
      assertRecordId(record.id);
      const vec = toFloat32Vector(record.values, this.dimension, `Vector ${record.id}`);
      incoming.delete(record.id);
      incoming.set(record.id, { vec, metadata: checkMetadata(record.metadata, record.id) });
    }
    if (incoming.size === 0) return;

    const state = this.#state(namespace, true)!;
    const assigned: Array<{ id: string; key: number; replaced: boolean }> = [];
    let nextKey = state.nextKey;
    this.#db.transaction(() => {
      this.#db
        .prepare("INSERT INTO namespaces (ns, next_key, generation) VALUES (?, 1, 0) ON CONFLICT (ns) DO NOTHING")
        .run(namespace);
      const write = this.#db.prepare(
        `INSERT INTO records (ns, id, key, vec, metadata) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (ns, id) DO UPDATE SET vec = excluded.vec, metadata = excluded.metadata`,
      );
      for (const [id, { vec, metadata }] of incoming) {
        const existing = state.keys.get(id);
        const key = existing ?? nextKey++;
        assigned.push({ id, key, replaced: existing !== undefined });
        write.run(namespace, id, key, blobOf(vec), metadataJson(metadata));
      }
      this.#db
        .prepare("UPDATE namespaces SET next_key = ?, generation = generation + 1 WHERE ns = ?")
        .run(nextKey, namespace);
    })();

    // libsql has committed; bring the in-memory index along. If usearch fails now, drop the
    // namespace from memory: the next access rebuilds it from libsql, which is already right.
    try {
      const keys = new BigUint64Array(assigned.length);
      const flat = new Float32Array(assigned.length * this.dimension);
      assigned.forEach(({ id, key, replaced }, i) => {
        if (replaced) state.index.remove(BigInt(key));
        keys[i] = BigInt(key);
        flat.set(incoming.get(id)!.vec, i * this.dimension);
      });
      state.index.add(keys, flat, 0);
      for (const { id, key } of assigned) {
        state.entries.set(key, { id, metadata: incoming.get(id)!.metadata });
        state.keys.set(id, key);
      }
      state.nextKey = nextKey;
    } catch (error) {
      this.#loaded.delete(namespace);
      throw error;
    }
    this.#markDirty(state);
  }

  async query(
    namespace: string,
    query: { vector: readonly number[]; topK: number; filter?: VectorFilter; includeValues?: boolean },
  ): Promise<VectorMatch[]> {
    this.#assertOpen();
    assertNamespace(namespace);
    const vector = toFloat32Vector(query.vector, this.dimension, "Query vector");
    assertTopK(query.topK);
    const predicate = compileFilter(query.filter);

    const state = this.#state(namespace, false);
    if (!state || state.entries.size === 0) return [];
    const hits = this.#search(state, vector, query.topK, predicate);
    const readVec = this.#db.prepare("SELECT vec FROM records WHERE ns = ? AND key = ?");
    return hits.map(({ key, score }) => {
      const entry = state.entries.get(key)!;
      const match: VectorMatch = { id: entry.id, score, metadata: { ...entry.metadata } };
      if (query.includeValues) {
        const row = readVec.get(namespace, key) as { vec: Buffer };
        match.values = Array.from(vectorOf(row.vec));
      }
      return match;
    });
  }

  async fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]> {
    this.#assertOpen();
    assertNamespace(namespace);
    const read = this.#db.prepare("SELECT vec, metadata FROM records WHERE ns = ? AND id = ?");
    const out: VectorRecord[] = [];
    for (const id of new Set(ids)) {
      assertRecordId(id);
      const row = read.get(namespace, id) as { vec: Buffer; metadata: string | null } | undefined;
      if (!row) continue;
      const record: VectorRecord = { id, values: Array.from(vectorOf(row.vec)) };
      if (row.metadata !== null) record.metadata = JSON.parse(row.metadata) as VectorMetadata;
      out.push(record);
    }
    return out;
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    this.#assertOpen();
    assertNamespace(namespace);
    const unique = [...new Set(ids)];
    unique.forEach((id) => assertRecordId(id));
    if (unique.length === 0) return;

    const removed: number[] = [];
    let emptied = false;
    this.#db.transaction(() => {
      const find = this.#db.prepare("SELECT key FROM records WHERE ns = ? AND id = ?");
      const drop = this.#db.prepare("DELETE FROM records WHERE ns = ? AND key = ?");
      for (const id of unique) {
        const row = find.get(namespace, id) as { key: number } | undefined;
        if (!row) continue;
        drop.run(namespace, row.key);
        removed.push(row.key);
      }
      if (removed.length === 0) return;
      const left = this.#db.prepare("SELECT count(*) AS n FROM records WHERE ns = ?").get(namespace) as { n: number };
      emptied = left.n === 0;
      if (emptied) {
        this.#db.prepare("DELETE FROM namespaces WHERE ns = ?").run(namespace);
      } else {
        this.#db
          .prepare("UPDATE namespaces SET generation = generation + 1, saved_generation = NULL WHERE ns = ?")
          .run(namespace);
      }
    })();
    if (removed.length === 0) return;

    // Erasure must reach the disk, not just the query results.
    this.#scrubDisk(namespace);
    const state = this.#loaded.get(namespace);
    if (!state) return;
    if (emptied) {
      this.#loaded.delete(namespace);
      return;
    }
    for (const key of removed) {
      state.index.remove(BigInt(key));
      const entry = state.entries.get(key);
      if (entry) state.keys.delete(entry.id);
      state.entries.delete(key);
    }
    state.purge = true;
    this.#markDirty(state);
  }

  async deleteNamespace(namespace: string): Promise<void> {
    this.#assertOpen();
    assertNamespace(namespace);
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM records WHERE ns = ?").run(namespace);
      this.#db.prepare("DELETE FROM namespaces WHERE ns = ?").run(namespace);
    })();
    this.#loaded.delete(namespace);
    this.#scrubDisk(namespace);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    this.#db.prepare("SELECT 1").get();
  }

  /** Writes every changed namespace index to disk now. */
  async flush(): Promise<void> {
    this.#assertOpen();
    this.#saveAll();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    try {
      this.#saveAll();
    } finally {
      this.#closed = true;
      this.#loaded.clear();
      this.#db.close();
    }
  }

  // ------------------------------------------------------------------ search

  #search(state: NamespaceState, vector: Float32Array, topK: number, predicate: FilterPredicate | null): Hit[] {
    const n = state.entries.size;
    let allowed: Set<number> | null = null;
    if (predicate) {
      allowed = new Set();
      for (const [key, entry] of state.entries) if (predicate(entry.metadata)) allowed.add(key);
      if (allowed.size === 0) return [];
    }
    const candidates = allowed ?? state.entries.keys();

    if (n <= this.#exactThreshold) {
      // Asking HNSW for all n neighbours scores every live vector exactly; if the graph could not
      // reach them all, fall back to a plain scan.
      const found = state.index.search(vector, n, 0);
      if (found.keys.length < n) return this.#scan(state.name, vector, topK, candidates);
      return collect(found.keys, found.distances, allowed, topK);
    }
    const m = allowed?.size ?? n;
    if (m <= this.#exactThreshold) return this.#scan(state.name, vector, topK, candidates);

    // Large namespace, loose (or no) filter: over-fetch from HNSW in proportion to how much the
    // filter removes, growing until enough pass or the namespace is exhausted.
    let k = Math.min(n, Math.max(topK, Math.ceil((topK * n * 2) / m)));
    for (;;) {
      const found = state.index.search(vector, k, 0);
      // The graph could not reach k vectors: answer exactly rather than short.
      if (found.keys.length < k) return this.#scan(state.name, vector, topK, candidates);
      const hits = collect(found.keys, found.distances, allowed, topK);
      if (hits.length >= topK || k === n) return hits;
      k = Math.min(n, k * 4);
    }
  }

  /** Exact cosine over the given keys, reading vectors from libsql. */
  #scan(namespace: string, vector: Float32Array, topK: number, keys: Iterable<number>): Hit[] {
    const read = this.#db.prepare("SELECT vec FROM records WHERE ns = ? AND key = ?");
    const hits: Hit[] = [];
    for (const key of keys) {
      const row = read.get(namespace, key) as { vec: Buffer } | undefined;
      if (row) hits.push({ key, score: cosineSimilarity(vector, vectorOf(row.vec)) });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, topK);
  }

  // ------------------------------------------------------------------ namespace state

  #state(namespace: string, create: boolean): NamespaceState | null {
    const cached = this.#loaded.get(namespace);
    if (cached) {
      this.#loaded.delete(namespace);
      this.#loaded.set(namespace, cached);
      return cached;
    }
    const row = this.#db
      .prepare("SELECT next_key, generation, saved_generation, saved_sha256, saved_bytes FROM namespaces WHERE ns = ?")
      .get(namespace) as NamespaceRow | undefined;
    if (!row && !create) return null;

    const entries = new Map<number, Entry>();
    const keys = new Map<string, number>();
    if (row) {
      const rows = this.#db.prepare("SELECT id, key, metadata FROM records WHERE ns = ?").all(namespace) as Array<{
        id: string;
        key: number;
        metadata: string | null;
      }>;
      for (const r of rows) {
        entries.set(r.key, { id: r.id, metadata: r.metadata === null ? {} : (JSON.parse(r.metadata) as VectorMetadata) });
        keys.set(r.id, r.key);
      }
    }
    const file = this.#fileOf(namespace);
    let index = row ? this.#loadFile(row, file, entries.size) : null;
    let dirty = false;
    if (!index) {
      rmSync(file, { force: true });
      index = row ? this.#build(namespace) : this.#newIndex();
      dirty = entries.size > 0;
    }
    const state: NamespaceState = {
      name: namespace,
      file,
      index,
      entries,
      keys,
      nextKey: row?.next_key ?? 1,
      dirty: false,
      purge: false,
    };
    this.#loaded.set(namespace, state);
    if (dirty) this.#markDirty(state);
    this.#evictBeyondLimit();
    return state;
  }

  /** The saved index file, if libsql vouches for it; null means "rebuild". */
  #loadFile(row: NamespaceRow, file: string, count: number): Index | null {
    if (row.saved_generation === null || row.saved_generation !== row.generation) return null;
    if (!existsSync(file) || statSync(file).size !== row.saved_bytes) return null;
    if (sha256OfFile(file) !== row.saved_sha256) return null;
    const index = this.#newIndex();
    try {
      index.load(file);
    } catch {
      return null;
    }
    if (index.dimensions() !== this.dimension || index.size() !== count) return null;
    return index;
  }

  #build(namespace: string): Index {
    const index = this.#newIndex();
    const page = this.#db.prepare("SELECT key, vec FROM records WHERE ns = ? AND key > ? ORDER BY key LIMIT ?");
    let after = 0;
    for (;;) {
      const rows = page.all(namespace, after, REBUILD_BATCH) as Array<{ key: number; vec: ArrayBuffer }>;
      if (rows.length === 0) break;
      const keys = new BigUint64Array(rows.length);
      const flat = new Float32Array(rows.length * this.dimension);
      rows.forEach((r, i) => {
        keys[i] = BigInt(r.key);
        flat.set(vectorOf(r.vec), i * this.dimension);
      });
      index.add(keys, flat, 0);
      after = rows[rows.length - 1]!.key;
    }
    return index;
  }

  #newIndex(): Index {
    return new Index({
      dimensions: this.dimension,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: this.#connectivity,
      expansion_add: 0,
      expansion_search: this.#expansionSearch,
      multi: false,
    });
  }

  #evictBeyondLimit(): void {
    while (this.#loaded.size > this.#maxLoaded) {
      const [name, oldest] = this.#loaded.entries().next().value as [string, NamespaceState];
      try {
        this.#save(oldest);
      } catch (error) {
        this.#onSaveError(error);
      }
      this.#loaded.delete(name);
    }
  }

  // ------------------------------------------------------------------ persistence

  #markDirty(state: NamespaceState): void {
    state.dirty = true;
    // A fixed delay from the first change (not reset by later ones) bounds how stale a file can get.
    if (this.#saveTimer || this.#closed) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      if (this.#closed) return;
      this.#saveAll();
    }, this.#saveDelayMs);
    this.#saveTimer.unref();
  }

  #saveAll(): void {
    for (const state of this.#loaded.values()) {
      try {
        this.#save(state);
      } catch (error) {
        this.#onSaveError(error);
      }
    }
  }

  /** temp file → fsync → rename → fsync dir, then record generation + hash in libsql. */
  #save(state: NamespaceState): void {
    if (!state.dirty) return;
    if (state.purge) {
      state.index = this.#build(state.name);
      state.purge = false;
    }
    const temp = `${state.file}.tmp-${process.pid}`;
    try {
      state.index.save(temp);
      const fd = openSync(temp, "r+");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const bytes = statSync(temp).size;
      const hash = sha256OfFile(temp);
      renameSync(temp, state.file);
      fsyncDirectory(this.#dir);
      this.#db
        .prepare("UPDATE namespaces SET saved_generation = generation, saved_sha256 = ?, saved_bytes = ? WHERE ns = ?")
        .run(hash, bytes, state.name);
      state.dirty = false;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Removes the namespace's index file and flushes deleted rows out of the WAL (secure_delete zeroes them). */
  #scrubDisk(namespace: string): void {
    const file = this.#fileOf(namespace);
    rmSync(file, { force: true });
    rmSync(`${file}.tmp-${process.pid}`, { force: true });
    this.#db.pragma("wal_checkpoint(TRUNCATE)");
  }

  #fileOf(namespace: string): string {
    const digest = createHash("sha256").update(namespace).digest("hex").slice(0, 32);
    return join(this.#dir, `ns-${digest}.usearch`);
  }

  #migrate(): void {
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL");
    this.#db.pragma("secure_delete = ON");
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS namespaces (
        ns TEXT PRIMARY KEY,
        next_key INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        saved_generation INTEGER,
        saved_sha256 TEXT,
        saved_bytes INTEGER
      );
      CREATE TABLE IF NOT EXISTS records (
        ns TEXT NOT NULL,
        id TEXT NOT NULL,
        key INTEGER NOT NULL,
        vec BLOB NOT NULL,
        metadata TEXT,
        PRIMARY KEY (ns, id)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS records_by_key ON records (ns, key);
    `);
    this.#db.prepare("INSERT INTO meta (key, value) VALUES ('dimension', ?) ON CONFLICT (key) DO NOTHING").run(
      String(this.dimension),
    );
    const stored = Number(
      (this.#db.prepare("SELECT value FROM meta WHERE key = 'dimension'").get() as { value: string }).value,
    );
    if (stored !== this.dimension) {
      throw new Error(
        `${this.#dir} holds ${stored}-dimensional vectors but the index was opened with dimension ${this.dimension}`,
      );
    }
  }

  /** Temp files from a crash, and index files libsql no longer vouches for, are deleted at startup. */
  #removeUntrustedFiles(): void {
    const trusted = new Set<string>();
    const rows = this.#db
      .prepare("SELECT ns FROM namespaces WHERE saved_generation IS NOT NULL AND saved_generation = generation")
      .all() as Array<{ ns: string }>;
    for (const { ns } of rows) trusted.add(this.#fileOf(ns));
    for (const name of readdirSync(this.#dir)) {
      const path = join(this.#dir, name);
      if (TEMP_FILE.test(name) || (INDEX_FILE.test(name) && !trusted.has(path))) rmSync(path, { force: true });
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("EmbeddedVectorIndex is closed");
  }
}

/** HNSW results (ascending distance) → the first topK allowed hits as cosine similarities. */
function collect(keys: BigUint64Array, distances: Float32Array, allowed: Set<number> | null, topK: number): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < keys.length && hits.length < topK; i++) {
    const key = Number(keys[i]!);
    if (allowed && !allowed.has(key)) continue;
    // usearch's cos metric reports distance = 1 − cosine similarity.
    hits.push({ key, score: clampScore(1 - distances[i]!) });
  }
  return hits;
}

function blobOf(vec: Float32Array): Buffer {
  return Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength);
}

/** libsql hands BLOBs back as Buffer from get() but as ArrayBuffer from all(). */
function vectorOf(blob: ArrayBuffer | ArrayBufferView): Float32Array {
  const bytes =
    blob instanceof ArrayBuffer ? new Uint8Array(blob) : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  // slice() copies: a Buffer may start at an offset that is not 4-byte aligned.
  return new Float32Array(bytes.slice().buffer);
}

function metadataJson(metadata: VectorMetadata): string | null {
  return Object.keys(metadata).length === 0 ? null : JSON.stringify(metadata);
}

function sha256OfFile(path: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

function fsyncDirectory(dir: string): void {
  // Makes the rename itself durable; some filesystems refuse fsync on a directory, which is fine.
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
