// A local stand-in for Cloud Firestore: @firestore-emulator/server (pure Node; the official
// emulator needs Java and a download, which fail here), driven by the real firebase-admin SDK.
//
// Two of its behaviours are corrected, because they differ from Firestore in ways an adapter
// would otherwise be bent around (with a cost in production) or not be tested on:
// - a `set` without merge keeps the fields it does not mention; Firestore replaces the document;
// - the query engine throws on dotted field paths ("author.id"), ignores `== null` / `!= null`
//   (the SDK sends those as unary filters), ignores cursors (startAfter...) and keeps documents
//   that lack the orderBy field. It is replaced by one that follows Firestore's query semantics
//   (as the Firebase client SDKs' local query engine encodes them).
// Still not Firestore: commits are not atomic when a write fails a precondition, transactions
// do not isolate, no collection-group queries, no index requirements, no security rules.
import { createServer } from "node:net";
import { FirestoreServer } from "@firestore-emulator/server";

export interface FirestoreStandIn {
  /** "127.0.0.1:<port>": the adapter's emulatorHost (or FIRESTORE_EMULATOR_HOST). */
  host: string;
  port: number;
  /** Forgets every document of every project. */
  clear(): void;
  stop(): Promise<void>;
}

/** Starts a stand-in on a free port. Stop it in afterAll. */
export async function startFirestoreStandIn(): Promise<FirestoreStandIn> {
  let lastError: unknown;
  // The free port is probed then re-bound by gRPC: another process may take it in between.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const server = new FirestoreServer();
    correctEmulator(server.state as unknown as EmulatorState);
    try {
      await server.start(port);
    } catch (err) {
      lastError = err;
      server.stop();
      continue;
    }
    let stopped = false;
    return {
      host: `127.0.0.1:${port}`,
      port,
      clear: () => server.state.clear(),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        server.stop();
      },
    };
  }
  throw new Error(`could not start the Firestore stand-in: ${String(lastError)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- the emulator's shapes we touch
// Structural types over the emulator's protobuf messages and state, so no transitive package
// (@firestore-emulator/proto) has to be imported.

interface PValue {
  has_null_value: boolean;
  has_boolean_value: boolean;
  boolean_value: boolean;
  has_integer_value: boolean;
  integer_value: number;
  has_double_value: boolean;
  double_value: number;
  has_timestamp_value: boolean;
  timestamp_value: { seconds: number; nanos: number };
  has_string_value: boolean;
  string_value: string;
  has_bytes_value: boolean;
  bytes_value: Uint8Array;
  has_reference_value: boolean;
  reference_value: string;
  has_geo_point_value: boolean;
  geo_point_value: { latitude: number; longitude: number };
  has_array_value: boolean;
  array_value: { values: PValue[] };
  has_map_value: boolean;
  map_value: { fields: Map<string, PValue> };
}

interface PFieldRef {
  field_path: string;
}

interface PFilter {
  has_composite_filter: boolean;
  composite_filter: { op: number; filters: PFilter[] };
  has_field_filter: boolean;
  field_filter: { field: PFieldRef; op: number; value: PValue };
  has_unary_filter: boolean;
  unary_filter: { field: PFieldRef; op: number };
}

interface PCursor {
  values: PValue[];
  before: boolean;
}

interface PQuery {
  from: { collection_id: string; all_descendants: boolean }[];
  has_where: boolean;
  where: PFilter;
  order_by: { field: PFieldRef; direction: number }[];
  has_start_at: boolean;
  start_at: PCursor;
  has_end_at: boolean;
  end_at: PCursor;
  offset: number;
  has_limit: boolean;
  limit: { value: number };
}

interface EmulatorDoc {
  metadata: { hasExist: boolean };
  getPath(): string;
  toV1Document(): { fields: Map<string, PValue> };
  delete(): void;
}

interface PWrite {
  has_update: boolean;
  update: { name: string };
  has_update_mask: boolean;
  has_current_document: boolean;
}

interface EmulatorState {
  getCollection(path: string): { getAllDocuments(): EmulatorDoc[] };
  getDocument(path: string): EmulatorDoc;
  v1Query(parent: string, query: PQuery): EmulatorDoc[];
  writeV1Document(date: Date, write: PWrite): unknown;
}

// Operator numbers of google.firestore.v1.StructuredQuery.
const FIELD_OP = { LT: 1, LTE: 2, GT: 3, GTE: 4, EQ: 5, NE: 6, ARRAY_CONTAINS: 7, IN: 8, ARRAY_CONTAINS_ANY: 9, NOT_IN: 10 };
const UNARY_OP = { IS_NAN: 2, IS_NULL: 3, IS_NOT_NAN: 4, IS_NOT_NULL: 5 };
const COMPOSITE_AND = 1;
const DESCENDING = 2;
const NAME = "__name__";

// ---------------------------------------------------------------- values in Firestore's order

/** A value with its rank in Firestore's cross-type order: null < bool < number < timestamp < string < bytes < reference < geopoint < array < map. */
type Val =
  | { rank: 0 }
  | { rank: 1; v: boolean }
  | { rank: 2; v: number }
  | { rank: 3; v: [number, number] }
  | { rank: 4; v: string }
  | { rank: 5; v: Uint8Array }
  | { rank: 6; v: string }
  | { rank: 7; v: [number, number] }
  | { rank: 8; v: Val[] }
  | { rank: 9; v: Map<string, Val> };

function toVal(p: PValue): Val {
  if (p.has_null_value) return { rank: 0 };
  if (p.has_boolean_value) return { rank: 1, v: p.boolean_value };
  if (p.has_integer_value) return { rank: 2, v: Number(p.integer_value) };
  if (p.has_double_value) return { rank: 2, v: p.double_value };
  if (p.has_timestamp_value) return { rank: 3, v: [Number(p.timestamp_value.seconds), p.timestamp_value.nanos] };
  if (p.has_string_value) return { rank: 4, v: p.string_value };
  if (p.has_bytes_value) return { rank: 5, v: p.bytes_value };
  if (p.has_reference_value) return { rank: 6, v: p.reference_value };
  if (p.has_geo_point_value) return { rank: 7, v: [p.geo_point_value.latitude, p.geo_point_value.longitude] };
  if (p.has_array_value) return { rank: 8, v: p.array_value.values.map(toVal) };
  if (p.has_map_value) return { rank: 9, v: new Map([...p.map_value.fields].map(([k, v]) => [k, toVal(v)])) };
  // A Value with no kind set; Firestore never stores one, so it can only mean null.
  return { rank: 0 };
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
// Firestore orders strings by UTF-8 bytes, which differs from JS's UTF-16 `<` above U+FFFF.
const compareUtf8 = (a: string, b: string): number => sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
const comparePairs = (a: [number, number], b: [number, number]): number => sign(a[0] - b[0]) || sign(a[1] - b[1]);

function compareNumbers(a: number, b: number): number {
  // NaN sorts before every other number and equals itself in ordering.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return sign(a - b);
}

function compareReferences(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = compareUtf8(as[i] as string, bs[i] as string);
    if (c !== 0) return c;
  }
  return sign(as.length - bs.length);
}

function compareVals(a: Val, b: Val): number {
  if (a.rank !== b.rank) return sign(a.rank - b.rank);
  switch (a.rank) {
    case 0:
      return 0;
    case 1:
      return sign(Number(a.v) - Number((b as typeof a).v));
    case 2:
      return compareNumbers(a.v, (b as typeof a).v);
    case 3:
    case 7:
      return comparePairs(a.v, (b as typeof a).v);
    case 4:
      return compareUtf8(a.v, (b as typeof a).v);
    case 5:
      return sign(Buffer.compare(a.v, (b as typeof a).v));
    case 6:
      return compareReferences(a.v, (b as typeof a).v);
    case 8: {
      const other = (b as typeof a).v;
      for (let i = 0; i < Math.min(a.v.length, other.length); i++) {
        const c = compareVals(a.v[i] as Val, other[i] as Val);
        if (c !== 0) return c;
      }
      return sign(a.v.length - other.length);
    }
    case 9: {
      const ak = [...a.v.keys()].sort(compareUtf8);
      const other = (b as typeof a).v;
      const bk = [...other.keys()].sort(compareUtf8);
      for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
        const c = compareUtf8(ak[i] as string, bk[i] as string) || compareVals(a.v.get(ak[i] as string) as Val, other.get(bk[i] as string) as Val);
        if (c !== 0) return c;
      }
      return sign(ak.length - bk.length);
    }
  }
}

const isNaNVal = (v: Val | undefined): boolean => v?.rank === 2 && Number.isNaN(v.v);

// ---------------------------------------------------------------- documents and field paths

/** Splits a field path as the SDK formats it: dots between segments, backticks around odd ones. */
function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (quoted) {
      if (ch === "\\") current += path[++i] ?? "";
      else if (ch === "`") quoted = false;
      else current += ch;
    } else if (ch === "`") quoted = true;
    else if (ch === ".") {
      segments.push(current);
      current = "";
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

class Row {
  private fields: Map<string, PValue> | undefined;
  private readonly cache = new Map<string, Val | undefined>();

  constructor(readonly doc: EmulatorDoc) {}

  /** The value at a field path, undefined when missing. */
  get(path: string): Val | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const value = path === NAME ? { rank: 6 as const, v: this.doc.getPath() } : this.lookup(splitFieldPath(path));
    this.cache.set(path, value);
    return value;
  }

  private lookup(segments: string[]): Val | undefined {
    this.fields ??= this.doc.toV1Document().fields;
    let current: PValue | undefined = this.fields.get(segments[0] as string);
    for (const segment of segments.slice(1)) {
      if (current === undefined || !current.has_map_value) return undefined;
      current = current.map_value.fields.get(segment);
    }
    return current === undefined ? undefined : toVal(current);
  }
}

