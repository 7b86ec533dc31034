// The media side of the engine as one service: picks the ingest (INGEST), finds ffmpeg, runs the
// LivePipeline, and says plainly when ingest is off and why. Started and stopped with the engine;
// a missing ffmpeg or a taken RTMP port leaves the rest of the engine running.
import type { Env } from "../../config/env.ts";
import type { Cache } from "../../storage/ports.ts";
import type { LaterDocWrite } from "../../storage/write-behind/sinks.ts";
import { HlsOutput } from "../../media/hls/HlsOutput.ts";
import { EmbeddedIngest } from "../../media/ingest/EmbeddedIngest.ts";
import { NginxIngest } from "../../media/ingest/NginxIngest.ts";
import type { Ingest } from "../../media/ingest/types.ts";
import { locateFfmpeg, type FfmpegBinary } from "../../media/transcoder/FfmpegLocator.ts";
import { FfmpegTranscoderFactory } from "../../media/transcoder/FfmpegTranscoderFactory.ts";
import type { TranscoderFactory } from "../../media/transcoder/types.ts";
import type { EngineEvents } from "../events/EngineEvents.ts";
import type { Logger } from "../logger.ts";
import { viewerCountKey } from "../streams/StreamService.ts";
import type { StreamRow, StreamStatus } from "../streams/types.ts";
import { LivePipeline, type PublishingState } from "./LivePipeline.ts";

/** Seconds between thumbnails. */
const THUMBNAIL_EVERY_SECONDS = 5;

export interface LiveMediaDeps {
  env: Pick<Env, "INGEST" | "RTMP_PORT" | "HLS_DIR" | "FFMPEG_PATH" | "HLS_ABR" | "INGEST_CONTROL_URL">;
  logger: Logger;
  streams: { byStreamKey(key: string): Promise<StreamRow | null>; setStatus(id: string, status: StreamStatus): Promise<void> };
  isCreatorVerified(userId: string): Promise<boolean>;
  events: Pick<EngineEvents, "publish" | "subscribe">;
  cache: Pick<Cache, "get">;
  writeLater(write: LaterDocWrite): void;
  /** Tests: a stand-in transcoder instead of ffmpeg. */
  transcoders?: TranscoderFactory;
  /** Tests: how ffmpeg is found (default: FFMPEG_PATH, PATH, @ffmpeg-installer). */
  locate?: typeof locateFfmpeg;
}

export interface LiveMediaStatus {
  mode: Env["INGEST"];
  /** True while publishers are accepted. */
  enabled: boolean;
  /** Why ingest is off, when it is. */
  reason: string | null;
  rtmpPort: number;
  abr: boolean;
  ffmpeg: Pick<FfmpegBinary, "command" | "source" | "version"> | null;
  publishers: PublishingState[];
}

export class LiveMedia {
  readonly output: HlsOutput;
  /** The nginx adapter when INGEST=nginx and ingest is on; its callbacks arrive over HTTP. */
  nginx: NginxIngest | undefined;
  private pipeline: LivePipeline | undefined;
  private ffmpeg: FfmpegBinary | null = null;
  private reason: string | null = "not started";
  private readonly log: Logger;

  constructor(private readonly d: LiveMediaDeps) {
    this.output = new HlsOutput(d.env.HLS_DIR);
    this.log = d.logger.child({ mod: "media" });
  }

  async start(): Promise<void> {
    const { env } = this.d;
    if (env.INGEST === "off") return this.off("INGEST=off", "info");
    let transcoders = this.d.transcoders;
    if (!transcoders) {
      const found = await (this.d.locate ?? locateFfmpeg)(env.FFMPEG_PATH);
      if (!found.binary) return this.off(`no usable ffmpeg (set FFMPEG_PATH or install ffmpeg; tried ${found.tried.join("; ")})`, "warn");
      this.ffmpeg = found.binary;
      if (env.FFMPEG_PATH && found.binary.source !== "FFMPEG_PATH") this.log.warn({ tried: found.tried }, `FFMPEG_PATH is unusable; using ${found.binary.source} instead`);
      if (!found.binary.unbufferedMetadata) this.log.warn({ ffmpeg: found.binary.version }, "this ffmpeg cannot print loudness unbuffered (ametadata direct): live energy is off");
      transcoders = new FfmpegTranscoderFactory(found.binary.command);
    }
    const ingest = this.createIngest();
    const pipeline = new LivePipeline({
      streams: this.d.streams,
      isCreatorVerified: this.d.isCreatorVerified,
      events: this.d.events,
      ingest,
      transcoders,
      output: this.output,
      transcode: {
        abr: env.HLS_ABR,
        thumbnailEverySeconds: THUMBNAIL_EVERY_SECONDS,
        atomicThumbnails: this.ffmpeg?.atomicImageWrites ?? false,
        loudness: this.ffmpeg?.unbufferedMetadata ?? true,
      },
      readViewers: async (id) => Number.parseInt((await this.d.cache.get(viewerCountKey(id))) ?? "0", 10) || 0,
      writeLater: this.d.writeLater,
      logger: this.log,
    });
    try {
      await pipeline.start();
    } catch (err) {
      await pipeline.stop().catch(() => undefined);
      return this.off(`the ${ingest.kind} ingest could not start: ${err instanceof Error ? err.message : String(err)}`, "error");
    }
    this.pipeline = pipeline;
    this.nginx = ingest instanceof NginxIngest ? ingest : undefined;
    this.reason = null;
    this.log.info(
      { ingest: ingest.kind, rtmp: `rtmp://0.0.0.0:${env.RTMP_PORT}/live/<streamKey>`, ffmpeg: this.ffmpeg ? `${this.ffmpeg.version} (${this.ffmpeg.source})` : "stand-in", abr: env.HLS_ABR },
      "media ingest ON",
    );
  }

  async stop(): Promise<void> {
    const pipeline = this.pipeline;
    this.pipeline = undefined;
    this.nginx = undefined;
    this.reason = "stopped";
    await pipeline?.stop();
  }

  status(): LiveMediaStatus {
    return {
      mode: this.d.env.INGEST,
      enabled: this.pipeline !== undefined,
      reason: this.reason,
      rtmpPort: this.d.env.RTMP_PORT,
      abr: this.d.env.HLS_ABR,
      ffmpeg: this.ffmpeg ? { command: this.ffmpeg.command, source: this.ffmpeg.source, version: this.ffmpeg.version } : null,
      publishers: this.pipeline?.allPublishing() ?? [],
    };
  }

  publishing(streamId: string): PublishingState | null {
    return this.pipeline?.publishing(streamId) ?? null;
  }

  private createIngest(): Ingest {
    const { env } = this.d;
    if (env.INGEST === "nginx") return new NginxIngest({ rtmpPort: env.RTMP_PORT, controlUrl: env.INGEST_CONTROL_URL!, logger: this.log });
    return new EmbeddedIngest({ port: env.RTMP_PORT, logger: this.log });
  }

  private off(reason: string, level: "info" | "warn" | "error") {
    this.reason = reason;
    this.log[level]({ reason }, "media ingest is OFF: streams cannot go live from this process (the rest of the engine runs)");
  }
}
