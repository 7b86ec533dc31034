import { crc32 } from "node:zlib";
import type { SpillRecord } from "./types.ts";

// Segment file: `seg-<seq, 12 digits>-<sink, URI-encoded>.jsonl`, one record per line:
//   {"c":"<crc32 of everything after the comma, 8 hex>","t":<enqueuedAt>,"p":<payload JSON>}
// Every line is plain JSON (readable with jq); the checksum sits at a fixed offset so a line
// can be verified without parsing the payload, and a torn or corrupted line is skipped alone.
export const SEGMENT_NAME = /^seg-(\d{12,})-(.+)\.jsonl$/;
const LINE_PREFIX = '{"c":"';
const BODY_START = 16; // LINE_PREFIX + 8 hex digits + `",`

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

export function encodeSpillLine(record: SpillRecord): string {
  const body = `"t":${record.t},"p":${record.j}}`;
  return `${LINE_PREFIX}${hex8(crc32(body))}",${body}\n`;
}

/** Returns null for a line that is torn, corrupted or not ours. */
export function decodeSpillLine(line: string): SpillRecord | null {
  if (line.length < BODY_START + 10 || !line.startsWith(LINE_PREFIX) || line.slice(14, BODY_START) !== '",') {
    return null;
  }
  const crcText = line.slice(LINE_PREFIX.length, 14);
  if (!/^[0-9a-f]{8}$/.test(crcText)) return null;
  const body = line.slice(BODY_START);
  if (crc32(body) !== Number.parseInt(crcText, 16)) return null;
  const payloadAt = body.indexOf(',"p":');
  if (!body.startsWith('"t":') || payloadAt < 0 || !body.endsWith("}")) return null;
  const t = Number(body.slice(4, payloadAt));
  if (!Number.isFinite(t)) return null;
  return { t, j: body.slice(payloadAt + 5, -1) };
}

export function segmentName(seq: number, sink: string): string {
  return `seg-${String(seq).padStart(12, "0")}-${encodeURIComponent(sink)}.jsonl`;
}
