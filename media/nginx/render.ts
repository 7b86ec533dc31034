// Prints the nginx-rtmp config for this engine's environment (PORT, RTMP_PORT,
// INGEST_SHARED_SECRET, INGEST_CONTROL_URL): node --import tsx media/nginx/render.ts [--prefix DIR]
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadEnv } from "../../config/env.ts";
import { DEBIAN_RTMP_MODULE, renderNginxConfig } from "./renderNginxConfig.ts";

const env = loadEnv();
if (!env.INGEST_SHARED_SECRET || !env.INGEST_CONTROL_URL) {
  console.error("set INGEST_SHARED_SECRET and INGEST_CONTROL_URL (as for INGEST=nginx) to render the nginx config");
  process.exit(1);
}
const prefixAt = process.argv.indexOf("--prefix");
const prefix = resolve(prefixAt > 0 ? process.argv[prefixAt + 1] ?? "." : ".");
const control = new URL(env.INGEST_CONTROL_URL);
process.stdout.write(
  renderNginxConfig({
    rtmpPort: env.RTMP_PORT,
    controlPort: Number(control.port || 80),
    engineUrl: `http://127.0.0.1:${env.PORT}`,
    secret: env.INGEST_SHARED_SECRET,
    prefix,
    rtmpModule: existsSync(DEBIAN_RTMP_MODULE) ? DEBIAN_RTMP_MODULE : null,
  }),
);
