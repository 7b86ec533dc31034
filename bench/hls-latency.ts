// HLS latency of the media pipeline (issue 5, STACK.md "HLS latency"): the embedded ingest and the
// real transcoder arguments, with capture time burned into the frames' timestamps.
//
// Method: the publisher stamps every frame with its capture time (`setpts=(RTCTIME-K)/(TB*1e6)`,
// K = start in µs); the transcoder keeps those timestamps (-copyts, mpegts_copyts=1); the playlist
// is polled every 10 ms and, for each newly listed segment, ffprobe reads the capture times of its
// first and last frames. Per segment:
//   pipeline   = listed − capture(last frame)    what ingest + transcode + mux add
//   worstFrame = listed − capture(first frame)   the oldest frame in it: pipeline + 1 segment
//   glassToGlass (estimate) = worstFrame + one segment for the player to fetch and play it
// The player's own hold-back is on top (hls.js liveSyncDurationCount × target duration).
//
//   node --import tsx bench/hls-latency.ts [seconds]
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { EmbeddedIngest } from "../media/ingest/EmbeddedIngest.ts";
import { buildHlsArgs, HLS_SEGMENT_SECONDS } from "../media/transcoder/ffmpegArgs.ts";
import { FfmpegProcess } from "../media/transcoder/FfmpegProcess.ts";
import type { Transcoder } from "../media/transcoder/types.ts";
import { freePort } from "../test/engine.ts";
import { startPublisher } from "../test/media-publisher.ts";

const run = promisify(execFile);

export interface Stat {
  median: number;
  p95: number;
  max: number;
}

export interface HlsLatencyResult {
  segments: number;
  /** Publish start → first playlist listed. */
  startupMs: number;
  pipelineMs: Stat;
  worstFrameMs: Stat;
  glassToGlassMs: Stat;
  /** With hls.js defaults (3 target durations held back) instead of one segment. */
  hlsJsDefaultMs: number;
  segmentSeconds: { median: number; max: number };
}

function stat(values: number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

/** Capture times (s since K) of a segment's first and last video frames; null once it was deleted. */
async function frameTimes(file: string): Promise<{ first: number; last: number } | null> {
  try {
    const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file]);
    const pts = stdout.split("\n").map(Number.parseFloat).filter(Number.isFinite);
    return pts.length ? { first: Math.min(...pts), last: Math.max(...pts) } : null;
  } catch {
    return null;
  }
}

export async function hlsLatencyBench(seconds = 15): Promise<HlsLatencyResult> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "teezu-latency-"));
  const key = "benchLatencyKey0123456789abcdefgh";
  const logger = pino({ level: "silent" });
  const ingest = new EmbeddedIngest({ port, logger });
  let transcoder: Transcoder | undefined;
  await ingest.start({
    publishRequested: async () => ({ accept: true, streamId: "bench" }),
    publishStarted: (session) => {
      transcoder = new FfmpegProcess({
        command: "ffmpeg",
        args: buildHlsArgs({ input: ingest.pullUrl(session.streamKey), outDir: dir, abr: false, thumbnailEverySeconds: 5, loudness: true, atomicThumbnails: true, copyTimestamps: true }),
      });
    },
    publishStopped: () => void transcoder?.stop(),
  });

  const kMicros = Date.now() * 1000;
  const started = Date.now();
  // 30 fps like a real scene; wall-clock timestamps in µs since K become the frames' pts.
  const publisher = startPublisher(`rtmp://127.0.0.1:${port}/live/${key}`, { seconds, rate: 30, size: "640x360", videoFilter: `setpts='(RTCTIME-${kMicros})/(TB*1000000)'` });
  const listed = new Map<string, number>();
  // Probed as soon as listed: the live window deletes segments after ~7 s.
  const probes = new Map<string, Promise<{ first: number; last: number } | null>>();
  let firstListed = 0;
  while (publisher.running) {
    let playlist = "";
    try {
      playlist = readFileSync(join(dir, "index.m3u8"), "utf8");
    } catch {
      /* not yet */
    }
    const now = Date.now();
    for (const line of playlist.split("\n")) {
      if (line.endsWith(".ts") && !listed.has(line)) {
        listed.set(line, now);
        probes.set(line, frameTimes(join(dir, line)));
        firstListed ||= now;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }

  const rows: Array<{ pipeline: number; worst: number; duration: number }> = [];
  const names = [...listed.keys()];
  // The first two segments carry the start-up burst; the last may be cut short by the publisher's end.
  for (const name of names.slice(2, -1)) {
    const times = await probes.get(name);
    if (!times) continue;
    const at = listed.get(name)!;
    const capture = (s: number) => kMicros / 1000 + s * 1000;
    rows.push({ pipeline: at - capture(times.last), worst: at - capture(times.first), duration: times.last - times.first + 1 / 30 });
  }
  await transcoder?.stop();
  await ingest.stop();
  rmSync(dir, { recursive: true, force: true });
  if (rows.length === 0) throw new Error("no segment could be measured");

  const pipeline = stat(rows.map((r) => r.pipeline));
  const worst = stat(rows.map((r) => r.worst));
  const segment = HLS_SEGMENT_SECONDS * 1000;
  const durations = rows.map((r) => r.duration).sort((a, b) => a - b);
  return {
    segments: rows.length,
    startupMs: firstListed - started,
    pipelineMs: pipeline,
    worstFrameMs: worst,
    glassToGlassMs: { median: worst.median + segment, p95: worst.p95 + segment, max: worst.max + segment },
    hlsJsDefaultMs: pipeline.median + 3 * segment,
    segmentSeconds: { median: durations[Math.floor(durations.length / 2)]!, max: durations[durations.length - 1]! },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await hlsLatencyBench(Number(process.argv[2] ?? 15));
  const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
  console.log(`HLS latency over ${r.segments} segments (1 s target, 640x360 at 30 fps, x264 veryfast/zerolatency, embedded ingest):`);
  console.log(`  start-up (publish → first playlist)          ${ms(r.startupMs)}`);
  console.log(`  capture → listed, last frame of a segment    median ${ms(r.pipelineMs.median)}  p95 ${ms(r.pipelineMs.p95)}`);
  console.log(`  capture → listed, first frame of a segment   median ${ms(r.worstFrameMs.median)}  p95 ${ms(r.worstFrameMs.p95)}`);
  console.log(`  glass-to-glass estimate (+ one segment)      median ${ms(r.glassToGlassMs.median)}  p95 ${ms(r.glassToGlassMs.p95)}  (goal ≤ 4 s; Owncast default ≈ 10 s)`);
  console.log(`  with hls.js defaults (3 segments held back)  ≈ ${ms(r.hlsJsDefaultMs)}`);
  console.log(`  segment length                               median ${r.segmentSeconds.median.toFixed(3)} s  max ${r.segmentSeconds.max.toFixed(3)} s`);
}
