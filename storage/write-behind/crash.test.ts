import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { WriteBehindQueue } from "./WriteBehindQueue.ts";
import type { WriteBehindStats } from "../ports.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wb-crash-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("after a crash (SIGKILL), a new process takes over the stale lock and applies every spilled item once, oldest first", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./crashChild.ts", import.meta.url)), dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stats = await new Promise<WriteBehindStats>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(JSON.parse(out) as WriteBehindStats);
    });
    child.once("exit", (code) => reject(new Error(`child exited early (${String(code)})`)));
  });
  child.kill("SIGKILL");
  await exited;
  expect(await readFile(join(dir, ".lock"), "utf8")).toBe(String(child.pid));
  expect(stats.spilled).toBeGreaterThanOrEqual(40);

  const queue = new WriteBehindQueue({ spillDir: dir });
  const got: unknown[] = [];
  queue.registerSink("chat", async (payloads) => {
    got.push(...payloads);
  });
  await queue.start();
  await queue.flush();
  await queue.close();
  // What was in memory died with the process (a crash is not a clean shutdown); what was spilled
  // survives, in order, once.
  expect(got).toEqual(Array.from({ length: stats.spilled }, (_, id) => ({ id })));
});
