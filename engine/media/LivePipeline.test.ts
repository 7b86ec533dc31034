// LivePipeline with stand-in stages (no RTMP, no ffmpeg): the checks before transcoding, the order
// of status and events, and the races (panic while going live, shutdown while live).
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { HlsOutput } from "../../media/hls/HlsOutput.ts";
import type { Ingest, IngestListener, PublishSession } from "../../media/ingest/types.ts";
import type { HlsJob } from "../../media/transcoder/ffmpegArgs.ts";
import type { Transcoder, TranscoderFactory, TranscoderHooks } from "../../media/transcoder/types.ts";
import type { EngineEvent } from "../events/EngineEvents.ts";
import type { StreamRow, StreamStatus } from "../streams/types.ts";
import { LivePipeline } from "./LivePipeline.ts";

const STREAM = "5f0c9a7e-1b2c-4d3e-8f90-123456789abc";
const KEY = "Jq3v9Zb0XcY2-_aBcDeFgHiJkLmNoPqR";
const session: PublishSession = { sessionId: "s1", streamKey: KEY, remoteAddress: "203.0.113.9" };
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

class FakeTranscoder implements Transcoder {
  running = true;
  how: "stop" | "kill" | undefined;
  constructor(
    readonly job: HlsJob,
    readonly hooks: TranscoderHooks,
  ) {}
  readonly pid = 4242;
  async stop() {
    this.how ??= "stop";
    this.running = false;
  }
  async kill() {
    this.how ??= "kill";
    this.running = false;
  }
}

function harness(o: { creatorVerified?: boolean; row?: Partial<StreamRow> | null; playlistAfterMs?: number } = {}) {
  const statuses: StreamStatus[] = [];
  const events: EngineEvent[] = [];
  let listener: ((e: EngineEvent) => void) | undefined;
  const transcoders: FakeTranscoder[] = [];
  const disconnected: string[] = [];
  const removed: string[] = [];
  const retired: string[] = [];
  let startedAt = 0;
  const ingest: Ingest = {
    kind: "embedded",
    start: async (_l: IngestListener) => undefined,
    stop: async () => undefined,
    pullUrl: (k) => `rtmp://127.0.0.1:1935/live/${k}`,
    disconnect: async (s) => void disconnected.push(s.sessionId),
  };
  const factory: TranscoderFactory = {
    start: (job, hooks) => {
      startedAt = Date.now();
      const t = new FakeTranscoder(job, hooks);
      transcoders.push(t);
      return t;
    },
  };
  const output = {
    prepare: (id: string) => `/data/hls/${id}`,
    hasPlaylist: () => startedAt > 0 && Date.now() - startedAt >= (o.playlistAfterMs ?? 0),
    retire: (id: string) => void retired.push(id),
    remove: (id: string) => void removed.push(id),
  } as unknown as HlsOutput;
  const row = o.row === null ? null : ({ id: STREAM, creatorId: "c1", status: "offline", ...o.row } as StreamRow);
  const pipeline = new LivePipeline({
    streams: { byStreamKey: async (k) => (k === KEY ? row : null), setStatus: async (_id, s) => void statuses.push(s) },
    isCreatorVerified: async () => o.creatorVerified ?? true,
    events: {
      publish: async (e) => {
        events.push(e);
        listener?.(e);
      },
      subscribe: async (l) => {
        listener = l;
        return async () => undefined;
      },
    },
    ingest,
    transcoders: factory,
    output,
    transcode: { abr: false, thumbnailEverySeconds: 5, atomicThumbnails: true, loudness: true },
    readViewers: async () => 3,
    writeLater: () => undefined,
    logger: pino({ level: "silent" }),
  });
  return { pipeline, statuses, events, transcoders, disconnected, removed, retired, emit: (e: EngineEvent) => listener?.(e) };
}

