// Starts HLS transcoders with the located ffmpeg.
import { buildHlsArgs, type HlsJob } from "./ffmpegArgs.ts";
import { FfmpegProcess } from "./FfmpegProcess.ts";
import type { Transcoder, TranscoderFactory, TranscoderHooks } from "./types.ts";

export class FfmpegTranscoderFactory implements TranscoderFactory {
  constructor(private readonly command: string) {}

  start(job: HlsJob, hooks: TranscoderHooks): Transcoder {
    return new FfmpegProcess({ command: this.command, args: buildHlsArgs(job), hooks });
  }
}
