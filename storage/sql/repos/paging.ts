export interface Page<T> {
  items: T[];
  /** Pass back as the cursor to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Bounds a caller-supplied page size so one request cannot read a whole table. */
export function clampLimit(limit: number, max = 200): number {
  if (!Number.isFinite(limit)) return Math.min(50, max);
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** LIKE pattern matching `text` anywhere, for use with `escape '!'` (same meaning on SQLite and MySQL). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
