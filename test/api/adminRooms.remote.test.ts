// GET /admin/rooms and /admin/rooms/:roomId/state for rooms living in another engine process,
// reached through the Redis matchmaker and room IPC.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootEngine, type TestEngine } from "../engine.ts";
import { hasService, testEnv } from "../services.ts";

const ADMIN = { email: "remote-admin@example.com", password: "RootAdmin123" };
const up = await hasService("redis");

describe.runIf(up)("admin room inspection across processes (Redis)", () => {
  // A database of its own: matchmaking would place the host's rooms on any engine sharing it.
  const redisUrl = `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/6`;
  let t: TestEngine;
  let host: ChildProcess;
  let rooms: { plain: string; rich: string };
  let token: string;

  beforeAll(async () => {
    host = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./roomHost.child.ts", import.meta.url))], {
      env: { ...process.env, LOG_LEVEL: "silent", HOST_REDIS_URL: redisUrl, HOST_CACHE_PREFIX: `h${randomBytes(4).toString("hex")}:` },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = new Promise<string>((resolve, reject) => {
      createInterface({ input: host.stdout! }).once("line", resolve);
      host.once("exit", (code) => reject(new Error(`room host exited with ${code}`)));
    });
    // Booted only once the host's rooms exist, so matchmaking cannot place them here.
    rooms = JSON.parse(await firstLine);
    t = await bootEngine({ REDIS_URL: redisUrl, CACHE_PREFIX: `r${randomBytes(4).toString("hex")}:`, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    token = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
  }, 60_000);

  afterAll(async () => {
    if (host && host.exitCode === null) {
      const exited = new Promise((resolve) => host.once("exit", resolve));
      host.kill("SIGTERM");
      await exited;
    }
    await t?.stop();
  });

  it("lists the other process's rooms and reads their state over IPC", async () => {
    const list = await t.api("/admin/rooms", { token });
    const listed = (list.body as { roomId: string; processId: string }[]).filter((r) => r.roomId === rooms.plain || r.roomId === rooms.rich);
    expect(listed).toHaveLength(2);
    expect(listed[0]!.processId).not.toBe(matchMaker.processId);

    const plain = await t.api(`/admin/rooms/${rooms.plain}/state`, { token });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ name: "probe_plain", state: { count: 7, label: "probe" } });
    const rich = await t.api(`/admin/rooms/${rooms.rich}/state`, { token });
    expect(rich.body.state).toEqual({ count: 7, label: "probe", hiddenSeats: ["someone"] });
  });
});
