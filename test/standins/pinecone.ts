// A local stand-in for one Pinecone index's data plane (REST, JSON), so tests drive the real
// @pinecone-database/pinecone SDK over real HTTP. Request and response shapes follow the SDK's
// generated OpenAPI client (db_data, API version 2026-04): camelCase fields, `matches` with
// `values: []` unless asked for, `vectors` keyed by id on fetch, rpcStatus error bodies
// `{code, message, details}`. It answers only the API versions it was written against, so an SDK
// upgrade that moves the version fails the tests loudly instead of drifting silently.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { VectorMetadata } from "../../storage/ports.ts";
import { compileFilter, InvalidFilterError, type FilterPredicate } from "../../storage/vectors/filter.ts";
import { assertRecordId, checkMetadata, cosineSimilarity, MAX_TOP_K, toFloat32Vector } from "../../storage/vectors/validate.ts";

export interface PineconeStandInOptions {
  dimension: number;
  /** Expected in the Api-Key header. Default "standin-api-key". */
  apiKey?: string;
  /** Accepted X-Pinecone-Api-Version values. Default: the version @pinecone-database/pinecone 8.2.0 sends. */
  apiVersions?: readonly string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body size; Pinecone caps a request at 2 MB. */
  bytes: number;
  body: unknown;
  status: number;
}

interface StoredVector {
  values: number[];
  metadata?: VectorMetadata;
}

/** Pinecone's rpcStatus codes used below (gRPC numbering). */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const UNAUTHENTICATED = 16;

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const MAX_UPSERT_VECTORS = 1000;
const MAX_IDS = 1000;
/** With values or metadata in the answer, Pinecone caps topK at 1000. */
const MAX_TOP_K_WITH_DATA = 1000;

type HttpError = Error & { status: number; code: number };

function httpError(status: number, code: number, message: string): HttpError {
  return Object.assign(new Error(message), { status, code });
}

const isHttpError = (e: unknown): e is HttpError => e instanceof Error && "status" in e && "code" in e;

export class PineconeStandIn {
  readonly dimension: number;
  readonly apiKey: string;
  readonly apiVersions: readonly string[];
  /** Every request answered, oldest first. */
  readonly requests: RecordedRequest[] = [];
  readonly #namespaces = new Map<string, Map<string, StoredVector>>();
  readonly #server: Server;

  private constructor(options: PineconeStandInOptions, server: Server) {
    this.dimension = options.dimension;
    this.apiKey = options.apiKey ?? "standin-api-key";
    this.apiVersions = options.apiVersions ?? ["2026-04"];
    this.#server = server;
  }

