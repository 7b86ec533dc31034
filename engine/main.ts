// `npm start`: the whole platform in one process on embedded defaults.
import { EnvError, loadEnv, type Env } from "../config/env.ts";
import { createLogger } from "./logger.ts";
import { startEngine } from "./server.ts";
import { clientBuildState, ensureClientBuilt } from "./tools/build-client.ts";
import { SEED_PASSWORD } from "./seed-data.ts";

let env: Env;
try {
  env = loadEnv();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(env);

// The web client is served from client/build. When it is missing or older than its sources (a
// fresh clone, a pull) it is built in the background after the engine is up, so the API answers
// at once; until the build lands the engine serves the fallback page.
function buildClientIfStale() {
  const clientState = clientBuildState();
  if (clientState.fresh) return;
  logger.info({ reason: clientState.reason }, "building the web client in the background (first start or sources changed; ~10–50 s)");
  ensureClientBuilt({ quiet: true }).then(
    () => logger.info("web client built: reload the page"),
    (err: unknown) => logger.error({ err }, "web client build failed: serving the fallback page (run `npm run build:client` to see why)"),
  );
}

try {
  const engine = await startEngine(env, logger);
  buildClientIfStale();
  const url = `http://localhost:${engine.port}`;
  console.log(
    [
      "",
      `  TeezU Live is running at ${url}`,
      `  API ${url}/api/v1  (OpenAPI: ${url}/api/v1/openapi.json)`,
      `  Log in: register an adult account at ${url}, or run \`npm run seed\` and use`,
      `          creator@demo.teezu.local / ${SEED_PASSWORD} (one user per role: viewer@, member@, member-plus@, … super-admin@demo.teezu.local)`,
      env.ADMIN_EMAIL ? `  Admin:  ${env.ADMIN_EMAIL} (from ADMIN_EMAIL)` : "  Admin:  set ADMIN_EMAIL and ADMIN_PASSWORD to bootstrap a super_admin",
      `  Data:   ${env.DATA_DIR}`,
      "",
    ].join("\n"),
  );
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    logger.info({ signal }, "signal received");
    engine.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
} catch (err) {
  logger.fatal({ err }, "engine failed to start");
  process.exit(1);
}
