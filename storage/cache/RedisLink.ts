// One ioredis connection with a fail-fast gate in front of it.
//
// Why not ioredis' defaults: with the offline queue on and maxRetriesPerRequest 20, a command sent
// while Redis is down waits through ~20 reconnect attempts (tens of seconds), and one sent with
// `maxRetriesPerRequest: null` waits forever. The write-behind queue needs the opposite: a prompt
// rejection it can spill on. So:
//  - `enableOfflineQueue: false`: a command is never parked while disconnected, so nothing whose
//    promise already rejected can still be applied later (that would double-apply an incrBy the
//    caller has spilled and will replay).
//  - `maxRetriesPerRequest: 0` + `autoResendUnfulfilledCommands: false`: commands in flight when
//    the socket drops reject at once instead of being resent after reconnecting.
//  - our own gate: while the first connection is being made, calls wait for it (up to
//    `connectTimeoutMs`); once a connection attempt has failed, calls reject immediately with
//    CacheUnavailableError until the background reconnect (capped backoff, forever) succeeds.
//  - `commandTimeout`: bounds a server that accepts the socket but stops answering.
import { Redis } from "ioredis";
import { CacheUnavailableError } from "./CacheUnavailableError.ts";

export interface RedisLinkOptions {
  url: string;
  /** Appears in errors and in CLIENT LIST, e.g. "teezu-cache" or "teezu-cache-sub". */
  name: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  onError: (error: unknown, context: string) => void;
}

const MAX_RECONNECT_DELAY_MS = 1000;

export class RedisLink {
  readonly client: Redis;
  private readonly options: RedisLinkOptions;
  private readonly address: string;
  /** Why Redis is considered down; null while connected or before the first attempt settles. */
  private down: Error | null = null;
  private waiting: Promise<void> | null = null;
  private closed = false;

  constructor(options: RedisLinkOptions) {
    this.options = options;
    const url = new URL(options.url);
    this.address = `${url.hostname}:${url.port || "6379"}`;
    this.client = new Redis(options.url, {
      connectionName: options.name,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // Short cap: after an outage the cache should be back within about a second.
      retryStrategy: (times) =>
        Math.min(50 * 2 ** Math.min(times - 1, 5), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 50),
    });
    // Without an 'error' listener a failed connection would surface as an unhandled error event.
    this.client.on("error", (error: Error) => {
      // Report the transition to "down" once, not every reconnect attempt of an outage.
      if (!this.down && !this.closed) this.options.onError(error, `redis ${this.address} (${options.name})`);
      this.down = error;
    });
    this.client.on("close", () => {
      this.down ??= new Error("connection closed");
    });
    this.client.on("ready", () => {
      this.down = null;
    });
  }

  /** Runs `op` on a ready connection; connection-level failures become CacheUnavailableError. */
  async run<T>(what: string, op: (client: Redis) => Promise<T>): Promise<T> {
    await this.ready(what);
    try {
      return await op(this.client);
    } catch (error) {
      // A reply error (WRONGTYPE, not an integer…) is the caller's bug: pass it through as is.
      if (error instanceof Error && error.name === "ReplyError") throw error;
      throw this.unavailable(what, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === "ready") {
      try {
        await this.client.quit();
        return;
      } catch {
        // Fall through: the socket is going away either way.
      }
    }
    this.client.disconnect();
  }

  private async ready(what: string): Promise<void> {
    if (this.closed) throw new CacheUnavailableError(`redis cache is closed (${what})`);
    if (this.client.status === "ready") return;
    if (this.down || this.client.status === "end") throw this.unavailable(what, this.down);
    try {
      await (this.waiting ??= this.firstConnection());
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  /** Shared by every call made while connecting, so N callers add one set of listeners, not N. */
  private firstConnection(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const client = this.client;
      const settle = (error?: Error) => {
        clearTimeout(timer);
        client.off("ready", onReady);
        client.off("error", onFail);
        client.off("close", onClose);
        this.waiting = null;
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onFail = (error: Error) => settle(error);
      const onClose = () => settle(new Error("connection closed"));
      const timer = setTimeout(
        () => settle(new Error(`not connected after ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      client.on("ready", onReady);
      client.on("error", onFail);
      client.on("close", onClose);
    });
  }

  private unavailable(what: string, cause: unknown): CacheUnavailableError {
    const reason = cause instanceof Error ? cause.message : "not connected";
    return new CacheUnavailableError(`redis ${this.address} unavailable for ${what}: ${reason}`, { cause });
  }
}
