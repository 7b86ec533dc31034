// "Nothing acknowledged is lost": a store outage followed by a clean shutdown spills the queued
// writes to disk, and the next start applies them once the store is back. Also: SIGTERM on
// `npm start`'s process exits cleanly and the data is there after a restart.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "../config/env.ts";
import { createLogger } from "../engine/logger.ts";
import { closeStores, openStores } from "../storage/index.ts";
import { birthDateYearsAgo, bootEngine, freePort } from "./engine.ts";
import { canStartPrivate, startPrivateRedis, type PrivateServer } from "./private-services.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "teezu-shutdown-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.runIf(canStartPrivate("redis"))("write-behind through a Redis outage and a clean shutdown", () => {
  let redis: PrivateServer;
  afterAll(async () => redis?.destroy());

  it("spills what Redis refused at shutdown and applies it after restart, every item once", async () => {
    redis = await startPrivateRedis({ appendOnly: true }); // so Redis itself keeps what it had before the restart
    const dataDir = tempDir();
    const env = loadEnv({ DATA_DIR: dataDir, REDIS_URL: redis.url, LOG_LEVEL: "silent", WRITE_BEHIND_FLUSH_MS: "50" });
    const logger = createLogger(env);

    let stores = await openStores(env, logger);
    for (let i = 0; i < 50; i++) stores.later.cache({ op: "set", key: `viewers:${i}`, value: String(i) });
    await stores.queue.flush();
    expect(await stores.cache.get("viewers:49")).toBe("49");

    await redis.stop();
    for (let i = 50; i < 200; i++) stores.later.cache({ op: "set", key: `viewers:${i}`, value: String(i) });
    await closeStores(stores, logger); // clean shutdown during the outage
    expect(readdirSync(join(dataDir, "spill")).some((f) => f !== ".lock")).toBe(true);

    await redis.start();
    stores = await openStores(env, logger); // replays the spill log
    await stores.queue.flush();
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => stores.cache.get(`viewers:${i}`)));
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(stores.queue.stats()).toMatchObject({ queued: 0, spilled: 0 });
    await closeStores(stores, logger);
  });
});

describe("SIGTERM on the engine process", () => {
  it("exits 0 after shutting down, and what it acknowledged is there after a restart", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "info", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const base = `http://127.0.0.1:${port}/api/v1`;
    for (let i = 0; i < 150; i++) {
      const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const reg = await fetch(`${base}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "durable@example.com", password: "Sunshine2024", displayName: "Dee", birthDate: birthDateYearsAgo(40) }),
    });
    expect(reg.status).toBe(201);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("shutdown complete");

    const again = await bootEngine({}, dataDir);
    try {
      const login = await again.api("/auth/login", { body: { email: "durable@example.com", password: "Sunshine2024" } });
      expect(login.status).toBe(200);
    } finally {
      await again.stop();
    }
  });
});
