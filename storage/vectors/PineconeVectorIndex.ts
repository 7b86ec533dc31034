// VectorIndex on Pinecone (serverless or pod), through the official SDK's data-plane calls only.
// The Pinecone index must be created with metric "cosine" and this adapter's dimension: scores are
// then cosine similarities, as the port promises. Input is checked here with the same rules as the
// embedded index, so a bad vector fails before a request is sent.
import { Pinecone, type Index, type PineconeRecord, type RecordMetadata } from "@pinecone-database/pinecone";
import type { VectorFilter, VectorIndex, VectorMatch, VectorMetadata, VectorRecord } from "../ports.ts";
import { compileFilter } from "./filter.ts";
import { assertDimension, assertNamespace, assertRecordId, assertTopK, checkMetadata, toFloat32Vector } from "./validate.ts";

export interface PineconeVectorIndexOptions {
  apiKey: string;
  /** The index's data-plane host, e.g. "https://teezu-abc123.svc.aped-4627-b74a.pinecone.io". */
  indexHost: string;
  /** Must equal the Pinecone index's dimension (checked by ping). Default 1536. */
  dimension?: number;
  /** Control-plane URL; only needed to point the SDK somewhere other than api.pinecone.io. */
  controllerHostUrl?: string;
  /** Retries of 5xx answers inside the SDK (exponential backoff from 200 ms). Default 3. */
  maxRetries?: number;
}

/** Pinecone's recommended upsert batch size. */
const UPSERT_BATCH = 100;
/**
 * Pinecone caps a request at 2 MB. As JSON a 1536-d float32 vector is ~30 KB, so 100 of them are
 * ~3 MB: batches are also cut by serialized size, with headroom for the envelope.
 */
const UPSERT_BYTES = 1_900_000;
/** Ids travel in the fetch URL's query string; keep the URL short. */
const FETCH_BATCH = 100;
/** Pinecone's limit of ids per delete request. */
const DELETE_BATCH = 1000;

export class PineconeVectorIndex implements VectorIndex {
  readonly kind = "pinecone";
  readonly dimension: number;
  readonly #index: Index<RecordMetadata>;

  constructor(options: PineconeVectorIndexOptions) {
    if (!options.apiKey) throw new Error("PineconeVectorIndex needs an apiKey");
    if (!options.indexHost) throw new Error("PineconeVectorIndex needs the index host (PINECONE_INDEX_HOST)");
    this.dimension = options.dimension ?? 1536;
    assertDimension(this.dimension);
    const client = new Pinecone({
      apiKey: options.apiKey,
      ...(options.controllerHostUrl !== undefined && { controllerHostUrl: options.controllerHostUrl }),
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    });
    this.#index = client.index({ host: options.indexHost });
  }

  async upsert(namespace: string, records: readonly VectorRecord[]): Promise<void> {
    assertNamespace(namespace);
    const prepared: PineconeRecord<RecordMetadata>[] = records.map((record) => {
      assertRecordId(record.id);
      const values = Array.from(toFloat32Vector(record.values, this.dimension, `Vector ${record.id}`));
      const metadata = checkMetadata(record.metadata, record.id);
      return Object.keys(metadata).length === 0 ? { id: record.id, values } : { id: record.id, values, metadata };
    });
    const ns = this.#index.namespace(namespace);
    for (const batch of upsertBatches(prepared)) await ns.upsert({ records: batch });
  }

  async query(
    namespace: string,
    query: { vector: readonly number[]; topK: number; filter?: VectorFilter; includeValues?: boolean },
  ): Promise<VectorMatch[]> {
    assertNamespace(namespace);
    const vector = Array.from(toFloat32Vector(query.vector, this.dimension, "Query vector"));
    assertTopK(query.topK);
    // Validates the filter locally; `{}` means "no filter", which the SDK would refuse to send.
    const filtered = compileFilter(query.filter) !== null;
    const includeValues = query.includeValues === true;
    const response = await this.#index.namespace(namespace).query({
      vector,
      topK: query.topK,
      includeMetadata: true,
      includeValues,
      ...(filtered && { filter: query.filter }),
    });
    return response.matches.map((m) => {
      const match: VectorMatch = {
        id: m.id,
        score: m.score ?? 0,
        metadata: (m.metadata ?? {}) as VectorMetadata,
      };
      if (includeValues && m.values) match.values = m.values;
      return match;
    });
  }

  async fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]> {
    assertNamespace(namespace);
    const unique = [...new Set(ids)];
    unique.forEach((id) => assertRecordId(id));
    const ns = this.#index.namespace(namespace);
    const found = new Map<string, VectorRecord>();
    for (let i = 0; i < unique.length; i += FETCH_BATCH) {
      const response = await ns.fetch({ ids: unique.slice(i, i + FETCH_BATCH) });
      for (const [id, r] of Object.entries(response.records)) {
        const record: VectorRecord = { id, values: r.values ?? [] };
        if (r.metadata && Object.keys(r.metadata).length > 0) record.metadata = r.metadata as VectorMetadata;
        found.set(id, record);
      }
    }
    return unique.flatMap((id) => found.get(id) ?? []);
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    assertNamespace(namespace);
    const unique = [...new Set(ids)];
    unique.forEach((id) => assertRecordId(id));
    const ns = this.#index.namespace(namespace);
    for (let i = 0; i < unique.length; i += DELETE_BATCH) {
      await ignoreMissingNamespace(ns.deleteMany({ ids: unique.slice(i, i + DELETE_BATCH) }));
    }
  }

  async deleteNamespace(namespace: string): Promise<void> {
    assertNamespace(namespace);
    await ignoreMissingNamespace(this.#index.namespace(namespace).deleteAll());
  }

  async ping(): Promise<void> {
    const stats = await this.#index.describeIndexStats();
    if (stats.dimension !== undefined && stats.dimension !== this.dimension) {
      throw new Error(`Pinecone index has dimension ${stats.dimension}, but the app is configured for ${this.dimension}`);
    }
  }

  async close(): Promise<void> {
    // The SDK holds no connections of its own (it uses the global fetch).
  }
}

function* upsertBatches<T>(records: readonly T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (batch.length > 0 && (batch.length === UPSERT_BATCH || bytes + size > UPSERT_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Serverless Pinecone answers 404 "Namespace not found" when deleting from a namespace that holds
 * nothing. For erasure that is success: there is nothing left to delete.
 */
async function ignoreMissingNamespace(request: Promise<void>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (error instanceof Error && error.name === "PineconeNotFoundError") return;
    throw error;
  }
}
