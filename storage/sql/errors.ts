import { UniqueConstraintViolationException } from "@mikro-orm/core";

/** A write collided with a unique key (e.g. an email already registered). Maps to HTTP 409. */
export class DuplicateError extends Error {
  constructor(
    message: string,
    /** Which unique field collided, e.g. "email". */
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DuplicateError";
  }
}

/** Runs a write and turns a unique-key violation (MikroORM normalizes both dialects) into DuplicateError. */
export async function rethrowDuplicate<T>(field: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      throw new DuplicateError(`${field} already exists`, field, { cause: err });
    }
    throw err;
  }
}

/** A pagination cursor that this store did not issue. Maps to HTTP 400. */
export class InvalidCursorError extends Error {
  constructor() {
    super("invalid cursor");
    this.name = "InvalidCursorError";
  }
}
