// Scale-out on Colyseus' own machinery (issue 9): two engine processes share Redis presence and
// matchmaking, MariaDB and a document store. Clients of either process meet in the one `stream`
// room of a stream; killing the process that hosts it lets them rejoin on the other with history intact.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase } from "./databases.ts";
import { birthDateYearsAgo, freePort } from "./engine.ts";
import { hasService, testEnv } from "./services.ts";
import { startFirestoreStandIn } from "./standins/firestore.ts";
import { startPublisher, waitFor, type Publisher } from "./media-publisher.ts";

const up = (await hasService("mariadb")) && (await hasService("redis"));
const ffmpeg = await hasService("ffmpeg");
const REDIS_DB = 9;

interface Proc {
  child: ChildProcess;
  port: number;
  url: string;
  dir: string;
  output: string;
}

describe.runIf(up)("two engine processes on Redis presence", () => {
  const dbName = `teezu_scale_${randomBytes(4).toString("hex")}`;
  const redisUrl = `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/${REDIS_DB}`;
  let firestore: Awaited<ReturnType<typeof startFirestoreStandIn>>;
  let shared: Record<string, string>;
  const procs: Proc[] = [];
  const rooms: Room[] = [];

  async function startProcess(extraEnv: Record<string, string> = {}, script = "engine/main.ts", ready?: (p: Proc) => boolean): Promise<Proc> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "teezu-scale-"));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { ...process.env, ...shared, PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: dir, RTMP_PORT: String(await freePort()), ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc: Proc = { child, port, url: `http://127.0.0.1:${port}`, dir, output: "" };
    child.stdout!.on("data", (d) => (proc.output += d));
    child.stderr!.on("data", (d) => (proc.output += d));
    if (ready) {
      procs.push(proc);
      await waitFor(`${script} ready:\n${proc.output}`, () => ready(proc) || child.exitCode !== null, 30_000);
      if (child.exitCode !== null) throw new Error(`${script} exited: ${proc.output}`);
      return proc;
    }
    for (let i = 0; i < 200; i++) {
      if (await fetch(`${proc.url}/api/v1/ready`).then((r) => r.ok, () => false)) break;
      if (child.exitCode !== null) throw new Error(`engine exited: ${proc.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    procs.push(proc);
    return proc;
  }

  async function api(proc: Proc, path: string, body?: unknown, token?: string) {
    const res = await fetch(`${proc.url}/api/v1${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  const st = (r: Room) => r.state as any;
  async function until(check: () => boolean, what: string, ms = 8000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    firestore = await startFirestoreStandIn();
    const db = new URL(testEnv.TEST_MYSQL_URL);
    db.pathname = `/${dbName}`;
    const flush = new Redis(redisUrl);
    await flush.flushdb(); // this database belongs to this suite alone
    await flush.quit();
    shared = {
      DATABASE_URL: db.toString(),
      REDIS_URL: redisUrl,
      CACHE_PREFIX: `s${randomBytes(4).toString("hex")}:`,
      FIRESTORE_EMULATOR_HOST: firestore.host,
      JWT_SECRET: randomBytes(32).toString("hex"),
      ADMIN_EMAIL: "scale-admin@example.com",
      ADMIN_PASSWORD: "ScaleAdmin123",
      WRITE_BEHIND_FLUSH_MS: "100",
      LOG_LEVEL: "warn",
    };
  });

  afterAll(async () => {
    await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        const exited = new Promise((r) => p.child.once("exit", r));
        p.child.kill("SIGTERM");
        await exited;
      }
      rmSync(p.dir, { recursive: true, force: true });
    }
    await firestore?.stop();
    await dropDatabase(testEnv.TEST_MYSQL_URL, dbName);
  });

  it("joins clients of both processes into one room; chat and panic cross; a killed host's clients rejoin with history", { timeout: 90_000 }, async () => {
    const a = await startProcess();
    const b = await startProcess();
    const admin = (await api(a, "/auth/login", { email: shared.ADMIN_EMAIL, password: shared.ADMIN_PASSWORD })).body.accessToken;
    const reg = async (name: string) => (await api(b, "/auth/register", { email: `${name}.${randomBytes(3).toString("hex")}@example.com`, password: "Sunshine2024", displayName: name, birthDate: birthDateYearsAgo(30) })).body;
    const creator = await reg("Cleo");
    await api(a, `/admin/users/${creator.user.id}/role`, { role: "creator" }, admin);
    await api(a, `/admin/users/${creator.user.id}/verify`, {}, admin);
    const alice = await reg("Alice");
    const bob = await reg("Bob");
    const stream = (await api(a, "/streams", { title: "Two-process jazz night" }, creator.accessToken)).body;

    const join = async (proc: Proc, token: string | null) => {
      const c = new Client(proc.url);
      if (token) c.auth.token = token;
      const room = await c.joinOrCreate("stream", { streamId: stream.id });
      room.reconnection.enabled = false;
      rooms.push(room);
      return room;
    };
    const onA = await join(a, alice.accessToken);
    const onB = await join(b, bob.accessToken);
    const guests = await Promise.all([join(a, null), join(b, null), join(b, null)]);
    const all = [onA, onB, ...guests];
    expect(new Set(all.map((r) => r.roomId)).size).toBe(1);
    await until(() => all.every((r) => st(r).viewerCount === 5), "viewerCount 5 on both processes");

    onA.send("chat", { text: "Hello from process A" });
    onB.send("chat", { text: "And hello from process B" });
    await until(() => all.every((r) => ["Hello from process A", "And hello from process B"].every((t) => st(r).chat.some((l: any) => l.text === t))), "chat on both sides");

    // Chat lines reach the shared document store within the write-behind interval (100 ms here).
    await new Promise((r) => setTimeout(r, 1000));
    // Which process hosts the room? Its PUBLIC_ADDRESS is in the connection URL.
    const wsUrl: string | undefined = (onA.connection as any).transport?.ws?.url;
    expect(wsUrl).toBeDefined();
    const host = procs.find((p) => p.port === Number(new URL(wsUrl!).port));
    expect(host).toBeDefined();
    const other = host === a ? b : a;
    expect(new Set(all.map((r) => new URL((r.connection as any).transport.ws.url).port))).toEqual(new Set([String(host!.port)]));

    // Panic pressed through one process reaches clients that came in through the other.
    const stream2 = (await api(a, "/streams", { title: "Second stage" }, creator.accessToken)).body;
    const joinTo = async (proc: Proc, token: string | null, streamId: string) => {
      const c = new Client(proc.url);
      if (token) c.auth.token = token;
      const room = await c.joinOrCreate("stream", { streamId });
      room.reconnection.enabled = false;
      rooms.push(room);
      return room;
    };
    const watchers = [await joinTo(a, null, stream2.id), await joinTo(b, null, stream2.id), await joinTo(b, bob.accessToken, stream2.id)];
    const panicker = await joinTo(a, creator.accessToken, stream2.id);
    const killed = watchers.map((r) => new Promise((resolve) => r.onMessage("killed", resolve)));
    panicker.send("panic", {});
    await Promise.all(killed);
    // The kill is recorded right after everyone is out (disconnecting comes first).
    let status2 = "";
    for (let i = 0; i < 50 && status2 !== "killed"; i++) {
      status2 = (await api(b, `/streams/${stream2.id}`, undefined, creator.accessToken)).body.status;
      if (status2 !== "killed") await new Promise((r) => setTimeout(r, 50));
    }
    expect(status2).toBe("killed");

    const closed = all.map((r) => new Promise<number>((resolve) => r.onLeave((code) => resolve(code))));
    host!.child.kill("SIGKILL");
    await Promise.all(closed);

    const history = await api(other, `/streams/${stream.id}/chat?limit=50`, undefined, alice.accessToken);
    expect(history.status).toBe(200);
    expect(history.body.items.map((l: any) => l.text)).toEqual(expect.arrayContaining(["Hello from process A", "And hello from process B"]));

    // Clients come back through the surviving process; matchmaking must not send them to the dead one.
    let again: Room | undefined;
    for (let i = 0; i < 40 && !again; i++) {
      again = await join(other, alice.accessToken).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 250));
    }
    expect(again).toBeDefined();
    const second = await join(other, bob.accessToken);
    await until(() => st(second).viewerCount === 2, "rejoined viewers counted");

  });

  // `npm run media`: ingest and transcoding in a process of their own. The creator publishes to it;
  // go-live reaches the room hosted by an engine process through Redis, the engine serves the HLS
  // the media process writes into the shared HLS_DIR, and panic in the room cuts the publisher.
  it.runIf(ffmpeg)("media ingest as its own process: go-live reaches the room, the engine serves its HLS, panic cuts the publisher", { timeout: 90_000 }, async () => {
    const hlsDir = mkdtempSync(join(tmpdir(), "teezu-shared-hls-"));
    const rtmpPort = await freePort();
    const media = await startProcess({ INGEST: "embedded", RTMP_PORT: String(rtmpPort), HLS_DIR: hlsDir }, "media/main.ts", (p) => p.output.includes("TeezU media: RTMP on"));
    const engine = await startProcess({ INGEST: "off", HLS_DIR: hlsDir, RTMP_PUBLIC_URL: `rtmp://127.0.0.1:${rtmpPort}/live` });
    const admin = (await api(engine, "/auth/login", { email: shared.ADMIN_EMAIL, password: shared.ADMIN_PASSWORD })).body.accessToken;
    const creator = (await api(engine, "/auth/register", { email: `dana.${randomBytes(3).toString("hex")}@example.com`, password: "Sunshine2024", displayName: "Dana", birthDate: birthDateYearsAgo(30) })).body;
    await api(engine, `/admin/users/${creator.user.id}/role`, { role: "creator" }, admin);
    await api(engine, `/admin/users/${creator.user.id}/verify`, {}, admin);
    const stream = (await api(engine, "/streams", { title: "Colour bars from the media process" }, creator.accessToken)).body;
    expect(stream.rtmpUrl).toBe(`rtmp://127.0.0.1:${rtmpPort}/live`);

    const c = new Client(engine.url);
    c.auth.token = creator.accessToken;
    const room = await c.joinOrCreate("stream", { streamId: stream.id });
    room.reconnection.enabled = false;
    rooms.push(room);
    let publisher: Publisher | undefined;
    try {
      publisher = startPublisher(`rtmp://127.0.0.1:${rtmpPort}/live/${stream.streamKey}`, { seconds: 60 });
      await waitFor(`room live:\n${media.output.slice(-2000)}`, () => st(room).status === "live" && st(room).hlsUrl !== "", 30_000);
      const playlist = await waitFor(
        "playlist served by the engine",
        async () => {
          const res = await fetch(`${engine.url}${st(room).hlsUrl}`);
          const text = await res.text();
          return res.status === 200 && text.includes("#EXTINF") ? text : undefined;
        },
        30_000,
      );
      expect(playlist).toContain("#EXTM3U");

      room.send("panic", {});
      const exit = await Promise.race([publisher.exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(exit, "publisher cut by the media process after panic in the engine's room").not.toBeNull();
      expect(exit!.code).not.toBe(0);
    } finally {
      await publisher?.stop();
      rmSync(hlsDir, { recursive: true, force: true });
    }
  });
});
