// Builds and runs the engine: one Colyseus server (uWS or ws transport) carrying the HTTP API,
// the WebSocket rooms and the built client on one port. Shutdown order keeps every acknowledged write.
import "./runtime/webSocketGlobal.ts";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CloseCode, defineServer, type RegisteredHandler, type Room, type Server, type Transport } from "@colyseus/core";
import { uWebSocketsTransport } from "@colyseus/uwebsockets-transport";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import type { Env } from "../config/env.ts";
import { openStores, closeStores } from "../storage/index.ts";
import { bootstrapAdmin } from "./auth/bootstrapAdmin.ts";
import { createLogger, type Logger } from "./logger.ts";
import { guardAbortedResponses } from "./runtime/uwsAbortedResponse.ts";
import { colyseusRedis } from "./runtime/colyseusRedis.ts";
import { guardJoinOptions } from "./runtime/joinOptionsGuard.ts";
import { API_PREFIX, mountRoutes, sendError } from "./http/router.ts";
import { HttpError } from "./http/errors.ts";
import { securityHeaders } from "./http/securityHeaders.ts";
import { corsMiddleware, installColyseusCors, parseOrigins } from "./http/cors.ts";
import { mountMonitor } from "./http/routes/adminRooms.ts";
import { allRoutes } from "./http/routes/index.ts";
import { mountHls } from "./media/mountHls.ts";
import { createServices, type Services } from "./services.ts";
import { defineRooms } from "../rooms/index.ts";

/** Largest WebSocket frame a client may send; bigger frames close the connection. */
const MAX_WS_PAYLOAD = 64 * 1024;
const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface Engine {
  services: Services;
  server: Server;
  port: number;
  /** Stops joins, disposes rooms, flushes the write-behind queue, closes stores. Idempotent. */
  stop(): Promise<void>;
}

function createTransport(env: Env): Transport {
  return env.TRANSPORT === "ws"
    ? new WebSocketTransport({ maxPayload: MAX_WS_PAYLOAD })
    : new uWebSocketsTransport({ maxPayloadLength: MAX_WS_PAYLOAD, idleTimeout: 60 });
}

function mountClient(app: express.Application) {
  const built = join(repoRoot, "client", "build");
  const fallback = join(repoRoot, "client", "fallback");
  // Decided per request: on a first start the client is built while the engine already serves.
  const isBuilt = () => existsSync(join(built, "index.html"));
  const serveBuilt = express.static(built, { index: "index.html" });
  const serveFallback = express.static(fallback, { index: "index.html" });
  app.use("/_app", express.static(join(built, "_app"), { immutable: true, maxAge: "1y", fallthrough: false }));
  app.use((req, res, next) => (isBuilt() ? serveBuilt : serveFallback)(req, res, next));
  app.get("/{*splat}", (req, res, next) => {
    if (req.path.startsWith(API_PREFIX) || req.path.startsWith("/hls/") || req.path.startsWith("/matchmake")) return next();
    res.sendFile(join(isBuilt() ? built : fallback, "index.html"));
  });
}

export interface EngineOptions {
  /** Room types in addition to the engine's own (tests use this for probe rooms). */
  extraRooms?: (s: Services) => Record<string, RegisteredHandler>;
}

export async function startEngine(env: Env, logger: Logger = createLogger(env), options: EngineOptions = {}): Promise<Engine> {
  let ready = false;
  const stores = await openStores(env, logger);
  const services = createServices(env, logger, stores, () => ready);
  await bootstrapAdmin(services);
  const routes = allRoutes(services);
  const corsOrigins = parseOrigins(env.CORS_ORIGINS);
  installColyseusCors(corsOrigins);
  guardJoinOptions();

  const handlers = { ...defineRooms(services), ...options.extraRooms?.(services) };
  // This process's rooms, so shutdown can dispose them even when presence (Redis) is unreachable.
  const localRooms = new Set<Room>();
  for (const handler of Object.values(handlers)) {
    handler.on("create", (room: Room) => localRooms.add(room));
    handler.on("dispose", (room: Room) => localRooms.delete(room));
  }

  const server = defineServer({
    transport: createTransport(env),
    rooms: handlers,
    gracefullyShutdown: false,
    greet: false,
    logger: logger.child({ mod: "colyseus" }),
    ...(env.PUBLIC_ADDRESS ? { publicAddress: env.PUBLIC_ADDRESS } : {}),
    // With Redis, engines share presence and matchmaking: a client of any process reaches any room.
    ...(env.REDIS_URL ? colyseusRedis(env.REDIS_URL, logger) : {}),
    express: (app) => {
      guardAbortedResponses(app);
      app.disable("x-powered-by");
      app.use(securityHeaders);
      app.use(corsMiddleware(corsOrigins));
      mountRoutes(app, routes, { logger, authenticate: (t) => services.auth.authenticate(t) });
      mountMonitor(app, services);
      mountHls(app, { root: services.liveMedia.output.root, signer: services.hlsSigner, streams: services.streams });
      mountClient(app);
      app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        // express.static and body parsers report a missing file or a bad request with a 4xx
        // `status` (e.g. /_app/missing.js): that is the answer, not a crash (found by test/security).
        const status = typeof err === "object" && err !== null && "status" in err ? Number((err as { status: unknown }).status) : 500;
        if (status >= 400 && status < 500) {
          if (!res.headersSent) sendError(res, new HttpError(status, status === 404 ? "not_found" : "invalid_request", status === 404 ? "Not found" : "Bad request"));
          return;
        }
        logger.error({ err }, "unhandled request error");
        if (!res.headersSent) sendError(res, new HttpError(500, "internal", "Internal error"));
      });
    },
  });

  await server.listen(env.PORT);
  // RTMP on RTMP_PORT in this process; never throws: without ffmpeg or the port, ingest is off and says why.
  await services.liveMedia.start();
  ready = true;
  logger.info({ port: env.PORT, transport: env.TRANSPORT, stores: storeKinds(services) }, "engine ready");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      // Publishers and transcoders first, while the stores still take the "offline" status.
      await services.liveMedia.stop().catch((err: unknown) => logger.error({ err }, "media shutdown failed"));
      logger.info({ rooms: localRooms.size }, "shutting down: closing rooms");
      // Colyseus' own shutdown first marks the process in presence and gives up on any Redis error
      // before disposing a room; disposing them here first runs every onDispose regardless.
      await disposeAll(localRooms, logger);
      try {
        await server.gracefullyShutdown(false);
      } catch (err) {
        logger.error({ err }, "room shutdown failed");
      }
      await closeStores(stores, logger);
      logger.info("shutdown complete");
    })());

  return { services, server, port: env.PORT, stop };
}

const ROOM_DISPOSE_TIMEOUT_MS = 15_000;

async function disposeAll(rooms: ReadonlySet<Room>, logger: Logger): Promise<void> {
  const disposals = [...rooms].map((room) =>
    Promise.resolve()
      .then(() => room.disconnect(CloseCode.SERVER_SHUTDOWN))
      .catch((err: unknown) => logger.error({ err, roomId: room.roomId }, "room dispose failed")),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ROOM_DISPOSE_TIMEOUT_MS)));
  await Promise.race([Promise.all(disposals), timeout]);
  clearTimeout(timer);
}

function storeKinds(s: Services) {
  const { sql, docs, cache, vectors } = s.stores;
  return { sql: sql.kind, docs: docs.kind, cache: cache.kind, vectors: vectors.kind };
}
