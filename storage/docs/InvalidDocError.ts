/**
 * A document, path, write or query that the store refuses by its rules (a NaN, a nested array, a
 * document over 1 MiB, an append to a field that is not an array, an `in` with 31 values...).
 * A distinct class so the write-behind queue can drop or dead-letter such a write instead of
 * retrying it forever: unlike an outage, retrying can never make it succeed.
 */
export class InvalidDocError extends Error {
  readonly code = "INVALID_DOC";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidDocError";
  }
}
