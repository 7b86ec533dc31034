// The transcoder stage's boundary: the pipeline starts one per live stream and stops or kills it;
// what the process prints on stdout (loudness lines) goes to a callback.
import type { HlsJob } from "./ffmpegArgs.ts";

export interface TranscoderHooks {
  /** One stdout line (without the newline). */
  onLine?(line: string): void;
  /** The process ended on its own (not through stop/kill): crashed, or its input ended. */
  onUnexpectedExit?(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): void;
}

export interface Transcoder {
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM (ffmpeg finishes the playlist with ENDLIST), then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL now (panic). */
  kill(): Promise<void>;
}

export interface TranscoderFactory {
  start(job: HlsJob, hooks: TranscoderHooks): Transcoder;
}
