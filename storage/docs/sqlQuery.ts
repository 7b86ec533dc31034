// Checked where/orderBy/startAfter → SQLite over the JSON `data` column, with Firestore's typing
// rules so a query means the same on both adapters:
// - a comparison only matches values of the same type (5 never matches "5"; `>` 5 skips strings);
// - `!=` skips documents where the field is missing (`!= null`: missing or null);
// - orderBy skips documents that lack the field and orders across types
//   null < booleans < numbers < strings < arrays < maps, ties broken by document id.
// Documents are stored as canonical JSON (keys sorted at every level), so maps and arrays compare
// by their JSON text. Bound values are only strings and numbers: libsql aborts the process when a
// boolean is bound.
import type { CheckedQuery, CheckedWhere, Scalar } from "./docModel.ts";

export type SqlParam = string | number;

export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

interface Ref {
  /** SQL for json_type(...): NULL when missing, else 'null' 'true' 'false' 'integer' 'real' 'text' 'array' 'object'. */
  type: string;
  /** SQL for the SQL value: numbers, text, 1/0 for booleans, JSON text for arrays and maps. */
  value: string;
}

/** JSON with keys sorted at every level: the storage format, so equal maps have equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = value as Record<string, unknown>;
    const keys = Object.keys(fields).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(fields[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

interface FieldRef extends Ref {
  /** The JSON path as an SQL string literal. */
  path: string;
}

function fieldRef(segments: readonly string[]): FieldRef {
  // Segments were validated free of `"`; quoting each one keeps "0" a key, never an array index.
  const jsonPath = `$${segments.map((s) => `."${s}"`).join("")}`;
  const path = `'${jsonPath.replaceAll("'", "''")}'`;
  return { type: `json_type(data, ${path})`, value: `json_extract(data, ${path})`, path };
}

const ELEMENT: Ref = { type: "je.type", value: "je.value" };

function equals(ref: Ref, value: unknown, params: SqlParam[]): string {
  if (value === null) return `${ref.type} = 'null'`;
  if (typeof value === "boolean") return `${ref.type} = '${value ? "true" : "false"}'`;
  if (typeof value === "number") {
    params.push(value);
    return `(${ref.type} IN ('integer','real') AND ${ref.value} = ?)`;
  }
  if (typeof value === "string") {
    if (value.includes("\u0000")) {
      // libsql cuts bound and returned text at U+0000; JSON-quoted text has no raw NUL.
      params.push(JSON.stringify(value));
      return `(${ref.type} = 'text' AND json_quote(${ref.value}) = ?)`;
    }
    params.push(value);
    return `(${ref.type} = 'text' AND ${ref.value} = ?)`;
  }
  params.push(canonicalJson(value));
  return `(${ref.type} = '${Array.isArray(value) ? "array" : "object"}' AND ${ref.value} = ?)`;
}

function typeClass(value: Scalar): string {
  if (typeof value === "number") return "IN ('integer','real')";
  if (typeof value === "string") return "= 'text'";
  return "IN ('true','false')";
}

function sqlScalar(value: Exclude<Scalar, null>): SqlParam {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

function condition(where: CheckedWhere, params: SqlParam[]): string {
  const ref = fieldRef(where.segments);
  const { value } = where;
  switch (where.op) {
    case "==":
      return equals(ref, value, params);
    case "!=":
      return value === null
        ? `(${ref.type} IS NOT NULL AND ${ref.type} <> 'null')`
        : `(${ref.type} IS NOT NULL AND NOT ${equals(ref, value, params)})`;
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const scalar = value as Exclude<Scalar, null>;
      params.push(sqlScalar(scalar));
      return `(${ref.type} ${typeClass(scalar)} AND ${ref.value} ${where.op} ?)`;
    }
    case "in":
      return `(${(value as unknown[]).map((candidate) => equals(ref, candidate, params)).join(" OR ")})`;
    case "array-contains":
      return (
        `(${ref.type} = 'array' AND EXISTS (SELECT 1 FROM json_each(data, ${ref.path}) AS je ` +
        `WHERE ${equals(ELEMENT, value, params)}))`
      );
  }
}

/** `AND`-joined conditions for `where`, or an empty fragment. */
export function whereSql(where: readonly CheckedWhere[]): SqlFragment {
  const params: SqlParam[] = [];
  const sql = where.map((w) => condition(w, params)).join(" AND ");
  return { sql, params };
}

function rankSql(ref: Ref): string {
  return (
    `CASE ${ref.type} WHEN 'null' THEN 0 WHEN 'true' THEN 1 WHEN 'false' THEN 1 ` +
    `WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 3 WHEN 'array' THEN 4 ELSE 5 END`
  );
}

function rankOf(value: Scalar): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return 1;
  if (typeof value === "number") return 2;
  return 3;
}

/** The SELECT for a query on one collection; rows are (id, data). */
export function selectSql(collection: string, query: CheckedQuery): SqlFragment {
  const params: SqlParam[] = [collection];
  const conditions = ["collection = ?"];
  const filters = whereSql(query.where);
  if (filters.sql !== "") {
    conditions.push(filters.sql);
    params.push(...filters.params);
  }
  let order = "id ASC";
  if (query.orderBy !== undefined) {
    const ref = fieldRef(query.orderBy.segments);
    const dir = query.orderBy.direction === "desc" ? "DESC" : "ASC";
    const rank = rankSql(ref);
    conditions.push(`${ref.type} IS NOT NULL`);
    if (query.startAfter !== undefined) {
      const cursor = query.startAfter.value;
      const after = dir === "ASC" ? ">" : "<";
      if (cursor === null) {
        conditions.push(`${rank} ${after} 0`);
      } else {
        const r = rankOf(cursor);
        conditions.push(`(${rank} ${after} ${r} OR (${rank} = ${r} AND ${ref.value} ${after} ?))`);
        params.push(sqlScalar(cursor));
      }
    }
    order = `${rank} ${dir}, ${ref.value} ${dir}, id ${dir}`;
  }
  // limit was validated as a non-negative integer; inlined because a bound JS number is a REAL.
  const limit = query.limit === undefined ? "" : ` LIMIT ${query.limit}`;
  return { sql: `SELECT id, data FROM docs WHERE ${conditions.join(" AND ")} ORDER BY ${order}${limit}`, params };
}
