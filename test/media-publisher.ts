// A test publisher: ffmpeg's lavfi test pattern and a tone (SFW), encoded like OBS and pushed over
// RTMP (STACK.md "test RTMP source"). With `silenceSeconds` the audio starts as digital silence
// (anullsrc) and switches to a loud sine, so the loudness → energy path can be watched rising.
import { spawn, type ChildProcess } from "node:child_process";

export interface Publisher {
  child: ChildProcess;
  /** Resolves when ffmpeg exits, with its exit code (non-zero when the server cut or refused it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  readonly running: boolean;
  stop(): Promise<void>;
}

export interface PublishOptions {
  seconds: number;
  silenceSeconds?: number;
  /** Extra video filter, e.g. the wall-clock stamp of the latency bench. */
  videoFilter?: string;
  rate?: number;
  /** Default 320x240. */
  size?: string;
}

export function publisherArgs(url: string, o: PublishOptions): string[] {
  const rate = o.rate ?? 15;
  const audio = o.silenceSeconds
    ? ["-filter_complex", `anullsrc=r=44100:cl=mono:d=${o.silenceSeconds}[s];sine=frequency=440:sample_rate=44100[t];[s][t]concat=n=2:v=0:a=1[a]`, "-map", "0:v", "-map", "[a]"]
    : ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"];
  return [
    "-hide_banner", "-nostdin", "-loglevel", "error",
    "-re", "-f", "lavfi", "-i", `testsrc=size=${o.size ?? "320x240"}:rate=${rate}`,
    ...audio,
    "-t", String(o.seconds),
    ...(o.videoFilter ? ["-filter:v", o.videoFilter] : []),
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", String(rate * 2), "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-f", "flv", url,
  ];
}

export function startPublisher(url: string, o: PublishOptions, ffmpeg = "ffmpeg"): Publisher {
  const child = spawn(ffmpeg, publisherArgs(url, o), { stdio: ["ignore", "ignore", "pipe"] });
  let running = true;
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once("exit", (code, signal) => {
      running = false;
      resolve({ code, signal, at: Date.now() });
    });
    child.once("error", () => {
      running = false;
      resolve({ code: null, signal: null, at: Date.now() });
    });
  });
  return {
    child,
    exited,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      child.kill("SIGKILL");
      await exited;
    },
    toString: () => stderr,
  } as Publisher;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
