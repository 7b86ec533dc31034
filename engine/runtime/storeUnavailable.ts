// "A store is down" is not a bug in the request: HTTP answers 503 and rooms answer
// `store_unavailable` (never the generic 500 / `internal`), so clients know to retry — a tip with
// the same idempotency key is safe to retry. Found by test/faults (MariaDB and Redis outages).
import { ConnectionException, DriverException } from "@mikro-orm/core";
import { CacheUnavailableError } from "../../storage/cache/CacheUnavailableError.ts";

// Socket-level failures the SQL drivers report as a plain DriverException or as mysql2's own Error
// (a refused or dropped connection), plus MariaDB's "too many connections" / "server has gone away".
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN", "CR_SERVER_GONE_ERROR", "CR_SERVER_LOST"]);

export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof CacheUnavailableError || e instanceof ConnectionException) return true;
    // mysql2's own connection errors (a pool that cannot connect) arrive unwrapped, with the same codes.
    const code = e instanceof DriverException ? e.code : (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  }
  return false;
}

export const STORE_UNAVAILABLE_MESSAGE = "A data store is unavailable right now; try again shortly (a payment retried with the same key is charged once)";
