// Headers every response carries (the client's pages, the API, HLS, the monitor). Kept to what
// cannot break the SvelteKit app: its inline bootstrap script would need a hashed script-src (kit
// `csp` in the client's config), so the CSP here only forbids framing, plugins and base/form
// hijacking. `no-referrer` keeps signed HLS URLs and ids in paths out of other sites' logs.
import type { RequestHandler } from "express";

const HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  next();
};
