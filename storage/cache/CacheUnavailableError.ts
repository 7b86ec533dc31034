/**
 * The cache could not be reached (down, still connecting past the deadline, timed out, or closed).
 * A distinct class so callers such as the write-behind queue can tell "retry later / spill" apart
 * from a bad request (WRONGTYPE, not an integer), which retrying would never fix.
 */
export class CacheUnavailableError extends Error {
  readonly code = "CACHE_UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheUnavailableError";
  }
}
