// A plausible, usually valid value for a zod schema, via its JSON Schema (zod's own
// toJSONSchema), so the fuzzers can start from a well-formed request and break one field at a
// time. New routes and room messages are covered without writing a sample for each.
import { randomUUID } from "node:crypto";
import { z } from "zod";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface JsonSchema {
  type?: string | string[];
  const?: Json;
  enum?: Json[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
  default?: Json;
}

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    return {};
  }
}

// Strings that satisfy the patterns this codebase uses (dates, cursors, ids); first match wins.
const PATTERN_CANDIDATES = ["1990-01-01", "0", "abc", "room_1", "1700000000000:1", "a-b_c", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"];

function stringFor(s: JsonSchema): string {
  switch (s.format) {
    case "email":
      return `fuzz.${Math.random().toString(36).slice(2, 8)}@example.com`;
    case "uuid":
      return randomUUID();
    case "date":
      return "1990-01-01";
    case "date-time":
      return "2024-01-01T00:00:00.000Z";
    case "uri":
    case "url":
      return "https://example.com/media/photo.jpg";
  }
  if (s.pattern) {
    const re = new RegExp(s.pattern, "u");
    const hit = PATTERN_CANDIDATES.find((c) => re.test(c));
    if (hit) return hit;
  }
  const min = s.minLength ?? 1;
  const len = Math.min(Math.max(min, 8), s.maxLength ?? 8);
  return "Sample text".padEnd(len, "x").slice(0, Math.max(len, min));
}

function numberFor(s: JsonSchema, integer: boolean): number {
  let n = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
  if (s.maximum !== undefined && n > s.maximum) n = s.maximum;
  return integer ? Math.ceil(n) : n;
}

/** A sample value for a JSON Schema; `depth` guards recursive schemas. */
export function sampleJson(s: JsonSchema, depth = 0): Json {
  if (depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0]!;
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return sampleJson(alt.find((a) => a.type !== "null") ?? alt[0]!, depth + 1);
  if (s.allOf?.length) return sampleJson(Object.assign({}, ...s.allOf) as JsonSchema, depth + 1);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? s.type[0]) : s.type;
  switch (type) {
    case "string":
      return stringFor(s);
    case "integer":
      return numberFor(s, true);
    case "number":
      return numberFor(s, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const n = Math.max(1, s.minItems ?? 1);
      if (s.prefixItems) return s.prefixItems.map((p) => sampleJson(p, depth + 1));
      return Array.from({ length: n }, () => sampleJson(s.items ?? {}, depth + 1));
    }
    case "object":
    case undefined: {
      if (!s.properties && type === undefined) return s.default ?? "sample";
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sampleJson(v, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/**
 * A sample for a zod schema, or undefined when there is none. Usually valid; when a pattern or
 * refinement defeats the generator it is still a fine base for one-field mutations.
 */
export function sampleFor(schema: z.ZodType | undefined): Json | undefined {
  return schema ? sampleJson(toJsonSchema(schema)) : undefined;
}

/** Top-level property names of an object schema (for targeted mutations). */
export function propertyNames(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const json = toJsonSchema(schema);
  const obj = json.anyOf?.find((a) => a.properties) ?? json;
  return Object.keys(obj.properties ?? {});
}
