// The store sinks of the write-behind queue and a typed way to enqueue into them. Only idempotent
// writes are offered (set/delete/upsert, never increment or append), because a retry after an
// ambiguous failure may apply a batch twice.
import { checkWrite } from "../docs/docModel.ts";
import type { Cache, DocData, DocStore, VectorIndex, VectorRecord } from "../ports.ts";
import { assertNamespace, assertRecordId, checkMetadata, toFloat32Vector } from "../vectors/validate.ts";
import type { WriteBehindQueue } from "./WriteBehindQueue.ts";

export type LaterDocWrite =
  | { op: "set"; collection: string; id: string; data: DocData; merge?: boolean }
  | { op: "delete"; collection: string; id: string };

export type LaterCacheWrite =
  | { op: "set"; key: string; value: string; ttlMs?: number }
  | { op: "del"; keys: string[] }
  | { op: "hSet"; key: string; fields: Record<string, string> };

export type LaterVectorWrite =
  | { op: "upsert"; namespace: string; records: VectorRecord[] }
  | { op: "delete"; namespace: string; ids: string[] };

export function registerStoreSinks(queue: WriteBehindQueue, stores: { docs: DocStore; cache: Cache; vectors: VectorIndex }) {
  queue.registerSink("docs", (payloads) => stores.docs.batch(payloads as LaterDocWrite[]));
  queue.registerSink("cache", async (payloads) => {
    for (const w of payloads as LaterCacheWrite[]) {
      if (w.op === "set") await stores.cache.set(w.key, w.value, w.ttlMs);
      else if (w.op === "del") await stores.cache.del(...w.keys);
      else await stores.cache.hSet(w.key, w.fields);
    }
  });
  queue.registerSink("vectors", async (payloads) => {
    for (const w of payloads as LaterVectorWrite[]) {
      if (w.op === "upsert") await stores.vectors.upsert(w.namespace, w.records);
      else await stores.vectors.delete(w.namespace, w.ids);
    }
  });
}

/** What rooms and services use to persist without awaiting a store. */
export class Later {
  constructor(
    private readonly queue: Pick<WriteBehindQueue, "enqueue" | "durable">,
    private readonly vectorDimension: number,
  ) {}

  /**
   * Resolves once everything queued so far would survive a crash (see `WriteBehind.durable`).
   * Await it before acknowledging to users; it adds a few milliseconds (one group commit).
   */
  durable(): Promise<void> {
    return this.queue.durable();
  }

  /** Throws InvalidDocError now for a write the store would refuse, so no poison item is ever queued. */
  doc(write: LaterDocWrite): void {
    checkWrite(write);
    this.queue.enqueue({ sink: "docs", payload: write });
  }

  cache(write: LaterCacheWrite): void {
    this.queue.enqueue({ sink: "cache", payload: write });
  }

  /** Throws now for a record the index would refuse (wrong dimension, bad id or metadata). */
  vectors(write: LaterVectorWrite): void {
    assertNamespace(write.namespace);
    if (write.op === "upsert") {
      for (const r of write.records) {
        assertRecordId(r.id);
        toFloat32Vector(r.values, this.vectorDimension, r.id);
        if (r.metadata !== undefined) checkMetadata(r.metadata, r.id);
      }
    } else write.ids.forEach((id) => assertRecordId(id));
    this.queue.enqueue({ sink: "vectors", payload: write });
  }
}
