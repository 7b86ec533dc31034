import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canStartPrivate, startPrivateRedis, type PrivateServer } from "../../test/private-services.ts";
import { runOutageScenario } from "./outageScenario.ts";

// First arrival wins: HSETNX makes a re-applied item a no-op, and the list keeps arrival order.
const IDEMPOTENT_APPEND = `
local added = 0
for i = 1, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    added = added + 1
  end
end
return added`;

describe.runIf(canStartPrivate("redis"))("write-behind: a private Redis stopped under the queue", () => {
  let server: PrivateServer;
  let spillDir: string;
  beforeAll(async () => {
    // AOF so the data written before the restart is still there to compare against.
    server = await startPrivateRedis({ appendOnly: true });
    spillDir = await mkdtemp(join(tmpdir(), "wb-outage-redis-"));
  });
  afterAll(async () => {
    await server?.destroy();
    if (spillDir) await rm(spillDir, { recursive: true, force: true });
  });

  it("loses nothing: spilled items arrive, exactly once and in order, after Redis returns", async () => {
    let reapplied = 0;
    const figures = await runOutageScenario(
      server,
      {
        async connect() {
          const redis = new Redis(server.url, {
            // Fail at once while Redis is down instead of queueing or hanging.
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            connectTimeout: 500,
            retryStrategy: () => 100,
          });
          await new Promise<void>((resolve, reject) => {
            redis.once("ready", resolve);
            redis.once("error", reject);
          });
          redis.on("error", () => {}); // outages are expected here; the queue reports them
          return {
            apply: async (payloads) => {
              const args = (payloads as { id: number; body: string }[]).flatMap((p) => [String(p.id), p.body]);
              const added = (await redis.eval(IDEMPOTENT_APPEND, 2, "wb:events", "wb:arrivals", ...args)) as number;
              reapplied += payloads.length - added;
            },
            close: async () => {
              redis.disconnect();
            },
          };
        },
        async arrived() {
          const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
          try {
            expect(Number(await redis.hlen("wb:events"))).toBe(await redis.llen("wb:arrivals"));
            return (await redis.lrange("wb:arrivals", 0, -1)).map(Number);
          } finally {
            redis.disconnect();
          }
        },
      },
      spillDir,
    );
    console.info(`[write-behind outage: redis] ${JSON.stringify({ ...figures, reapplied })}`);
  });
});
