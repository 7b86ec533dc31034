// `npm run media`: RTMP ingest and HLS transcoding as their own process, for when media outgrows the
// engine's process. It reaches the rooms only through engine events on Redis pub/sub (go-live,
// energy, panic cuts), reads streams and creators from the shared SQL database, and writes HLS into
// HLS_DIR, which the engines serve from (a shared volume). Engines then run with INGEST=off.
import { EnvError, loadEnv, type Env } from "../config/env.ts";
import { createLogger } from "../engine/logger.ts";
import { createServices } from "../engine/services.ts";
import { closeStores, openStores } from "../storage/index.ts";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let env: Env;
try {
  env = loadEnv();
} catch (err) {
  if (err instanceof EnvError) fail(err.message);
  throw err;
}
if (!env.REDIS_URL) fail("npm run media: set REDIS_URL — ingest reaches the rooms of the engines through Redis pub/sub");
if (!env.DATABASE_URL) fail("npm run media: set DATABASE_URL — ingest checks stream keys in the SQL database the engines use");
if (env.INGEST !== "embedded") fail(`npm run media runs the embedded RTMP ingest (got INGEST=${env.INGEST}); with nginx-rtmp the engines take its callbacks`);

const logger = createLogger(env).child({ process: "media" });
const stores = await openStores(env, logger);
const services = createServices(env, logger, stores, () => true);
await services.liveMedia.start();
const status = services.liveMedia.status();
if (!status.enabled) {
  logger.error({ reason: status.reason }, "media ingest could not start");
  await closeStores(stores, logger);
  process.exit(1);
}
console.log(`  TeezU media: RTMP on :${status.rtmpPort}, HLS into ${env.HLS_DIR} (ffmpeg ${status.ffmpeg?.version ?? "?"})`);

let stopping = false;
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, "media shutting down");
  await services.liveMedia.stop().catch((err: unknown) => logger.error({ err }, "media shutdown failed"));
  await closeStores(stores, logger);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