// ---------------------------------------------------------------- filters, order, cursors

function matchesField(row: Row, filter: PFilter["field_filter"]): boolean {
  const field = row.get(filter.field.field_path);
  if (field === undefined) return false;
  const value = toVal(filter.value);
  switch (filter.op) {
    case FIELD_OP.EQ:
      return compareVals(field, value) === 0;
    case FIELD_OP.NE:
      return compareVals(field, value) !== 0;
    case FIELD_OP.LT:
      return field.rank === value.rank && compareVals(field, value) < 0;
    case FIELD_OP.LTE:
      return field.rank === value.rank && compareVals(field, value) <= 0;
    case FIELD_OP.GT:
      return field.rank === value.rank && compareVals(field, value) > 0;
    case FIELD_OP.GTE:
      return field.rank === value.rank && compareVals(field, value) >= 0;
    case FIELD_OP.ARRAY_CONTAINS:
      return field.rank === 8 && field.v.some((item) => compareVals(item, value) === 0);
    case FIELD_OP.ARRAY_CONTAINS_ANY:
      return (
        field.rank === 8 &&
        value.rank === 8 &&
        field.v.some((item) => value.v.some((candidate) => compareVals(item, candidate) === 0))
      );
    case FIELD_OP.IN:
      return value.rank === 8 && value.v.some((candidate) => compareVals(field, candidate) === 0);
    case FIELD_OP.NOT_IN:
      // A null among the candidates matches nothing at all.
      return value.rank === 8 && value.v.every((candidate) => candidate.rank !== 0 && compareVals(field, candidate) !== 0);
    default:
      throw new Error(`stand-in: unsupported field filter op ${filter.op}`);
  }
}

