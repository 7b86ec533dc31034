// Input checks shared by every VectorIndex adapter and the Pinecone stand-in. They mirror what
// Pinecone itself rejects, so a bad record fails the same way on a laptop as in production, and
// before anything is written.
import type { VectorMetadata } from "../ports.ts";

/** Pinecone's limits (docs: "Limits"). */
export const MAX_DIMENSION = 20_000;
export const MAX_ID_LENGTH = 512;
export const MAX_METADATA_BYTES = 40 * 1024;
export const MAX_TOP_K = 10_000;

export function assertDimension(dimension: unknown): asserts dimension is number {
  if (typeof dimension !== "number" || !Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw new Error(`Vector dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${String(dimension)}`);
  }
}

export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== "string") throw new Error("Vector namespace must be a string");
}

export function assertRecordId(id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) throw new Error("Vector record id must be a non-empty string");
  if (id.length > MAX_ID_LENGTH) throw new Error(`Vector record id is longer than ${MAX_ID_LENGTH} characters`);
  // Pinecone refuses non-ASCII ids; failing here keeps the embedded default as strict as production.
  if (!/^[\x00-\x7f]*$/.test(id)) throw new Error(`Vector record id must be ASCII, got ${JSON.stringify(id)}`);
}

export function assertTopK(topK: unknown): asserts topK is number {
  if (typeof topK !== "number" || !Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new Error(`topK must be an integer from 1 to ${MAX_TOP_K}, got ${String(topK)}`);
  }
}

/**
 * Checks a dense vector and returns it as float32, the precision every backend stores. Rejects a
 * wrong length, NaN/±Infinity (also values that overflow float32) and the zero vector, whose
 * cosine similarity is undefined.
 */
export function toFloat32Vector(values: unknown, dimension: number, what: string): Float32Array {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new Error(`${what} must be an array of numbers`);
  const source = values as ArrayLike<unknown>;
  if (source.length !== dimension) {
    throw new Error(`${what} has dimension ${source.length}, but this index has dimension ${dimension}`);
  }
  const out = new Float32Array(dimension);
  let nonZero = false;
  for (let i = 0; i < dimension; i++) {
    const v = source[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(`${what} has a non-finite value at position ${i}: ${String(v)}`);
    }
    out[i] = v;
    if (!Number.isFinite(out[i]!)) throw new Error(`${what} value at position ${i} overflows float32: ${v}`);
    if (out[i] !== 0) nonZero = true;
  }
  if (!nonZero) throw new Error(`${what} is all zeros; cosine similarity needs at least one non-zero value`);
  return out;
}

/** Checks metadata is flat JSON of the types Pinecone stores; returns it (or `{}`). */
export function checkMetadata(metadata: unknown, id: string): VectorMetadata {
  if (metadata === undefined) return {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new Error(`Metadata of record ${id} must be an object`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length === 0 || key.startsWith("$")) {
      throw new Error(`Metadata key ${JSON.stringify(key)} of record ${id} is empty or starts with $`);
    }
    const ok =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value)) ||
      (Array.isArray(value) && value.every((e) => typeof e === "string"));
    if (!ok) {
      throw new Error(
        `Metadata ${JSON.stringify(key)} of record ${id} must be a string, finite number, boolean or list of strings`,
      );
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > MAX_METADATA_BYTES) {
    throw new Error(`Metadata of record ${id} is ${bytes} bytes; the limit is ${MAX_METADATA_BYTES}`);
  }
  return metadata as VectorMetadata;
}

/** Cosine similarity accumulated in float64; inputs are never zero vectors (see toFloat32Vector). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return clampScore(dot / Math.sqrt(na * nb));
}

/** Rounding can push |cos| a hair past 1. */
export function clampScore(score: number): number {
  return score > 1 ? 1 : score < -1 ? -1 : score;
}
