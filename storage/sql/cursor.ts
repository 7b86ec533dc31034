// Keyset cursors over (created_at, id): stable under concurrent inserts, unlike offsets.
// Opaque to callers: base64url of [epoch ms, id].
import { InvalidCursorError } from "./errors.ts";

export interface CursorKey {
  createdAt: Date;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.createdAt.getTime(), key.id])).toString("base64url");
}

/** Throws InvalidCursorError for anything encodeCursor did not produce. */
export function parseCursor(cursor: string): CursorKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === "string") {
    return { createdAt: new Date(value[0] as number), id: value[1] };
  }
  throw new InvalidCursorError();
}

/** Filter selecting rows strictly after (ascending) or before (descending) the key. */
export function afterKey(key: CursorKey, direction: "asc" | "desc") {
  const op = direction === "asc" ? "$gt" : "$lt";
  return {
    $or: [{ createdAt: { [op]: key.createdAt } }, { createdAt: key.createdAt, id: { [op]: key.id } }],
  };
}