function matchesUnary(row: Row, filter: PFilter["unary_filter"]): boolean {
  const field = row.get(filter.field.field_path);
  switch (filter.op) {
    case UNARY_OP.IS_NULL:
      return field?.rank === 0;
    case UNARY_OP.IS_NOT_NULL:
      return field !== undefined && field.rank !== 0;
    case UNARY_OP.IS_NAN:
      return isNaNVal(field);
    case UNARY_OP.IS_NOT_NAN:
      return field !== undefined && field.rank !== 0 && !isNaNVal(field);
    default:
      throw new Error(`stand-in: unsupported unary filter op ${filter.op}`);
  }
}

function matches(row: Row, filter: PFilter): boolean {
  if (filter.has_composite_filter) {
    const { op, filters } = filter.composite_filter;
    return op === COMPOSITE_AND ? filters.every((f) => matches(row, f)) : filters.some((f) => matches(row, f));
  }
  if (filter.has_field_filter) return matchesField(row, filter.field_filter);
  if (filter.has_unary_filter) return matchesUnary(row, filter.unary_filter);
  return true;
}

const INEQUALITY_OPS = new Set([FIELD_OP.LT, FIELD_OP.LTE, FIELD_OP.GT, FIELD_OP.GTE, FIELD_OP.NE, FIELD_OP.NOT_IN]);

