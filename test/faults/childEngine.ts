// The engine as its own process (`node --import tsx engine/main.ts`, what `npm start` runs), so
// tests can SIGTERM it, SIGKILL it, restart it on the same data, and read its memory use.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../engine.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildEngine {
  child: ChildProcess;
  port: number;
  url: string;
  dataDir: string;
  output(): string;
  /** Resident set size in bytes (Linux /proc). */
  rss(): number;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

export async function spawnEngine(env: Record<string, string>, options: { dataDir?: string; port?: number } = {}): Promise<ChildEngine> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "teezu-child-"));
  const child = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "warn", INGEST: "off", RTMP_PORT: String(await freePort()), ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-200_000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`engine exited during start:\n${out.slice(-3000)}`);
    if (await fetch(`${url}/api/v1/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`engine not ready within 60 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    url,
    dataDir,
    output: () => out,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** JSON over HTTP to a child engine's /api/v1. */
export async function childApi(base: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // text
  }
  return { status: res.status, body };
}
