// Cross-origin policy: only origins in CORS_ORIGINS are granted CORS, with credentials; every
// other origin gets no Access-Control-Allow-* at all. Colyseus' default reflects any Origin with
// Access-Control-Allow-Credentials: true (matchmaker controller), which would make any future
// cookie readable cross-site, so the engine replaces that policy for the matchmaker, the uWS
// transport and the Express routes alike.
import { matchMaker } from "@colyseus/core";
import type { RequestHandler } from "express";

const SHARED = {
  "Access-Control-Allow-Headers": "Origin, X-Requested-With, Content-Type, Accept, Authorization",
  "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
  "Access-Control-Max-Age": "600",
};

/** Parses CORS_ORIGINS into normalized origins (scheme://host[:port], lower case). */
export function parseOrigins(list: string | undefined): Set<string> {
  const origins = new Set<string>();
  for (const part of (list ?? "").split(",")) {
    const trimmed = part.trim();
    if (trimmed) origins.add(new URL(trimmed).origin);
  }
  return origins;
}

/** The CORS headers for a request from `origin` (empty: not granted). */
export function corsHeadersFor(allowed: ReadonlySet<string>, origin: string | null | undefined): Record<string, string> {
  if (!origin || !allowed.has(origin.toLowerCase())) return {};
  return { ...SHARED, "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
}

/** Installs the policy into Colyseus (matchmaker routes and the uWS transport's HTTP bridge). */
export function installColyseusCors(allowed: ReadonlySet<string>): void {
  const defaults = matchMaker.controller.DEFAULT_CORS_HEADERS as Record<string, string>;
  for (const name of Object.keys(defaults)) delete defaults[name];
  matchMaker.controller.getCorsHeaders = (headers: Headers) => corsHeadersFor(allowed, headers.get("origin"));
}

/** The same policy for the Express routes (the ws transport does not add CORS to them) and their preflights. */
export function corsMiddleware(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const headers = corsHeadersFor(allowed, origin);
    // Whatever the transport added is replaced, so an unknown origin is never granted.
    for (const name of ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"]) if (!(name in headers)) res.removeHeader(name);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (req.method === "OPTIONS" && origin) {
      res.status(headers["Access-Control-Allow-Origin"] ? 204 : 403).end();
      return;
    }
    next();
  };
}
