// Streams & content endpoints of the media side: go-live info, playback (signed HLS), thumbnail,
// per-stream analytics, and the ingest's status for staff.
import { z } from "zod";
import type { Services } from "../../services.ts";
import { STREAM_STATUSES } from "../../streams/types.ts";
import { route } from "../route.ts";

const idParam = z.object({ id: z.uuid() });
const status = z.enum(STREAM_STATUSES);
const ingestState = z.object({ mode: z.enum(["embedded", "nginx", "off"]), enabled: z.boolean(), reason: z.string().nullable() });

const liveInfoSchema = z.object({
  streamId: z.string(),
  status,
  rtmpUrl: z.string(),
  streamKey: z.string(),
  obs: z.object({ server: z.string(), streamKey: z.string() }),
  hlsUrl: z.string(),
  ingest: ingestState,
  publishing: z.boolean(),
  publishingSince: z.string().nullable(),
});

const playbackSchema = z.object({
  streamId: z.string(),
  status,
  hlsUrl: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  signed: z.boolean(),
  expiresAt: z.string().nullable(),
});

const analyticsSchema = z.object({
  streamId: z.string(),
  status,
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number(),
  peakViewers: z.number(),
  currentViewers: z.number(),
  chatLines: z.number(),
  viewers: z.object({
    peak: z.number(),
    peakAt: z.string().nullable(),
    final: z.number(),
    average: z.number(),
    retention: z.number(),
    timeline: z.array(z.object({ ts: z.string(), viewers: z.number() })),
  }),
  dropOffs: z.array(z.object({ from: z.string(), to: z.string(), fromViewers: z.number(), toViewers: z.number(), lost: z.number() })),
  energy: z.object({ average: z.number(), peak: z.number(), timeline: z.array(z.object({ ts: z.string(), energy: z.number() })) }),
});

const ingestStatusSchema = ingestState.extend({
  rtmpPort: z.number(),
  abr: z.boolean(),
  ffmpeg: z.object({ command: z.string(), source: z.string(), version: z.string() }).nullable(),
  publishers: z.array(z.object({ streamId: z.string(), since: z.string(), announced: z.boolean(), transcoderPid: z.number().nullable() })),
});

export function streamMediaRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/streams/:id/live-info",
      tag: "streams",
      summary: "Go-live settings for the stream's creator: RTMP server URL and stream key for OBS, ingest state, whether a publisher is on air",
      auth: "required",
      params: idParam,
      response: { status: 200, schema: liveInfoSchema },
      errors: [403, 404],
      handler: async ({ user, params }) => ({ body: await s.streamMedia.liveInfo(user, params.id) }),
    }),
    route({
      method: "get",
      path: "/streams/:id/playback",
      tag: "streams",
      summary: "Where to play the stream: its HLS URL, signed and expiring (?exp=&sig=) unless the stream is public and not explicit",
      auth: "optional",
      params: idParam,
      response: { status: 200, schema: playbackSchema },
      errors: [404],
      handler: async ({ user, params }) => ({ body: await s.streamMedia.playback(user, params.id) }),
    }),
    route({
      method: "get",
      path: "/streams/:id/thumbnail",
      tag: "streams",
      summary: "The stream's latest thumbnail (refreshed every 5 s while live): URL, signed when needed, and when it was taken",
      auth: "optional",
      params: idParam,
      response: { status: 200, schema: z.object({ thumbnailUrl: z.string(), updatedAt: z.string() }) },
      errors: [404],
      handler: async ({ user, params }) => ({ body: await s.streamMedia.thumbnail(user, params.id) }),
    }),
    route({
      method: "get",
      path: "/streams/:id/analytics",
      tag: "streams",
      summary: "Stream analytics (its creator, mod+): duration, peak viewers, chat lines, viewer timeline with drop-offs and retention, energy timeline",
      auth: "required",
      params: idParam,
      response: { status: 200, schema: analyticsSchema },
      errors: [403, 404],
      handler: async ({ user, params }) => ({ body: await s.streamMedia.analytics(user, params.id) }),
    }),
    route({
      method: "get",
      path: "/ingest/status",
      tag: "streams",
      summary: "Media ingest state (mod+): mode, whether it runs and why not, ffmpeg in use, publishers on air",
      auth: "required",
      action: "admin.rooms.read",
      response: { status: 200, schema: ingestStatusSchema },
      handler: async () => {
        const st = s.liveMedia.status();
        return { body: { ...st, publishers: st.publishers.map((p) => ({ ...p, since: p.since.toISOString(), transcoderPid: p.transcoderPid ?? null })) } };
      },
    }),
  ];
}