describe("LivePipeline", () => {
  it("refuses unknown keys and unverified creators", async () => {
    expect(await harness({ row: null }).pipeline.publishRequested(session)).toEqual({ accept: false, reason: "unknown stream key, or the stream has ended" });
    expect(await harness({ creatorVerified: false }).pipeline.publishRequested(session)).toEqual({ accept: false, reason: "the creator's identity is not verified" });
    expect(await harness().pipeline.publishRequested(session)).toEqual({ accept: true, streamId: STREAM });
  });

  it("announces live once the playlist exists, then offline when the publisher leaves", async () => {
    const h = harness({ playlistAfterMs: 150 });
    await h.pipeline.start();
    h.pipeline.publishStarted(session, STREAM);
    expect(h.transcoders[0]!.job).toMatchObject({ input: `rtmp://127.0.0.1:1935/live/${KEY}`, outDir: `/data/hls/${STREAM}`, loudness: true });
    await tick(50);
    expect(h.events.filter((e) => e.type === "stream.published")).toEqual([]);
    await tick(250);
    expect(h.statuses).toEqual(["live"]);
    expect(h.events).toContainEqual({ type: "stream.published", streamId: STREAM, hlsUrl: `/hls/${STREAM}/index.m3u8` });

    h.transcoders[0]!.hooks.onLine?.("lavfi.r128.M=-21.7");
    expect(await h.pipeline.publishRequested({ ...session, sessionId: "s2" })).toMatchObject({ accept: false, reason: "the stream already has a publisher" });

    h.pipeline.publishStopped(session);
    await tick(20);
    expect(h.transcoders[0]!.how).toBe("stop");
    expect(h.statuses).toEqual(["live", "offline"]);
    expect(h.events.at(-1)).toEqual({ type: "stream.unpublished", streamId: STREAM });
    expect(h.pipeline.publishing(STREAM)).toBeNull();
  });

  it("panic while going live: nothing is announced, ffmpeg is killed, the publisher cut, files removed, the stream refused", async () => {
    const h = harness({ playlistAfterMs: 300 });
    await h.pipeline.start();
    h.pipeline.publishStarted(session, STREAM);
    await tick(50);
    h.emit({ type: "stream.killed", streamId: STREAM, by: "mod-1" });
    await tick(400);
    expect(h.transcoders[0]!.how).toBe("kill");
    expect(h.disconnected).toEqual(["s1"]);
    expect(h.removed).toEqual([STREAM]);
    expect(h.statuses).toEqual([]);
    expect(h.events).toEqual([]);
    expect(await h.pipeline.publishRequested(session)).toEqual({ accept: false, reason: "the stream has been stopped" });
    h.pipeline.publishStarted({ ...session, sessionId: "s3" }, STREAM);
    expect(h.disconnected).toEqual(["s1", "s3"]);
    expect(h.transcoders).toHaveLength(1);
  });

  it("the creator ending the stream stops ffmpeg gracefully, cuts the publisher and keeps only the thumbnail", async () => {
    const h = harness();
    await h.pipeline.start();
    h.pipeline.publishStarted(session, STREAM);
    await tick(150);
    h.emit({ type: "stream.ended", streamId: STREAM });
    await tick(20);
    expect(h.transcoders[0]!.how).toBe("stop");
    expect(h.disconnected).toEqual(["s1"]);
    expect(h.retired).toEqual([STREAM]);
    expect(h.removed).toEqual([]);
    expect(h.statuses).toEqual(["live"]); // "ended" is stored by the streams service, never overwritten with "offline"
    expect(await h.pipeline.publishRequested(session)).toMatchObject({ accept: false });
  });

  it("engine shutdown takes live streams offline before the ingest stops", async () => {
    const h = harness();
    await h.pipeline.start();
    h.pipeline.publishStarted(session, STREAM);
    await tick(150);
    expect(h.statuses).toEqual(["live"]);
    await h.pipeline.stop();
    expect(h.statuses).toEqual(["live", "offline"]);
    expect(h.events.at(-1)).toEqual({ type: "stream.unpublished", streamId: STREAM });
    expect(await h.pipeline.publishRequested(session)).toMatchObject({ accept: false });
  });
});
