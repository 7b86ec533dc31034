// Colyseus' Redis presence and driver with fail-fast clients. With ioredis defaults (20 retries per
// command, offline queue) a Redis outage made every matchmaking call hang for many seconds, and at
// shutdown the driver's failing `remove` came before each room's onDispose, so no room ran it:
// session stats, cache cleanup and companion memory were skipped (test/faults). A listing left
// behind in Redis is harmless: the matchmaker drops stale processes' rooms on its health checks.
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { Logger } from "../logger.ts";

/** ioredis options (the driver and presence bundle their own ioredis, so options, not a client). */
export function failFastOptions(url: string, connectionName: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    connectionName,
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  };
}

class TolerantRedisDriver extends RedisDriver {
  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    super(failFastOptions(url, "teezu-driver"));
    // Without a listener ioredis prints every reconnect failure to stderr.
    (this as unknown as { _client: { on(event: "error", fn: (err: Error) => void): void } })._client.on("error", (err) => log.debug({ err: err.message }, "driver connection error"));
  }

  override async remove(roomId: string): Promise<boolean> {
    try {
      return await super.remove(roomId);
    } catch (err) {
      this.log.warn({ err, roomId }, "room listing not removed from Redis (unreachable); disposing the room anyway");
      return false;
    }
  }
}

export function colyseusRedis(url: string, logger: Logger) {
  const log = logger.child({ mod: "colyseus-redis" });
  return { presence: new RedisPresence(failFastOptions(url, "teezu-presence")), driver: new TolerantRedisDriver(url, log) };
}
