// The document rules both DocStore adapters enforce before touching their store. Firestore
// refuses NaN, nested arrays, reserved names and documents over 1 MiB; checking the same rules
// in the embedded store keeps code developed against it from failing only in production. And
// because every write of a batch is checked before any is sent, "a batch with one invalid write
// applies none" holds even where Firestore commits a large batch in chunks.
//
// Merge and append are computed here too (not with SQL JSON functions or Firestore transforms)
// so that both adapters produce exactly the same document.
import type { DocData, DocQuery, DocWrite, Where, WhereOp } from "../ports.ts";
import { InvalidDocError } from "./InvalidDocError.ts";

/** Firestore's maximum document size, computed with its published size rules. */
export const MAX_DOC_BYTES = 1_048_576;
/** Firestore's maximum nesting of maps and arrays. */
export const MAX_DEPTH = 20;
/** Firestore's maximum number of values in an `in` filter. */
export const MAX_IN_VALUES = 30;
/** Firestore's maximum size of a document id or field name. */
const MAX_NAME_BYTES = 1500;

export type Scalar = null | boolean | number | string;

export type CheckedWrite =
  | { op: "set"; collection: string; id: string; key: string; data: DocData; merge: boolean }
  | { op: "delete"; collection: string; id: string; key: string }
  | {
      op: "append";
      collection: string;
      id: string;
      key: string;
      field: string;
      segments: string[];
      values: unknown[];
      keepLast: number | undefined;
    };

export interface CheckedWhere {
  field: string;
  segments: string[];
  op: WhereOp;
  /** For `in`: the array of candidates. */
  value: unknown;
}

export interface CheckedQuery {
  where: CheckedWhere[];
  orderBy?: { field: string; segments: string[]; direction: "asc" | "desc" };
  /** Present only when the caller gave a cursor (null is a valid cursor value). */
  startAfter?: { value: Scalar };
  limit?: number;
}

const WHERE_OPS: ReadonlySet<string> = new Set<WhereOp>(["==", "!=", "<", "<=", ">", ">=", "in", "array-contains"]);
const RANGE_OPS: ReadonlySet<string> = new Set<WhereOp>(["<", "<=", ">", ">="]);
const RESERVED = /^__.*__$/;
const LONE_SURROGATE = /\p{Cs}/u;
// `"` and backtick would need quoting in SQLite JSON paths and Firestore's escaped field paths;
// the rest Firestore itself rejects in string field paths.
const FIELD_PATH_FORBIDDEN = /[~*/[\]`"\u0000]/;

function fail(message: string): never {
  throw new InvalidDocError(message);
}

export function isPlainObject(value: unknown): value is DocData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkText(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) fail(`${what} contains a lone UTF-16 surrogate (not valid Unicode)`);
}

function checkName(name: string, what: string): void {
  if (name === "") fail(`${what} is empty`);
  if (RESERVED.test(name)) fail(`${what} "${name}" is reserved (names like __x__ belong to Firestore)`);
  checkText(name, what);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) fail(`${what} is longer than ${MAX_NAME_BYTES} bytes`);
}

/** "conversations/abc/messages" → its segments; rejects document paths and empty segments. */
export function checkCollectionPath(path: string): string[] {
  if (typeof path !== "string" || path === "") fail("collection path must be a non-empty string");
  const segments = path.split("/");
  if (segments.length % 2 === 0) {
    fail(`"${path}" names a document, not a collection (a collection path has an odd number of segments)`);
  }
  for (const segment of segments) {
    if (segment === "." || segment === "..") fail(`collection path "${path}" contains "${segment}"`);
    checkName(segment, `segment of collection path "${path}"`);
  }
  return segments;
}

export function checkDocId(id: string): void {
  if (typeof id !== "string") fail("document id must be a string");
  if (id.includes("/")) fail(`document id "${id}" contains "/"`);
  if (id === "." || id === "..") fail(`document id "${id}" is not allowed`);
  checkName(id, "document id");
}

/** "author.id" → ["author", "id"]. A dot always separates levels in where/orderBy/append paths. */
export function parseFieldPath(path: string): string[] {
  if (typeof path !== "string" || path === "") fail("field path must be a non-empty string");
  const segments = path.split(".");
  for (const segment of segments) {
    if (segment === "") fail(`field path "${path}" has an empty segment`);
    if (FIELD_PATH_FORBIDDEN.test(segment)) {
      fail(`field path "${path}" contains one of ~ * / [ ] \` " or NUL`);
    }
    checkName(segment, `segment of field path "${path}"`);
  }
  return segments;
}

