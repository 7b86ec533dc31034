// Picks one adapter per store kind from config and wires the write-behind queue to them.
import { join } from "node:path";
import type { Env } from "../config/env.ts";
import type { Logger } from "../engine/logger.ts";
import { createCache } from "./cache/index.ts";
import { createEmbeddedDocStore } from "./docs/EmbeddedDocStore.ts";
import { createFirestoreDocStore } from "./docs/FirestoreDocStore.ts";
import type { Cache, DocStore, VectorIndex } from "./ports.ts";
import { createSqlStore, type SqlStore } from "./sql/index.ts";
import { EmbeddedVectorIndex } from "./vectors/EmbeddedVectorIndex.ts";
import { PineconeVectorIndex } from "./vectors/PineconeVectorIndex.ts";
import { Later, registerStoreSinks } from "./write-behind/sinks.ts";
import { WriteBehindQueue } from "./write-behind/WriteBehindQueue.ts";

/** SPEC §4: 1536-dimension embeddings for matching, memory and discovery. */
export const VECTOR_DIMENSION = 1536;

export interface Stores {
  sql: SqlStore;
  docs: DocStore;
  cache: Cache;
  vectors: VectorIndex;
  queue: WriteBehindQueue;
  later: Later;
}

export async function openStores(env: Env, logger: Logger): Promise<Stores> {
  const log = logger.child({ mod: "storage" });
  const sql = await createSqlStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const docs: DocStore =
    env.FIRESTORE_PROJECT_ID || env.FIRESTORE_EMULATOR_HOST
      ? createFirestoreDocStore({ projectId: env.FIRESTORE_PROJECT_ID, emulatorHost: env.FIRESTORE_EMULATOR_HOST, credentialsFile: env.GOOGLE_APPLICATION_CREDENTIALS })
      : createEmbeddedDocStore({ dataDir: env.DATA_DIR });
  const cache = createCache({ redisUrl: env.REDIS_URL, keyPrefix: env.CACHE_PREFIX });
  const vectors: VectorIndex =
    env.PINECONE_API_KEY && env.PINECONE_INDEX_HOST
      ? new PineconeVectorIndex({ apiKey: env.PINECONE_API_KEY, indexHost: env.PINECONE_INDEX_HOST, dimension: VECTOR_DIMENSION })
      : new EmbeddedVectorIndex({ dataDir: env.DATA_DIR, dimension: VECTOR_DIMENSION, onSaveError: (err) => log.error({ err }, "vector index save failed") });

  const queue = new WriteBehindQueue({
    spillDir: join(env.DATA_DIR, "spill"),
    flushIntervalMs: env.WRITE_BEHIND_FLUSH_MS,
    maxInMemory: env.WRITE_BEHIND_MAX_ITEMS,
    logger: log,
  });
  registerStoreSinks(queue, { docs, cache, vectors });
  // Replays what a previous process spilled before anything new is accepted.
  await queue.start();
  const stats = queue.stats();
  if (stats.spilled > 0 || stats.queued > 0) log.info(stats, "replaying spilled writes from the previous run");
  return { sql, docs, cache, vectors, queue, later: new Later(queue, VECTOR_DIMENSION) };
}

/** Flushes the write-behind queue (spilling what a store refuses), then closes every store. */
export async function closeStores(stores: Stores, logger: Logger): Promise<void> {
  try {
    await stores.queue.close();
  } catch (err) {
    logger.error({ err }, "write-behind close failed; unapplied items remain on the spill log");
  }
  const results = await Promise.allSettled([stores.docs.close(), stores.cache.close(), stores.vectors.close(), stores.sql.close()]);
  for (const r of results) if (r.status === "rejected") logger.error({ err: r.reason }, "store close failed");
}
