// Boots a real engine (all stores, HTTP, rooms) on a free port with a private DATA_DIR.
// Colyseus keeps matchmaker state per process, so one engine per test file (vitest forks).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnv, type Env, type RawEnv } from "../config/env.ts";
import { startEngine, type Engine, type EngineOptions } from "../engine/server.ts";
import { createLogger } from "../engine/logger.ts";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface TestEngine {
  engine: Engine;
  env: Env;
  url: string;
  dataDir: string;
  /** fetch against /api/v1 with JSON in and out. */
  api(path: string, init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function bootEngine(overrides: Partial<Record<keyof RawEnv, string>> = {}, dataDir?: string, options: EngineOptions = {}): Promise<TestEngine> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "teezu-engine-"));
  const port = await freePort();
  // Ingest is off unless a suite asks for it: test processes would otherwise race for RTMP port 1935.
  const env = loadEnv({ LOG_LEVEL: "silent", NODE_ENV: "test", BCRYPT_COST: "10", INGEST: "off", ...overrides, PORT: String(port), DATA_DIR: dir });
  const engine = await startEngine(env, createLogger(env), options);
  const url = `http://127.0.0.1:${port}`;
  return {
    engine,
    env,
    url,
    dataDir: dir,
    api: apiAt(url).api,
    async stop(options = {}) {
      await engine.stop();
      if (!options.keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON `fetch` against /api/v1 of an engine at `base` (in this process or a child one). */
export function apiAt(base: string): Pick<TestEngine, "api"> {
  return {
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined || init.rawBody !== undefined) headers["content-type"] ??= "application/json";
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      const res = await fetch(`${base}/api/v1${path}`, {
        method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? "POST" : "GET"),
        headers,
        body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* non-JSON bodies are returned as text */
      }
      return { status: res.status, body, headers: res.headers };
    },
  };
}

/** A birth date `years` years before today (UTC), shifted by `days`. */
export function birthDateYearsAgo(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}.${Date.now().toString(36)}.${(counter++).toString(36)}@example.com`;
}
