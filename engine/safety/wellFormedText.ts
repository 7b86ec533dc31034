// Text from clients must be well-formed Unicode without NUL. A NUL cuts an SQLite statement short
// (MikroORM inlines values into the SQL text, and libsql hands it to C as a NUL-terminated string),
// so one "\u0000" in a chat report or a search box was a 500; a lone surrogate is not text and the
// document store refuses it. Checked once at the edges (HTTP router, room base) for every field.

const MAX_DEPTH = 64;

/** The path of the first string (or object key) that is not acceptable text, or undefined. */
export function badTextPath(value: unknown, path = "", depth = 0): string | undefined {
  if (typeof value === "string") return isBadText(value) ? path || "(value)" : undefined;
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return undefined;
  if (ArrayBuffer.isView(value)) return undefined;
  const entries: Array<[string, unknown]> = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const at = path ? `${path}.${printable(key)}` : printable(key);
    if (isBadText(key)) return at;
    const bad = badTextPath(child, at, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

// A high surrogate not followed by a low one, or a low one without a high one before it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A key fit to echo in an error message: short, and without the characters being refused. */
function printable(key: string): string {
  return key.replace(/\u0000/g, "\\0").replace(/[\ud800-\udfff]/g, "?").slice(0, 40);
}

function isBadText(s: string): boolean {
  return s.includes("\u0000") || LONE_SURROGATE.test(s);
}
