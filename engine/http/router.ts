// Mounts route definitions on the express app Colyseus gives us (uWS or ws transport alike):
// JSON parsing, zod validation, auth, RBAC, CONTRACT error shape. Bad input is a 4xx, never a 500.
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { can } from "../../config/roles.ts";
import type { Logger } from "../logger.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import { InvalidDocError } from "../../storage/docs/InvalidDocError.ts";
import { STORE_UNAVAILABLE_MESSAGE, isStoreUnavailable } from "../runtime/storeUnavailable.ts";
import { badTextPath } from "../safety/wellFormedText.ts";
import { InvalidCursorError } from "../../storage/sql/errors.ts";
import { HttpError, errorBody, forbidden, invalidRequest, unauthorized } from "./errors.ts";
import type { RouteDef } from "./route.ts";

export const API_PREFIX = "/api/v1";
const MAX_BODY_BYTES = 1024 * 1024;

export interface RouterDeps {
  logger: Logger;
  /** Resolves the bearer token to a user; undefined when the token is invalid, expired or its user is gone. */
  authenticate(token: string): Promise<AuthUser | undefined>;
}

function zodDetails(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first && first.path.length > 0 ? `${where}.${first.path.join(".")}` : where;
    throw invalidRequest(`${path}: ${first?.message ?? "invalid"}`, zodDetails(result.error));
  }
  return result.data;
}

function rawBodyOf(req: Request): string {
  const body: unknown = req.body;
  if (typeof body === "string") return body;
  if (Buffer.isBuffer(body)) return body.toString("utf8");
  return "";
}

function parseJsonBody(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidRequest("Body is not valid JSON");
  }
}

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  if (lower.startsWith("::ffff:")) return lower.slice(7);
  // uWS spells IPv4-mapped addresses out in full: 0000:…:ffff:7f00:0001.
  const mapped = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return lower;
}

const isLoopback = (ip: string) => ip === "::1" || ip.startsWith("127.") || /^(?:0{1,4}:){7}0{0,3}1$/.test(ip);

/**
 * The client's address. X-Forwarded-For is believed only from a loopback peer (a reverse proxy on
 * this host); its rightmost entry is the address that proxy saw. uWS's express layer ignores
 * express' "trust proxy", so this is done here for both transports.
 */
export function clientIp(req: Request): string {
  const peer = normalizeIp(req.ip ?? req.socket?.remoteAddress ?? "unknown");
  const forwarded = req.headers["x-forwarded-for"];
  if (isLoopback(peer) && typeof forwarded === "string") {
    const hops = forwarded.split(",").map((h) => h.trim()).filter(Boolean);
    const last = hops[hops.length - 1];
    if (last && last.length <= 64) return normalizeIp(last);
  }
  return peer;
}

export function sendError(res: Response, err: HttpError) {
  if (err.status === 429 && typeof err.details === "object" && err.details !== null && "retryAfterSeconds" in err.details) {
    res.setHeader("Retry-After", String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
  }
  res.status(err.status).json(errorBody(err.code, err.message, err.status === 400 ? err.details : undefined));
}

export function mountRoutes(app: express.Application, routes: readonly RouteDef[], deps: RouterDeps) {
  // Every body arrives as text so webhooks can check signatures over the exact bytes.
  app.use(API_PREFIX, express.text({ type: () => true, limit: MAX_BODY_BYTES }));
  app.use(API_PREFIX, (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });

  for (const def of routes) {
    app[def.method](API_PREFIX + def.path, async (req: Request, res: Response) => {
      try {
        const rawBody = rawBodyOf(req);
        let user: AuthUser | undefined;
        if (def.auth !== "none") {
          const token = bearer(req);
          if (token) user = await deps.authenticate(token);
          if (token && !user && def.auth === "required") throw unauthorized("Invalid or expired token");
          if (!user && def.auth === "required") throw unauthorized();
        }
        if (def.action && !can(user?.role ?? "viewer", def.action, { actorId: user?.id })) {
          throw user ? forbidden() : unauthorized();
        }
        const bodyValue = def.body ? parseJsonBody(rawBody) : undefined;
        const queryValue = { ...(req.query as Record<string, unknown>) };
        const paramsValue = { ...req.params };
        for (const [where, value] of [["body", bodyValue], ["query", queryValue], ["params", paramsValue]] as const) {
          const bad = badTextPath(value);
          if (bad) throw invalidRequest(`${where}.${bad}: must be text without NUL characters or lone surrogates`);
        }
        const body = parse(def.body, bodyValue, "body");
        const query = parse(def.query, queryValue, "query");
        const params = parse(def.params, paramsValue, "params");
        const result = await def.handler({ body, query, params, user, ip: clientIp(req), headers: req.headers, rawBody } as never);
        for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
        const status = result.status ?? def.response?.status ?? 200;
        if (result.body === undefined) res.status(status).end();
        else res.status(status).json(result.body);
      } catch (err) {
        if (err instanceof HttpError) return sendError(res, err);
        // Stores refuse what the client sent (a forged cursor, a lone surrogate): that is a 400, not a
        // crash, for every route, including ones that forget to map it (found by test/fuzz).
        if (err instanceof InvalidCursorError) return sendError(res, invalidRequest("query: not a cursor this list issued"));
        if (err instanceof InvalidDocError) return sendError(res, invalidRequest(err.message));
        if (isStoreUnavailable(err)) {
          deps.logger.warn({ err, path: def.path, method: def.method }, "route refused: a store is unavailable");
          return sendError(res, new HttpError(503, "store_unavailable", STORE_UNAVAILABLE_MESSAGE));
        }
        deps.logger.error({ err, path: def.path, method: def.method }, "route failed");
        sendError(res, new HttpError(500, "internal", "Internal error"));
      }
    });
  }

  app.all(`${API_PREFIX}/{*rest}`, (req, res) => {
    sendError(res, new HttpError(404, "not_found", `No route ${req.method} ${req.path}`));
  });

  // Body-parser failures (too large, bad encoding) land here, before any route runs.
  app.use(API_PREFIX, (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === "object" && err !== null && "status" in err ? Number((err as { status: unknown }).status) : 500;
    if (status === 413) return sendError(res, new HttpError(413, "payload_too_large", "Body exceeds 1 MiB"));
    if (status >= 400 && status < 500) return sendError(res, invalidRequest("Malformed request body"));
    deps.logger.error({ err }, "request failed");
    sendError(res, new HttpError(500, "internal", "Internal error"));
  });
}
