// Serves /hls/<streamId>/… from DATA_DIR/hls: whitelisted paths only (hlsPath.ts), the right
// content types, CORS for players on other origins, no-cache playlists and briefly cacheable
// segments. Public, non-explicit streams are open; every other stream needs a valid signature
// (HlsSigner), and a killed or unknown stream serves nothing.
import { readFile } from "node:fs/promises";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { errorBody } from "../../engine/http/errors.ts";
import { parseHlsPath, resolveInside, type HlsFileRef } from "./hlsPath.ts";
import type { HlsSigner } from "./HlsSigner.ts";
import { appendQueryToPlaylist } from "./playlistRewrite.ts";

/** What serving needs to know about a stream. */
export interface HlsAccessFacts {
  visibility: "public" | "members" | "private";
  explicit: boolean;
  status: "offline" | "live" | "ended" | "killed";
}

export interface HlsHandlerDeps {
  root: string;
  signer: HlsSigner;
  /** null for an unknown stream. Called on every request: cache it (see TtlCache). */
  access(streamId: string): Promise<HlsAccessFacts | null>;
}

/** Segments never change once listed; a short max-age still lets a CDN or the browser absorb re-requests. */
const SEGMENT_MAX_AGE = 30;
const THUMBNAIL_MAX_AGE = 5;

export const needsSignature = (facts: Pick<HlsAccessFacts, "visibility" | "explicit">): boolean => facts.visibility !== "public" || facts.explicit;

function cacheControl(ref: HlsFileRef, signed: boolean): string {
  const scope = signed ? "private" : "public";
  switch (ref.kind) {
    case "playlist":
      return "no-cache";
    case "thumbnail":
      return `${scope}, max-age=${THUMBNAIL_MAX_AGE}`;
    default:
      return `${scope}, max-age=${SEGMENT_MAX_AGE}`;
  }
}

function fail(res: Response, status: number, code: string, message: string) {
  res.setHeader("Cache-Control", "no-store");
  res.status(status).json(errorBody(code, message));
}

export function createHlsHandler(deps: HlsHandlerDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Range");
    res.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (req.method === "OPTIONS") {
      res.setHeader("Access-Control-Max-Age", "86400");
      res.status(204).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD, OPTIONS");
      fail(res, 405, "method_not_allowed", "HLS is read-only");
      return;
    }
    // Unexpected failures (a store down while reading access facts) reach the engine's error handler.
    serve(deps, req, res).catch(next);
  };
}

async function serve(deps: HlsHandlerDeps, req: Request, res: Response) {
  const ref = parseHlsPath(req.path);
  const file = ref && resolveInside(deps.root, ref);
  if (!ref || !file) return fail(res, 404, "not_found", "No such HLS file");
  const facts = await deps.access(ref.streamId);
  if (!facts || facts.status === "killed") return fail(res, 404, "not_found", "No such HLS file");

  const signed = needsSignature(facts);
  if (signed && !deps.signer.verify(ref.streamId, req.query.exp, req.query.sig)) {
    return fail(res, 403, "signature_required", "This stream needs a signed URL: GET /api/v1/streams/:id/playback");
  }
  res.setHeader("Content-Type", ref.contentType);
  res.setHeader("Cache-Control", cacheControl(ref, signed));

  if (ref.kind === "playlist") {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return fail(res, 404, "not_found", "No such HLS file");
    }
    if (signed) text = appendQueryToPlaylist(text, new URLSearchParams({ exp: String(req.query.exp), sig: String(req.query.sig) }).toString());
    res.status(200).send(text); // express leaves the body out for HEAD
    return;
  }
  await new Promise<void>((resolve) => {
    res.sendFile(file, { cacheControl: false, lastModified: true, etag: true, dotfiles: "deny", headers: { "Content-Type": ref.contentType } }, (err) => {
      if (err && !res.headersSent) fail(res, 404, "not_found", "No such HLS file");
      resolve();
    });
  });
}