  /** Listens on a free port of 127.0.0.1. */
  static async start(options: PineconeStandInOptions): Promise<PineconeStandIn> {
    const server = createServer();
    const standIn = new PineconeStandIn(options, server);
    server.on("request", (req, res) => void standIn.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return standIn;
  }

  /** Base URL to pass as the index host. */
  get host(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Records stored in a namespace (test assertions). */
  count(namespace: string): number {
    return this.#namespaces.get(normalizeNamespace(namespace))?.size ?? 0;
  }

  async stop(): Promise<void> {
    // The SDK's fetch keeps connections alive; close them or close() waits for their timeout.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ HTTP

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://standin");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      bytes: raw.length,
      body: undefined,
      status: 0,
    };
    let status = 200;
    let payload: unknown;
    try {
      this.#authorize(req.headers);
      if (raw.length > MAX_REQUEST_BYTES) {
        throw httpError(400, INVALID_ARGUMENT, `Request size ${raw.length} exceeds the maximum supported size of 2MB`);
      }
      if (raw.length > 0) {
        try {
          record.body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw httpError(400, INVALID_ARGUMENT, "Request body is not valid JSON");
        }
      }
      payload = this.#route(record.method, url, record.body);
    } catch (error) {
      const e = isHttpError(error)
        ? error
        : httpError(400, INVALID_ARGUMENT, error instanceof Error ? error.message : String(error));
      status = e.status;
      payload = { code: e.code, message: e.message, details: [] };
    }
    record.status = status;
    this.requests.push(record);
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-pinecone-api-version": this.apiVersions[0] ?? "",
    });
    res.end(body);
  }

  #authorize(headers: IncomingHttpHeaders): void {
    if (headers["api-key"] !== this.apiKey) throw httpError(401, UNAUTHENTICATED, "Invalid API Key");
    const version = headers["x-pinecone-api-version"];
    if (typeof version !== "string" || !this.apiVersions.includes(version)) {
      throw httpError(
        400,
        INVALID_ARGUMENT,
        `Unsupported X-Pinecone-Api-Version ${JSON.stringify(version)}; this stand-in speaks ${this.apiVersions.join(", ")}`,
      );
    }
  }

  #route(method: string, url: URL, body: unknown): unknown {
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case "POST /vectors/upsert":
        return this.#upsert(asObject(body));
      case "POST /query":
        return this.#query(asObject(body));
      case "GET /vectors/fetch":
        return this.#fetch(url.searchParams);
      case "POST /vectors/delete":
        return this.#delete(asObject(body));
      case "POST /describe_index_stats":
        return this.#stats(asObject(body ?? {}));
      default:
        throw httpError(404, NOT_FOUND, `Not found: ${route}`);
    }
  }

  // ------------------------------------------------------------------ operations

  #upsert(body: Record<string, unknown>): unknown {
    const { vectors } = body;
    if (!Array.isArray(vectors) || vectors.length === 0) throw new Error("vectors must be a non-empty array");
    if (vectors.length > MAX_UPSERT_VECTORS) {
      throw new Error(`Upsert of ${vectors.length} vectors exceeds the limit of ${MAX_UPSERT_VECTORS}`);
    }
    // Validate the whole batch before storing any of it.
    const parsed = vectors.map((v: unknown) => {
      const vector = asObject(v);
      assertRecordId(vector.id);
      if (vector.sparseValues !== undefined) throw new Error("This stand-in serves a dense index: sparseValues are not supported");
      return { id: vector.id, stored: this.#storedVector(vector.values, vector.metadata, vector.id) };
    });
    const namespace = normalizeNamespace(body.namespace);
    const ns = this.#namespaces.get(namespace) ?? new Map<string, StoredVector>();
    this.#namespaces.set(namespace, ns);
    for (const { id, stored } of parsed) ns.set(id, stored);
    return { upsertedCount: parsed.length };
  }

  #query(body: Record<string, unknown>): unknown {
    const { topK, vector, id, filter, includeValues, includeMetadata, queries } = body;
    if (queries !== undefined) throw new Error("The deprecated `queries` parameter is not supported");
    if (typeof topK !== "number" || !Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
      throw new Error(`topK must be an integer from 1 to ${MAX_TOP_K}`);
    }
    if ((includeValues === true || includeMetadata === true) && topK > MAX_TOP_K_WITH_DATA) {
      throw new Error(`topK must be at most ${MAX_TOP_K_WITH_DATA} when including values or metadata`);
    }
    if ((vector === undefined) === (id === undefined)) throw new Error("Exactly one of vector or id must be provided");
    const predicate = this.#predicate(filter);
    const namespace = normalizeNamespace(body.namespace);
    const ns = this.#namespaces.get(namespace);

    let query: ArrayLike<number> | undefined;
    if (vector !== undefined) {
      this.#checkDimension(vector);
      query = toFloat32Vector(vector, this.dimension, "Query vector");
    } else {
      if (typeof id !== "string") throw new Error("id must be a string");
      query = ns?.get(id)?.values;
    }
    const matches =
      ns && query
        ? [...ns.entries()]
            .filter(([, v]) => !predicate || predicate(v.metadata ?? {}))
            .map(([vid, v]) => ({ vid, v, score: cosineSimilarity(query, v.values) }))
            .sort((a, b) => b.score - a.score)
            .slice(0, topK)
            .map(({ vid, v, score }) => ({
              id: vid,
              score,
              values: includeValues === true ? v.values : [],
              ...(includeMetadata === true && v.metadata && { metadata: v.metadata }),
            }))
        : [];
    return { results: [], matches, namespace, usage: { readUnits: Math.max(1, Math.ceil((ns?.size ?? 0) / 1000)) } };
  }

  #fetch(params: URLSearchParams): unknown {
    const ids = params.getAll("ids");
    if (ids.length === 0) throw new Error("ids must contain at least one id");
    if (ids.length > MAX_IDS) throw new Error(`Fetch of ${ids.length} ids exceeds the limit of ${MAX_IDS}`);
    const namespace = normalizeNamespace(params.get("namespace") ?? undefined);
    const ns = this.#namespaces.get(namespace);
    const vectors: Record<string, unknown> = {};
    for (const id of ids) {
      const v = ns?.get(id);
      if (v) vectors[id] = { id, values: v.values, ...(v.metadata && { metadata: v.metadata }) };
    }
    return { vectors, namespace, usage: { readUnits: 1 } };
  }

  #delete(body: Record<string, unknown>): unknown {
    const { ids, deleteAll, filter } = body;
    const modes = [ids !== undefined, deleteAll === true, filter !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new Error("Provide exactly one of ids, deleteAll or filter");
    const namespace = normalizeNamespace(body.namespace);
    const ns = this.#namespaces.get(namespace);
    // Serverless Pinecone reports deleting from an absent namespace as 404.
    if (!ns) throw httpError(404, NOT_FOUND, "Namespace not found");
    if (ids !== undefined) {
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === "string")) {
        throw new Error("ids must be a non-empty array of strings");
      }
      if (ids.length > MAX_IDS) throw new Error(`Delete of ${ids.length} ids exceeds the limit of ${MAX_IDS}`);
      for (const id of ids as string[]) ns.delete(id);
    } else if (deleteAll === true) {
      ns.clear();
    } else {
      const predicate = this.#predicate(filter);
      for (const [id, v] of ns) if (!predicate || predicate(v.metadata ?? {})) ns.delete(id);
    }
    if (ns.size === 0) this.#namespaces.delete(namespace);
    return {};
  }

  #stats(body: Record<string, unknown>): unknown {
    const predicate = this.#predicate(body.filter);
    const namespaces: Record<string, { vectorCount: number }> = {};
    let total = 0;
    for (const [name, ns] of this.#namespaces) {
      let count = 0;
      for (const v of ns.values()) if (!predicate || predicate(v.metadata ?? {})) count++;
      namespaces[name] = { vectorCount: count };
      total += count;
    }
    return {
      namespaces,
      dimension: this.dimension,
      indexFullness: 0,
      totalVectorCount: total,
      metric: "cosine",
      vectorType: "dense",
    };
  }

  // ------------------------------------------------------------------ helpers

  #storedVector(values: unknown, metadata: unknown, id: string): StoredVector {
    this.#checkDimension(values);
    // Pinecone keeps float32: what comes back is the float32 rounding of what was sent.
    const stored: StoredVector = { values: Array.from(toFloat32Vector(values, this.dimension, `Vector ${id}`)) };
    const checked = checkMetadata(metadata ?? undefined, id);
    if (Object.keys(checked).length > 0) stored.metadata = structuredClone(checked);
    return stored;
  }

  #checkDimension(values: unknown): void {
    if (Array.isArray(values) && values.length !== this.dimension) {
      throw new Error(`Vector dimension ${values.length} does not match the dimension of the index ${this.dimension}`);
    }
  }

  #predicate(filter: unknown): FilterPredicate | null {
    if (filter === undefined || filter === null) return null;
    try {
      return compileFilter(filter as Record<string, unknown>);
    } catch (error) {
      if (error instanceof InvalidFilterError) throw httpError(400, INVALID_ARGUMENT, error.message);
      throw error;
    }
  }
}

/** Pinecone treats a missing or empty namespace as "__default__". */
function normalizeNamespace(name: unknown): string {
  if (name === undefined || name === null || name === "") return "__default__";
  if (typeof name !== "string") throw new Error("namespace must be a string");
  return name;
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("Expected a JSON object");
  return value as Record<string, unknown>;
}