function normalizeValue(value: unknown, at: string, depth: number, inArray: boolean): unknown {
  switch (typeof value) {
    case "string":
      checkText(value, at);
      return value;
    case "number":
      if (!Number.isFinite(value)) fail(`${at}: ${value} is not a storable number (finite numbers only)`);
      // JSON has no -0; Firestore would keep it. Normalizing keeps the adapters identical.
      return value === 0 ? 0 : value;
    case "boolean":
      return value;
    case "object":
      break;
    default:
      fail(`${at}: a value of type ${typeof value} cannot be stored`);
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) fail(`${at}: maps and arrays nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    if (inArray) fail(`${at}: an array directly inside an array cannot be stored (wrap it in an object)`);
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) fail(`${at}[${i}]: undefined (or a hole) inside an array`);
      out.push(normalizeValue(item, `${at}[${i}]`, depth + 1, true));
    }
    return out;
  }
  if (!isPlainObject(value)) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    fail(`${at}: a ${name} cannot be stored (plain objects, arrays and JSON scalars only)`);
  }
  return normalizeFields(value, at, depth + 1);
}

function normalizeFields(fields: Record<string, unknown>, at: string, depth: number): DocData {
  const out: DocData = {};
  for (const [key, value] of Object.entries(fields)) {
    // Dropped like JSON.stringify does, so optional properties left undefined are not an error.
    if (value === undefined) continue;
    const where = at === "" ? key : `${at}.${key}`;
    checkName(key, `field name at "${where}"`);
    out[key] = normalizeValue(value, where, depth, false);
  }
  return out;
}

/** A validated deep copy of `data` with undefined properties dropped; throws InvalidDocError. */
export function normalizeDoc(data: DocData): DocData {
  if (!isPlainObject(data)) fail("document data must be a plain object");
  return normalizeFields(data, "", 0);
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "number") return 8;
  if (typeof value === "string") return Buffer.byteLength(value) + 1;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + valueSize(item), 0);
  return fieldsSize(value as DocData);
}

function fieldsSize(fields: DocData): number {
  let size = 0;
  for (const [key, value] of Object.entries(fields)) size += Buffer.byteLength(key) + 1 + valueSize(value);
  return size;
}

/** Firestore's size of a stored document (name + fields + 32); over 1 MiB it refuses the write. */
export function docSize(collection: string, id: string, data: DocData): number {
  let nameSize = 16;
  for (const segment of [...collection.split("/"), id]) nameSize += Buffer.byteLength(segment) + 1;
  return nameSize + fieldsSize(data) + 32;
}

export function checkDocSize(collection: string, id: string, data: DocData): void {
  const size = docSize(collection, id, data);
  if (size > MAX_DOC_BYTES) {
    fail(`document ${collection}/${id} would be ${size} bytes; the limit is ${MAX_DOC_BYTES}`);
  }
}

/**
 * Firestore's `set(..., { merge: true })`: nested non-empty maps merge key by key; anything
 * else (scalars, arrays, empty maps) replaces what was there.
 */
export function mergeDoc(base: DocData, patch: DocData): DocData {
  const out: DocData = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      isPlainObject(value) && Object.keys(value).length > 0
        ? mergeDoc(isPlainObject(current) ? current : {}, value)
        : value;
  }
  return out;
}

/** The value at a field path, or undefined when any level is missing or not a map. */
export function getAt(doc: DocData, segments: readonly string[]): unknown {
  let current: unknown = doc;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** `{ a: { b: value } }` for ["a", "b"]: the patch that, merged, sets just that field. */
export function nestAt(segments: readonly string[], value: unknown): DocData {
  let out: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) out = { [segments[i] as string]: out };
  return out as DocData;
}

/**
 * The document after appending `values` to the array at `segments` (created when missing),
 * keeping only the last `keepLast` items. Duplicates are kept: this is a log, not a set.
 */
export function appendAt(
  doc: DocData | null,
  field: string,
  segments: readonly string[],
  values: readonly unknown[],
  keepLast: number | undefined,
): DocData {
  const current = doc === null ? undefined : getAt(doc, segments);
  if (current !== undefined && !Array.isArray(current)) {
    fail(`cannot append to "${field}": it holds ${current === null ? "null" : `a ${typeof current}`}, not an array`);
  }
  const all = [...(current ?? []), ...values];
  const kept = keepLast === undefined ? all : keepLast === 0 ? [] : all.slice(-keepLast);
  return mergeDoc(doc ?? {}, nestAt(segments, kept));
}

/** Validates one write and returns a normalized copy; throws InvalidDocError. */
export function checkWrite(write: DocWrite): CheckedWrite {
  if (typeof write !== "object" || write === null) fail("a write must be an object");
  checkCollectionPath(write.collection);
  checkDocId(write.id);
  const base = { collection: write.collection, id: write.id, key: `${write.collection}/${write.id}` };
  switch (write.op) {
    case "set": {
      const data = normalizeDoc(write.data);
      checkDocSize(write.collection, write.id, data);
      return { op: "set", ...base, data, merge: write.merge === true };
    }
    case "delete":
      return { op: "delete", ...base };
    case "append": {
      const segments = parseFieldPath(write.field);
      if (!Array.isArray(write.values)) fail(`append to "${write.field}": values must be an array`);
      const values = write.values.map((value, i) => {
        if (value === undefined) fail(`append to "${write.field}": values[${i}] is undefined`);
        return normalizeValue(value, `${write.field}[+${i}]`, segments.length, true);
      });
      const keepLast = write.keepLast;
      if (keepLast !== undefined && !(Number.isInteger(keepLast) && keepLast >= 0)) {
        fail(`append to "${write.field}": keepLast must be an integer ≥ 0`);
      }
      return { op: "append", ...base, field: write.field, segments, values, keepLast };
    }
    default:
      fail(`unknown write op ${JSON.stringify((write as { op?: unknown }).op)}`);
  }
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ["boolean", "number", "string"].includes(typeof value);
}

export function checkWhere(where: readonly Where[] | undefined): CheckedWhere[] {
  if (where === undefined) return [];
  if (!Array.isArray(where)) fail("where must be an array of [field, op, value]");
  return where.map(([field, op, value]) => {
    const segments = parseFieldPath(field);
    if (!WHERE_OPS.has(op)) fail(`where "${field}": unknown operator ${JSON.stringify(op)}`);
    const what = `where ${field} ${op}`;
    if (value === undefined) fail(`${what}: value is undefined`);
    if (op === "in") {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
        fail(`${what}: needs an array of 1 to ${MAX_IN_VALUES} values`);
      }
      return { field, segments, op, value: value.map((v, i) => normalizeValue(v, `${what}[${i}]`, 0, true)) };
    }
    const normalized = normalizeValue(value, what, 0, op === "array-contains");
    if (RANGE_OPS.has(op) && (normalized === null || !isScalar(normalized))) {
      fail(`${what}: range comparisons take a number, string or boolean`);
    }
    return { field, segments, op, value: normalized };
  });
}

export function checkQuery(query: DocQuery | undefined): CheckedQuery {
  const checked: CheckedQuery = { where: checkWhere(query?.where) };
  if (query?.orderBy !== undefined) {
    const { field, direction = "asc" } = query.orderBy;
    if (direction !== "asc" && direction !== "desc") fail(`orderBy direction must be "asc" or "desc"`);
    checked.orderBy = { field, segments: parseFieldPath(field), direction };
  }
  if (query?.startAfter !== undefined) {
    if (checked.orderBy === undefined) fail("startAfter needs orderBy (the cursor is a value of that field)");
    const value = normalizeValue(query.startAfter, "startAfter", 0, false);
    if (!isScalar(value)) fail("startAfter must be a string, number, boolean or null");
    checked.startAfter = { value };
  }
  if (query?.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 0) fail("limit must be an integer ≥ 0");
    checked.limit = query.limit;
  }
  return checked;
}
