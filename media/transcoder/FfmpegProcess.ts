// Runs one ffmpeg: spawn, stdout split into lines, the last stderr lines kept for the log when it
// dies, SIGTERM with a SIGKILL fallback on stop, SIGKILL at once on kill. No restart policy: a
// stream whose ffmpeg died stays without HLS until its publisher reconnects.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Transcoder, TranscoderHooks } from "./types.ts";

const STDERR_LINES_KEPT = 20;
const SECOND_SIGNAL_MS = 200;

export interface FfmpegProcessOptions {
  command: string;
  args: string[];
  hooks?: TranscoderHooks;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export class FfmpegProcess implements Transcoder {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly stderrTail: string[] = [];
  private stopping = false;
  private alive = true;

  constructor(private readonly options: FfmpegProcessOptions) {
    this.child = spawn(options.command, options.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise<void>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (!this.alive) return;
        this.alive = false;
        if (!this.stopping) options.hooks?.onUnexpectedExit?.(code, signal, this.stderrTail.join("\n"));
        resolve();
      };
      this.child.once("exit", done);
      // spawn failures (ENOENT, EACCES) arrive as "error" without "exit".
      this.child.once("error", (err) => {
        this.stderrTail.push(err.message);
        done(null, null);
      });
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => options.hooks?.onLine?.(line));
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.alive;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.stopping = true;
    // ffmpeg's first signal only ends its main loop; a read blocked on a silent input (an RTMP
    // stream whose publisher left) is interrupted by the second one. Output is still finalised.
    this.child.kill("SIGTERM");
    const again = setTimeout(() => this.child.kill("SIGTERM"), SECOND_SIGNAL_MS);
    const kill = setTimeout(() => this.child.kill("SIGKILL"), this.options.stopGraceMs ?? 2000);
    await this.exited;
    clearTimeout(again);
    clearTimeout(kill);
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    this.stopping = true;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}
