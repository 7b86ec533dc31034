// What of streams, reports, chat lines and media leaves the server, and to whom. The stream key
// appears only in views built for the stream's owner.
import { z } from "zod";
import type { MediaRow } from "../../storage/sql/index.ts";
import { STREAM_STATUSES, STREAM_VISIBILITIES, type ReportRow, type StreamRow } from "./types.ts";

export const hlsUrlOf = (streamId: string) => `/hls/${streamId}/index.m3u8`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const streamSchema = z.object({
  id: z.string(),
  creatorId: z.string(),
  creatorName: z.string().nullable(),
  title: z.string(),
  tags: z.array(z.string()),
  visibility: z.enum(STREAM_VISIBILITIES),
  explicit: z.boolean(),
  status: z.enum(STREAM_STATUSES),
  hlsUrl: z.string(),
  viewerCount: z.number().int(),
  peakViewers: z.number().int(),
  chatLines: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Owner only. */
  streamKey: z.string().optional(),
  /** Owner only: where OBS publishes (append the key as the stream name). */
  rtmpUrl: z.string().optional(),
});
export type StreamView = z.infer<typeof streamSchema>;

export const createdStreamSchema = streamSchema.extend({ streamKey: z.string(), rtmpUrl: z.string() });

export interface StreamViewExtras {
  viewerCount: number;
  creatorName: string | null;
  /** Set only when the caller owns the stream. */
  owner?: { rtmpUrl: string };
}

export function streamView(row: StreamRow, extras: StreamViewExtras): StreamView {
  return {
    id: row.id,
    creatorId: row.creatorId,
    creatorName: extras.creatorName,
    title: row.title,
    tags: row.tags,
    visibility: row.visibility,
    explicit: row.explicit,
    status: row.status,
    hlsUrl: hlsUrlOf(row.id),
    viewerCount: row.status === "live" ? extras.viewerCount : 0,
    peakViewers: row.peakViewers,
    chatLines: row.chatLines,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    ...(extras.owner ? { streamKey: row.streamKey, rtmpUrl: extras.owner.rtmpUrl } : {}),
  };
}

export const reportSchema = z.object({
  id: z.string(),
  streamId: z.string(),
  reporterId: z.string(),
  targetUserId: z.string().nullable(),
  messageId: z.string().nullable(),
  reason: z.string(),
  status: z.enum(["open", "resolved", "dismissed"]),
  createdAt: z.string(),
});

export function reportView(r: ReportRow): z.infer<typeof reportSchema> {
  return {
    id: r.id,
    streamId: r.streamId,
    reporterId: r.reporterId,
    targetUserId: r.targetUserId,
    messageId: r.messageId,
    reason: r.reason,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

export const chatLineSchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  text: z.string(),
  kind: z.enum(["chat", "tip", "system"]),
  ts: z.number(),
  seq: z.string(),
  deleted: z.boolean(),
});
export type ChatLineView = z.infer<typeof chatLineSchema>;

export const chatPageSchema = z.object({ items: z.array(chatLineSchema), nextBefore: z.string().nullable() });

export const mediaSchema = z.object({
  id: z.string(),
  userId: z.string(),
  mediaUrl: z.string(),
  caption: z.string(),
  visibility: z.enum(STREAM_VISIBILITIES),
  createdAt: z.string(),
});

export function mediaView(m: MediaRow): z.infer<typeof mediaSchema> {
  return { id: m.id, userId: m.userId, mediaUrl: m.mediaUrl, caption: m.caption, visibility: m.visibility, createdAt: m.createdAt.toISOString() };
}
