// Finds the ffmpeg the transcoder runs: FFMPEG_PATH, else `ffmpeg` on PATH, else the static build
// inside @ffmpeg-installer/ffmpeg. Each candidate is actually run (`-version`), so a broken or
// non-executable file is skipped rather than discovered at the first publish.
import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import { execFile } from "node:child_process";

export type FfmpegSource = "FFMPEG_PATH" | "PATH" | "@ffmpeg-installer";

export interface FfmpegBinary {
  /** What to spawn: an absolute path, or "ffmpeg" resolved through PATH by the OS. */
  command: string;
  source: FfmpegSource;
  /** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.9-0+deb12u1 …". */
  version: string;
  /** image2's `-atomic_writing` (thumbnails replaced by rename, so a reader never sees half a JPEG). */
  atomicImageWrites: boolean;
  /**
   * ametadata's `direct` (print without buffering). Without it the loudness lines sit in a 32 KB
   * buffer for minutes, so live energy is only offered when this is true (the static 4.1 lacks it).
   */
  unbufferedMetadata: boolean;
}

export interface LocateResult {
  binary: FfmpegBinary | null;
  /** Why each candidate was skipped, for the "ingest is off" log line. */
  tried: string[];
}

const PROBE_TIMEOUT_MS = 5000;

function run(command: string, args: string[]): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", timeout: PROBE_TIMEOUT_MS }, (err, stdout) => resolve({ stdout: stdout ?? "", ...(err ? { error: err.message } : {}) }));
  });
}

async function probe(command: string): Promise<{ version: string } | { error: string }> {
  const r = await run(command, ["-hide_banner", "-version"]);
  if (r.error) return { error: r.error };
  const first = r.stdout.split("\n")[0]?.trim() ?? "";
  return first.startsWith("ffmpeg version") ? { version: first } : { error: "not an ffmpeg binary" };
}

/** Whether `ffmpeg -h <topic>` lists an option. */
async function hasOption(command: string, topic: string, option: string): Promise<boolean> {
  const r = await run(command, ["-hide_banner", "-h", topic]);
  return new RegExp(`^\\s+-?${option}\\s`, "m").test(r.stdout);
}

/**
 * The static build's package sets the executable bit in a postinstall script, which npm 11 does
 * not run unless allowed; so the bit is set here instead (owner only, like that script).
 */
function installerBinary(): string | { error: string } {
  let path: string;
  try {
    path = (createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  } catch (err) {
    return { error: `not installed (${err instanceof Error ? err.message : String(err)})` };
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    try {
      chmodSync(path, statSync(path).mode | 0o100);
    } catch (err) {
      return { error: `${path} is not executable and chmod failed (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  return path;
}

export async function locateFfmpeg(configured: string | undefined): Promise<LocateResult> {
  const tried: string[] = [];
  const candidates: Array<[FfmpegSource, () => string | { error: string }]> = [
    ...(configured ? [["FFMPEG_PATH", () => configured] as [FfmpegSource, () => string]] : []),
    ["PATH", () => "ffmpeg"],
    ["@ffmpeg-installer", installerBinary],
  ];
  for (const [source, resolve] of candidates) {
    const command = resolve();
    if (typeof command !== "string") {
      tried.push(`${source}: ${command.error}`);
      continue;
    }
    const result = await probe(command);
    if ("error" in result) {
      tried.push(`${source} (${command}): ${result.error}`);
      continue;
    }
    const [atomicImageWrites, unbufferedMetadata] = await Promise.all([hasOption(command, "muxer=image2", "atomic_writing"), hasOption(command, "filter=ametadata", "direct")]);
    return { binary: { command, source, version: result.version, atomicImageWrites, unbufferedMetadata }, tried };
  }
  return { binary: null, tried };
}
