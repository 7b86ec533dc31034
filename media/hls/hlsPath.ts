// Which files under /hls/ may be served, as a whitelist: /<streamId>/<name>.<ext> or
// /<streamId>/v<N>/<name>.<ext> (ABR renditions), names of letters, digits, _ and - only. Anything
// else (dots, encoded characters, more levels, *.tmp files ffmpeg is still writing) matches nothing,
// so path traversal has no syntax to hide in; resolveInside() re-checks the resolved path anyway.
import { resolve, sep } from "node:path";
import { THUMBNAIL } from "../transcoder/ffmpegArgs.ts";
import { isStreamId } from "./HlsOutput.ts";

export type HlsFileKind = "playlist" | "segment" | "init" | "thumbnail";

export interface HlsFileRef {
  streamId: string;
  /** Path segments below the stream's directory. */
  parts: string[];
  kind: HlsFileKind;
  contentType: string;
}

const FILE = /^[A-Za-z0-9_-]{1,64}\.(m3u8|ts|m4s|mp4|jpg)$/;
const VARIANT = /^v\d{1,2}$/;

const TYPES: Record<string, { kind: HlsFileKind; contentType: string }> = {
  m3u8: { kind: "playlist", contentType: "application/vnd.apple.mpegurl" },
  ts: { kind: "segment", contentType: "video/mp2t" },
  m4s: { kind: "segment", contentType: "video/iso.segment" },
  mp4: { kind: "init", contentType: "video/mp4" },
  jpg: { kind: "thumbnail", contentType: "image/jpeg" },
};

/** `path` is below the /hls mount, e.g. "/<streamId>/index.m3u8". */
export function parseHlsPath(path: string): HlsFileRef | null {
  if (path.length > 200) return null;
  const [empty, streamId, ...parts] = path.split("/");
  if (empty !== "" || streamId === undefined || !isStreamId(streamId)) return null;
  if (parts.length === 2 && !VARIANT.test(parts[0]!)) return null;
  if (parts.length !== 1 && parts.length !== 2) return null;
  const name = parts[parts.length - 1]!;
  const m = FILE.exec(name);
  if (!m) return null;
  const type = TYPES[m[1]!]!;
  if (type.kind === "thumbnail" && (parts.length !== 1 || name !== THUMBNAIL)) return null;
  return { streamId, parts, ...type };
}

/** The file's absolute path, or null if it would leave root. */
export function resolveInside(root: string, ref: HlsFileRef): string | null {
  const base = resolve(root);
  const file = resolve(base, ref.streamId, ...ref.parts);
  return file.startsWith(base + sep) ? file : null;
}
