// Joins the media stages for every live stream: ingest (publish requested/started/stopped) →
// key and creator check → ffmpeg HLS transcoder → loudness → energy events, viewer samples →
// status and room events. Rooms are reached only through EngineEvents; the ingest only through its
// Ingest interface; the transcoder through TranscoderFactory. Panic (`stream.killed`) and
// `stream.ended` cut the transcoder and the publisher.
import type { EngineEvent, EngineEvents } from "../events/EngineEvents.ts";
import type { Logger } from "../logger.ts";
import type { StreamRow, StreamStatus } from "../streams/types.ts";
import { hlsUrlOf } from "../streams/views.ts";
import type { LaterDocWrite } from "../../storage/write-behind/sinks.ts";
import { EnergyMeter } from "../../media/analysis/EnergyMeter.ts";
import { StreamSampler } from "../../media/analysis/StreamSampler.ts";
import type { HlsOutput } from "../../media/hls/HlsOutput.ts";
import { redactKey } from "../../media/ingest/streamKey.ts";
import type { Ingest, IngestListener, PublishSession, PublishVerdict } from "../../media/ingest/types.ts";
import type { Transcoder, TranscoderFactory } from "../../media/transcoder/types.ts";

export interface LivePipelineDeps {
  streams: { byStreamKey(key: string): Promise<StreamRow | null>; setStatus(id: string, status: StreamStatus): Promise<void> };
  isCreatorVerified(userId: string): Promise<boolean>;
  events: Pick<EngineEvents, "publish" | "subscribe">;
  ingest: Ingest;
  transcoders: TranscoderFactory;
  output: HlsOutput;
  transcode: { abr: boolean; thumbnailEverySeconds: number; atomicThumbnails: boolean; loudness: boolean };
  readViewers(streamId: string): Promise<number>;
  writeLater(write: LaterDocWrite): void;
  logger: Logger;
  sampleEveryMs?: number;
  /** How long going live waits for the first playlist before announcing anyway. */
  playlistWaitMs?: number;
}

interface LiveStream {
  streamId: string;
  session: PublishSession;
  since: Date;
  transcoder: Transcoder;
  meter: EnergyMeter;
  sampler: StreamSampler;
  /** Set once status "live" was stored and `stream.published` sent. */
  announced: boolean;
  /** Going live (waiting for the playlist, storing the status); going offline waits for it. */
  ready: Promise<void>;
  cancelled: boolean;
}

export interface PublishingState {
  streamId: string;
  since: Date;
  announced: boolean;
  transcoderPid: number | undefined;
}

/** Streams killed or ended here refuse publishes for this long, whatever the database says yet. */
const CLOSED_MEMORY_MS = 10 * 60_000;

export class LivePipeline implements IngestListener {
  private readonly live = new Map<string, LiveStream>();
  private readonly closed = new Map<string, number>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopping = false;

