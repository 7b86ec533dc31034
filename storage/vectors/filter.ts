// Pinecone's metadata filter language (the subset the VectorIndex port promises), evaluated in
// memory. Shared by the embedded index and the Pinecone stand-in so both agree with each other;
// where Pinecone's behaviour is subtle the rule is noted next to the code.
import type { VectorFilter, VectorMetadata } from "../ports.ts";

export type FilterPredicate = (metadata: Readonly<VectorMetadata>) => boolean;

type Scalar = string | number | boolean;

/** A filter Pinecone would reject (it answers 400); thrown before any record is looked at. */
export class InvalidFilterError extends Error {
  constructor(path: string, problem: string) {
    super(`Invalid vector filter at ${path}: ${problem}`);
    this.name = "InvalidFilterError";
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isScalar = (v: unknown): v is Scalar =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

const present = (metadata: Readonly<VectorMetadata>, field: string): boolean =>
  Object.hasOwn(metadata, field) && metadata[field] !== undefined;

/**
 * Validates `filter` and turns it into a predicate. Returns null when there is nothing to filter
 * (undefined or `{}`), so callers can skip evaluation entirely.
 */
export function compileFilter(filter: VectorFilter | undefined): FilterPredicate | null {
  if (filter === undefined) return null;
  if (!isPlainObject(filter)) throw new InvalidFilterError("$", "a filter must be an object");
  if (Object.keys(filter).length === 0) return null;
  return compileClause(filter, "$");
}

/** One-off evaluation; prefer compileFilter when testing many records against one filter. */
export function matchesFilter(metadata: Readonly<VectorMetadata>, filter: VectorFilter | undefined): boolean {
  const predicate = compileFilter(filter);
  return predicate === null ? true : predicate(metadata);
}

function compileClause(clause: Record<string, unknown>, path: string): FilterPredicate {
  const parts: FilterPredicate[] = [];
  for (const [key, value] of Object.entries(clause)) {
    const at = `${path}.${key}`;
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value) || value.length === 0) {
        throw new InvalidFilterError(at, `${key} takes a non-empty array of filters`);
      }
      const subs = value.map((sub, i) => {
        if (!isPlainObject(sub) || Object.keys(sub).length === 0) {
          throw new InvalidFilterError(`${at}[${i}]`, "each clause must be a non-empty object");
        }
        return compileClause(sub, `${at}[${i}]`);
      });
      parts.push(key === "$and" ? (m) => subs.every((p) => p(m)) : (m) => subs.some((p) => p(m)));
    } else if (key.startsWith("$")) {
      throw new InvalidFilterError(at, `${key} is not allowed here (only $and and $or may appear outside a field)`);
    } else {
      parts.push(compileField(key, value, at));
    }
  }
  if (parts.length === 1) return parts[0]!;
  return (m) => parts.every((p) => p(m));
}

function compileField(field: string, condition: unknown, path: string): FilterPredicate {
  // `{genre: "drama"}` is shorthand for `{genre: {$eq: "drama"}}`. Pinecone rejects a bare
  // array here (`{genre: ["a", "b"]}`): it is ambiguous, $in says what is meant.
  if (isScalar(condition)) return equals(field, condition);
  if (!isPlainObject(condition)) {
    throw new InvalidFilterError(path, "expected a string, number, boolean or an operator object (use $in for lists)");
  }
  const ops = Object.entries(condition);
  if (ops.length === 0) throw new InvalidFilterError(path, "operator object is empty");
  const parts = ops.map(([op, operand]) => compileOperator(field, op, operand, `${path}.${op}`));
  if (parts.length === 1) return parts[0]!;
  return (m) => parts.every((p) => p(m));
}

function compileOperator(field: string, op: string, operand: unknown, path: string): FilterPredicate {
  switch (op) {
    case "$eq":
      if (!isScalar(operand)) throw new InvalidFilterError(path, "$eq takes a string, number or boolean");
      return equals(field, operand);
    case "$ne": {
      if (!isScalar(operand)) throw new InvalidFilterError(path, "$ne takes a string, number or boolean");
      const eq = equals(field, operand);
      // Since 2024 Pinecone's $ne (and $nin) match only records that HAVE the field
      // (deepset-ai/haystack-core-integrations#590); Mongo would also match missing fields.
      return (m) => present(m, field) && !eq(m);
    }
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      if (typeof operand !== "number" || !Number.isFinite(operand)) {
        throw new InvalidFilterError(path, `${op} takes a finite number`);
      }
      const cmp = comparator(op, operand);
      // Range operators apply to numbers only; a string or list value never matches.
      return (m) => {
        const v = m[field];
        return typeof v === "number" && cmp(v);
      };
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand) || !operand.every(isScalar)) {
        throw new InvalidFilterError(path, `${op} takes an array of strings, numbers or booleans`);
      }
      const set = new Set<Scalar>(operand);
      const hit = (m: Readonly<VectorMetadata>): boolean => {
        const v = m[field];
        if (v === undefined) return false;
        return Array.isArray(v) ? v.some((e) => set.has(e)) : set.has(v);
      };
      return op === "$in" ? hit : (m) => present(m, field) && !hit(m);
    }
    case "$exists":
      if (typeof operand !== "boolean") throw new InvalidFilterError(path, "$exists takes true or false");
      return (m) => present(m, field) === operand;
    default:
      throw new InvalidFilterError(path, `unsupported operator ${op}`);
  }
}

/** Equality; a list-valued field matches when any element equals the value (as in Pinecone). */
function equals(field: string, value: Scalar): FilterPredicate {
  return (m) => {
    const v = m[field];
    if (v === undefined) return false;
    return Array.isArray(v) ? v.includes(value as string) : v === value;
  };
}

function comparator(op: "$gt" | "$gte" | "$lt" | "$lte", bound: number): (v: number) => boolean {
  switch (op) {
    case "$gt":
      return (v) => v > bound;
    case "$gte":
      return (v) => v >= bound;
    case "$lt":
      return (v) => v < bound;
    case "$lte":
      return (v) => v <= bound;
  }
}
