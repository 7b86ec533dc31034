// The per-stream media endpoints: go-live info for the creator, playback URLs (signed when the
// stream is not public or is explicit), the thumbnail, and the stream's analytics (viewers,
// drop-off, energy). Visibility rules are the streams service's: a stream the caller may not see
// is a 404 here too.
import type { DocStore } from "../../storage/ports.ts";
import { findDropOffs, summarizeAudience, type DropOff } from "../../media/analysis/dropOff.ts";
import { samplesCollection, type StreamSample } from "../../media/analysis/streamSamples.ts";
import type { HlsOutput } from "../../media/hls/HlsOutput.ts";
import { needsSignature } from "../../media/hls/hlsHandler.ts";
import type { HlsSigner } from "../../media/hls/HlsSigner.ts";
import { THUMBNAIL } from "../../media/transcoder/ffmpegArgs.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { isOwner, isStaff, type Caller } from "../streams/access.ts";
import type { StreamService } from "../streams/StreamService.ts";
import type { StreamView } from "../streams/views.ts";
import type { LiveMedia } from "./LiveMedia.ts";

/** 12 h of 10 s samples. */
const MAX_SAMPLES = 4320;

export interface StreamMediaDeps {
  streams: Pick<StreamService, "read">;
  docs: Pick<DocStore, "query">;
  signer: HlsSigner;
  output: HlsOutput;
  live: Pick<LiveMedia, "status" | "publishing">;
}

export interface LiveInfo {
  streamId: string;
  status: StreamView["status"];
  rtmpUrl: string;
  streamKey: string;
  /** What OBS asks for: "Server" and "Stream Key". */
  obs: { server: string; streamKey: string };
  hlsUrl: string;
  ingest: { mode: string; enabled: boolean; reason: string | null };
  publishing: boolean;
  publishingSince: string | null;
}

export interface Playback {
  streamId: string;
  status: StreamView["status"];
  /** null once the stream has ended or been killed. */
  hlsUrl: string | null;
  thumbnailUrl: string | null;
  signed: boolean;
  expiresAt: string | null;
}

export interface StreamAnalytics {
  streamId: string;
  status: StreamView["status"];
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number;
  peakViewers: number;
  currentViewers: number;
  chatLines: number;
  viewers: { peak: number; peakAt: string | null; final: number; average: number; retention: number; timeline: Array<{ ts: string; viewers: number }> };
  dropOffs: Array<Omit<DropOff, "from" | "to"> & { from: string; to: string }>;
  energy: { average: number; peak: number; timeline: Array<{ ts: string; energy: number }> };
}

const iso = (ms: number) => new Date(ms).toISOString();

export class StreamMediaService {
  constructor(private readonly d: StreamMediaDeps) {}

  async liveInfo(caller: Caller, id: string): Promise<LiveInfo> {
    const view = await this.d.streams.read(caller, id);
    if (view.streamKey === undefined || view.rtmpUrl === undefined) throw forbidden("Only the stream's creator sees its ingest settings");
    const status = this.d.live.status();
    const publishing = this.d.live.publishing(id);
    return {
      streamId: id,
      status: view.status,
      rtmpUrl: view.rtmpUrl,
      streamKey: view.streamKey,
      obs: { server: view.rtmpUrl, streamKey: view.streamKey },
      hlsUrl: view.hlsUrl,
      ingest: { mode: status.mode, enabled: status.enabled, reason: status.reason },
      publishing: publishing !== null,
      publishingSince: publishing ? publishing.since.toISOString() : null,
    };
  }

  async playback(caller: Caller, id: string): Promise<Playback> {
    const view = await this.d.streams.read(caller, id);
    const closed = view.status === "ended" || view.status === "killed";
    const signed = needsSignature(view);
    const thumb = view.status !== "killed" && this.d.output.thumbnailTime(id) !== null ? this.url(view, thumbnailPath(id)) : null;
    if (closed) return { streamId: id, status: view.status, hlsUrl: null, thumbnailUrl: thumb?.url ?? null, signed, expiresAt: thumb?.expiresAt?.toISOString() ?? null };
    const hls = this.url(view, view.hlsUrl);
    return { streamId: id, status: view.status, hlsUrl: hls.url, thumbnailUrl: thumb?.url ?? null, signed, expiresAt: hls.expiresAt?.toISOString() ?? null };
  }

  async thumbnail(caller: Caller, id: string): Promise<{ thumbnailUrl: string; updatedAt: string }> {
    const view = await this.d.streams.read(caller, id);
    const at = view.status === "killed" ? null : this.d.output.thumbnailTime(id);
    if (!at) throw notFound("Thumbnail");
    return { thumbnailUrl: this.url(view, thumbnailPath(id)).url, updatedAt: at.toISOString() };
  }

  /** The creator of the stream and staff. */
  async analytics(caller: Caller, id: string): Promise<StreamAnalytics> {
    const view = await this.d.streams.read(caller, id);
    if (!isOwner(caller, view.creatorId) && !isStaff(caller)) throw forbidden("Only the stream's creator or staff can read its analytics");
    const found = await this.d.docs.query<StreamSample>(samplesCollection(id), { orderBy: { field: "ts", direction: "asc" }, limit: MAX_SAMPLES });
    const samples = found.map((s) => ({ ts: Number(s.data.ts), viewers: Number(s.data.viewers) || 0, energy: Number(s.data.energy) || 0 }));
    const audience = summarizeAudience(samples);
    const started = view.startedAt ? Date.parse(view.startedAt) : null;
    // Off air but not ended: the last sample (taken as the publisher left) marks the end; its
    // exact time, not its 10 s bucket, which can fall before startedAt on a short stream.
    const last = found[found.length - 1]?.data;
    const ended = view.endedAt ? Date.parse(view.endedAt) : view.status === "live" ? Date.now() : last ? Number(last.at ?? last.ts) : null;
    return {
      streamId: id,
      status: view.status,
      startedAt: view.startedAt,
      endedAt: view.endedAt,
      durationSeconds: started !== null && ended !== null ? Math.max(0, Math.round((ended - started) / 1000)) : 0,
      peakViewers: Math.max(view.peakViewers, audience.peak),
      currentViewers: view.viewerCount,
      chatLines: view.chatLines,
      viewers: {
        peak: audience.peak,
        peakAt: audience.peakAt === null ? null : iso(audience.peakAt),
        final: audience.final,
        average: audience.average,
        retention: audience.retention,
        timeline: samples.map((s) => ({ ts: iso(s.ts), viewers: s.viewers })),
      },
      dropOffs: findDropOffs(samples).map((d) => ({ ...d, from: iso(d.from), to: iso(d.to) })),
      energy: {
        average: samples.length ? Math.round(samples.reduce((a, s) => a + s.energy, 0) / samples.length) : 0,
        peak: samples.reduce((a, s) => Math.max(a, s.energy), 0),
        timeline: samples.map((s) => ({ ts: iso(s.ts), energy: s.energy })),
      },
    };
  }

  private url(view: StreamView, path: string): { url: string; expiresAt: Date | null } {
    return needsSignature(view) ? this.d.signer.signUrl(path, view.id) : { url: path, expiresAt: null };
  }
}

const thumbnailPath = (streamId: string) => `/hls/${streamId}/${THUMBNAIL}`;