  constructor(private readonly d: LivePipelineDeps) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.d.events.subscribe((e) => this.onEngineEvent(e));
    await this.d.ingest.start(this);
  }

  /** Engine shutdown: every live stream goes offline, then the ingest stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    const entries = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(entries.map((e) => this.goOffline(e)));
    await this.unsubscribe?.().catch(() => undefined);
    await this.d.ingest.stop();
  }

  publishing(streamId: string): PublishingState | null {
    const e = this.live.get(streamId);
    return e ? { streamId, since: e.since, announced: e.announced, transcoderPid: e.transcoder.pid } : null;
  }

  allPublishing(): PublishingState[] {
    return [...this.live.keys()].map((id) => this.publishing(id)!);
  }

  // ------------------------------------------------------------------ IngestListener

  async publishRequested(session: PublishSession): Promise<PublishVerdict> {
    try {
      if (this.stopping) return { accept: false, reason: "the engine is shutting down" };
      const stream = await this.d.streams.byStreamKey(session.streamKey);
      if (!stream) return { accept: false, reason: "unknown stream key, or the stream has ended" };
      if (this.isClosed(stream.id)) return { accept: false, reason: "the stream has been stopped" };
      if (!(await this.d.isCreatorVerified(stream.creatorId))) return { accept: false, reason: "the creator's identity is not verified" };
      if (this.live.has(stream.id)) return { accept: false, reason: "the stream already has a publisher" };
      return { accept: true, streamId: stream.id };
    } catch (err) {
      this.d.logger.error({ err, key: redactKey(session.streamKey) }, "publish check failed");
      return { accept: false, reason: "publish check failed" };
    }
  }

  publishStarted(session: PublishSession, streamId: string): void {
    if (this.stopping || this.isClosed(streamId) || this.live.has(streamId)) {
      void this.d.ingest.disconnect(session);
      return;
    }
    try {
      this.startTranscoding(session, streamId);
    } catch (err) {
      // e.g. DATA_DIR/hls not writable: the publisher is cut rather than left streaming into nothing.
      this.d.logger.error({ err, streamId }, "could not start transcoding; publisher cut");
      void this.d.ingest.disconnect(session);
    }
  }

  private startTranscoding(session: PublishSession, streamId: string) {
    const log = this.d.logger.child({ streamId });
    const outDir = this.d.output.prepare(streamId);
    const meter = new EnergyMeter({ emit: (energy) => this.emit({ type: "stream.energy", streamId, energy }) });
    const transcoder = this.d.transcoders.start(
      { input: this.d.ingest.pullUrl(session.streamKey), outDir, ...this.d.transcode },
      {
        onLine: (line) => meter.line(line),
        onUnexpectedExit: (code, signal, stderr) => log.error({ code, signal, stderr }, "ffmpeg exited while the publisher is on air (no restart: HLS stops until the publisher reconnects)"),
      },
    );
    const sampler = new StreamSampler({
      streamId,
      readViewers: () => this.d.readViewers(streamId),
      energy: () => meter.current,
      write: (w) => this.d.writeLater(w),
      logger: log,
      ...(this.d.sampleEveryMs ? { everyMs: this.d.sampleEveryMs } : {}),
    });
    const entry: LiveStream = { streamId, session, since: new Date(), transcoder, meter, sampler, announced: false, ready: Promise.resolve(), cancelled: false };
    this.live.set(streamId, entry);
    sampler.start();
    log.info({ ingest: this.d.ingest.kind, pid: transcoder.pid }, "publisher on air; transcoding to HLS");
    entry.ready = this.goLive(entry).catch((err: unknown) => log.error({ err }, "going live failed"));
  }

  publishStopped(session: PublishSession): void {
    const entry = [...this.live.values()].find((e) => e.session.sessionId === session.sessionId);
    if (!entry) return;
    this.live.delete(entry.streamId);
    void this.goOffline(entry);
  }

  // ------------------------------------------------------------------ lifecycle

  /** Announces the stream once its first playlist exists, so "live" always means playable. */
  private async goLive(e: LiveStream) {
    const deadline = Date.now() + (this.d.playlistWaitMs ?? 15_000);
    while (!e.cancelled && e.transcoder.running && !this.d.output.hasPlaylist(e.streamId) && Date.now() < deadline) await sleep(100);
    if (e.cancelled || this.isClosed(e.streamId)) return;
    if (!e.transcoder.running) return;
    if (!this.d.output.hasPlaylist(e.streamId)) this.d.logger.warn({ streamId: e.streamId }, "no HLS playlist yet; announcing the stream live anyway");
    await this.d.streams.setStatus(e.streamId, "live");
    if (e.cancelled || this.isClosed(e.streamId)) return;
    e.announced = true;
    await this.emit({ type: "stream.published", streamId: e.streamId, hlsUrl: hlsUrlOf(e.streamId) });
  }

  private async goOffline(e: LiveStream) {
    e.cancelled = true;
    await Promise.allSettled([e.transcoder.stop(), e.sampler.stop(), e.ready]);
    this.d.logger.info({ streamId: e.streamId }, "publisher off air");
    if (!e.announced || this.isClosed(e.streamId)) return;
    try {
      await this.d.streams.setStatus(e.streamId, "offline");
    } catch (err) {
      this.d.logger.error({ err, streamId: e.streamId }, "could not store status offline");
    }
    await this.emit({ type: "stream.unpublished", streamId: e.streamId });
  }

  private onEngineEvent(event: EngineEvent) {
    if (event.type === "stream.killed") void this.cut(event.streamId, "killed");
    else if (event.type === "stream.ended") void this.cut(event.streamId, "ended");
  }

  /** Panic or end: the publisher is dropped and the transcoder stopped (killed outright on panic). */
  private async cut(streamId: string, why: "killed" | "ended") {
    const now = Date.now();
    this.closed.set(streamId, now);
    for (const [id, at] of this.closed) if (now - at > CLOSED_MEMORY_MS) this.closed.delete(id);
    const e = this.live.get(streamId);
    if (e) {
      this.live.delete(streamId);
      e.cancelled = true;
      await Promise.allSettled([why === "killed" ? e.transcoder.kill() : e.transcoder.stop(), this.d.ingest.disconnect(e.session), e.sampler.stop()]);
      this.d.logger.info({ streamId, why }, "publisher cut");
    }
    try {
      if (why === "killed") this.d.output.remove(streamId);
      else this.d.output.retire(streamId);
    } catch (err) {
      this.d.logger.error({ err, streamId }, "HLS clean-up failed");
    }
  }

  private isClosed(streamId: string): boolean {
    return this.closed.has(streamId);
  }

  private async emit(event: EngineEvent) {
    try {
      await this.d.events.publish(event);
    } catch (err) {
      this.d.logger.error({ err, event: event.type }, "engine event not published");
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