function inequalityFields(filter: PFilter, into: Set<string>): Set<string> {
  if (filter.has_composite_filter) for (const f of filter.composite_filter.filters) inequalityFields(f, into);
  if (filter.has_field_filter && INEQUALITY_OPS.has(filter.field_filter.op)) into.add(filter.field_filter.field.field_path);
  if (filter.has_unary_filter && filter.unary_filter.op === UNARY_OP.IS_NOT_NULL) into.add(filter.unary_filter.field.field_path);
  if (filter.has_unary_filter && filter.unary_filter.op === UNARY_OP.IS_NOT_NAN) into.add(filter.unary_filter.field.field_path);
  return into;
}

interface Order {
  path: string;
  desc: boolean;
}

/** Explicit orders, then inequality fields, then __name__, as Firestore does implicitly. */
function orderings(query: PQuery): Order[] {
  const orders: Order[] = query.order_by.map((o) => ({ path: o.field.field_path, desc: o.direction === DESCENDING }));
  const seen = new Set(orders.map((o) => o.path));
  const lastDesc = orders.at(-1)?.desc ?? false;
  if (query.has_where) {
    for (const path of [...inequalityFields(query.where, new Set())].sort(compareUtf8)) {
      if (!seen.has(path)) orders.push({ path, desc: lastDesc });
      seen.add(path);
    }
  }
  if (!seen.has(NAME)) orders.push({ path: NAME, desc: lastDesc });
  return orders;
}

function compareRows(a: Row, b: Row, orders: readonly Order[]): number {
  for (const { path, desc } of orders) {
    const c = compareVals(a.get(path) as Val, b.get(path) as Val);
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

/** Position of a row relative to a cursor over the order's prefix: <0 before, 0 at, >0 after. */
function compareToCursor(row: Row, cursor: PCursor, orders: readonly Order[]): number {
  for (let i = 0; i < cursor.values.length && i < orders.length; i++) {
    const { path, desc } = orders[i] as Order;
    const c = compareVals(row.get(path) as Val, toVal(cursor.values[i] as PValue));
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

function runQuery(state: EmulatorState, parent: string, query: PQuery): EmulatorDoc[] {
  if (query.from.length !== 1) throw new Error("stand-in: a query reads exactly one collection");
  const from = query.from[0] as PQuery["from"][number];
  if (from.all_descendants) throw new Error("stand-in: collection-group queries are not supported");
  const orders = orderings(query);
  let rows = state
    .getCollection(`${parent}/${from.collection_id}`)
    .getAllDocuments()
    .filter((doc) => doc.metadata.hasExist)
    .map((doc) => new Row(doc))
    // Firestore leaves out documents that lack any field the query orders by.
    .filter((row) => orders.every((o) => row.get(o.path) !== undefined));
  if (query.has_where) rows = rows.filter((row) => matches(row, query.where));
  rows.sort((a, b) => compareRows(a, b, orders));
  if (query.has_start_at) {
    const { before } = query.start_at;
    rows = rows.filter((row) => {
      const c = compareToCursor(row, query.start_at, orders);
      return c > 0 || (c === 0 && before);
    });
  }
  if (query.has_end_at) {
    const { before } = query.end_at;
    rows = rows.filter((row) => {
      const c = compareToCursor(row, query.end_at, orders);
      return c < 0 || (c === 0 && !before);
    });
  }
  if (query.offset > 0) rows = rows.slice(query.offset);
  if (query.has_limit) rows = rows.slice(0, query.limit.value);
  return rows.map((row) => row.doc);
}

function correctEmulator(state: EmulatorState): void {
  // Own properties shadow the prototype methods that the gRPC handlers call.
  state.v1Query = (parent, query) => runQuery(state, parent, query);
  const write = state.writeV1Document.bind(state);
  state.writeV1Document = (date, w) => {
    // No mask and no precondition is a plain set: clear the document so the write replaces it.
    if (w.has_update && !w.has_update_mask && !w.has_current_document) {
      const doc = state.getDocument(w.update.name);
      if (doc.metadata.hasExist) doc.delete();
    }
    return write(date, w);
  };
}
