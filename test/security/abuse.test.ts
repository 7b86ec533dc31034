// Protocol abuse against a running engine: clients hanging up mid-request, oversized frames,
// message floods, connection floods from one address, a client that never reads, reconnect
// storms. Each asserts the abuser is contained and everyone else keeps being served.
import { connect } from "node:net";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { bootEngine, type TestEngine } from "../engine.ts";
import { adminEnv, apiAt, loginAdmin, makeActor, type Actor } from "../fuzz/actors.ts";
import { longFuzz } from "../fuzz/mode.ts";
import { RawRoomClient, reserveSeat } from "../fuzz/rawRoom.ts";
import { recordReliability } from "../fuzz/reliability.ts";
import { joinRoom } from "../fuzz/roomFixtures.ts";
import { childApi, spawnEngine, type ChildEngine } from "../faults/childEngine.ts";

const figures: Record<string, unknown> = {};
let t: TestEngine;
let admin: Actor;
let creator: Actor;
let streamId: string;
const rooms: SdkRoom[] = [];

beforeAll(async () => {
  t = await bootEngine({ ...adminEnv, INGEST: "off" });
  admin = await loginAdmin(t);
  creator = await makeActor(t, admin, "creator");
  streamId = (await t.api("/streams", { token: creator.token, body: { title: "Abuse target" } })).body.id;
});

afterAll(async () => {
  await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
  recordReliability("abuse", figures);
  console.log(`[abuse] ${JSON.stringify(figures)}`);
  await t?.stop();
});

async function join(token: string | null, options: Record<string, unknown> = { streamId }) {
  const room = await joinRoom(t, "stream", token, options);
  room.onMessage("*", () => undefined);
  rooms.push(room);
  return room;
}

/** Round-trip of an unknown-type message: the room answers it at once unless it is stuck. */
function probe(room: SdkRoom, timeoutMs = 5000): Promise<number> {
  const ref = `p${Math.random().toString(36).slice(2)}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("probe timed out")), timeoutMs);
    const off = room.onMessage("error", (e: { ref?: string }) => {
      if (e?.ref !== ref) return;
      clearTimeout(timer);
      off();
      resolve(performance.now() - started);
    });
    room.send("__probe__", { ref });
  });
}

const leaveCode = (room: SdkRoom) => new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));

// One engine process for the tests that need a real process (an uncaught exception must end it,
// as in production; its memory is read from /proc).
let child: ChildEngine | undefined;
const childEngine = async () => (child ??= await spawnEngine({ ...adminEnv }));
afterAll(async () => {
  await child?.kill("SIGKILL");
});

describe("HTTP clients that hang up mid-request", () => {
  it("do not take the engine down (regression: uWS transport's abort handler threw)", { timeout: 60_000 }, async () => {
    const child = await childEngine();
    const send = (raw: string, hangUpAfterMs: number) =>
      new Promise<void>((resolve) => {
        const s = connect(child.port, "127.0.0.1", () => {
          s.write(raw);
          setTimeout(() => (s.destroy(), resolve()), hangUpAfterMs);
        });
        s.on("error", () => resolve());
      });
    const register = JSON.stringify({ email: "hangup@example.com", password: "Sunshine2024", displayName: "Hang Up", birthDate: "1990-01-01" });
    for (let i = 0; i < 20; i++) {
      // while the body is still being read, and after express took over (bcrypt is hashing)
      await send(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":`, 20);
      await send(`POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${register.length}\r\n\r\n${register}`, 1);
      await send(`GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n`, 0);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(child.child.exitCode, child.output().slice(-2000)).toBeNull();
    expect((await childApi(child.url, "/health")).status).toBe(200);
    figures.hangUps = 60;
  });
});

describe("messages built to throw inside the room", () => {
  it("do not take the engine down (regression: the `*` handler String()-ed a client object)", { timeout: 60_000 }, async () => {
    const child = await childEngine();
    const api = apiAt(child.url);
    const boss = await loginAdmin(api);
    const host = await makeActor(api, boss, "creator");
    const sid = (await api.api("/streams", { token: host.token, body: { title: "Throw target" } })).body.id as string;
    const c = new SdkClient(child.url);
    const room = await c.joinOrCreate("stream", { streamId: sid });
    room.onMessage("*", () => undefined);
    room.send("*", { toString: 1, valueOf: 1 });
    room.send("*", { ref: { toString: 1 } });
    room.send("chat", { text: { toString: 1, valueOf: 1 } });
    await new Promise((r) => setTimeout(r, 500));
    expect(child.child.exitCode, child.output().slice(-2000)).toBeNull();
    expect(room.connection.isOpen).toBe(true);
    expect((await childApi(child.url, "/health")).status).toBe(200);
    await room.leave();
  });
});

describe("oversized frames", () => {
  it("close only the sender (SDK and raw), and the room serves the others", async () => {
    const member = await makeActor(t, admin, "member");
    const observer = await join(null);
    const big = await join(member.token);
    const closed = leaveCode(big);
    big.send("chat", { text: "x".repeat(70 * 1024) });
    const code = await closed;
    expect(code).not.toBe(1000);

    const seat = await reserveSeat(t.url, "stream", { streamId }, member.token);
    const raw = await RawRoomClient.connect(t.url, seat);
    raw.send(Buffer.alloc(64 * 1024 + 1, 0x0d));
    const rawCode = await raw.closed;
    expect(await probe(observer)).toBeLessThan(1000);
    figures.oversized = { sdkCloseCode: code, rawCloseCode: rawCode };
  });
});

describe("message floods", () => {
  it("answer a burst with rate_limited, then cut a sustained flood; others keep chatting", async () => {
    const [flooder, bystander] = await Promise.all([makeActor(t, admin, "member"), makeActor(t, admin, "member")]);
    const observer = await join(bystander.token);
    const room = await join(flooder.token);
    const codes = new Map<string, number>();
    room.onMessage("error", (e: { code: string }) => codes.set(e.code, (codes.get(e.code) ?? 0) + 1));

    for (let i = 0; i < 20; i++) room.send("chat", { text: `burst line number ${i} from the flooder` });
    await new Promise((r) => setTimeout(r, 300));
    const burstRateLimited = codes.get("rate_limited") ?? 0;
    expect(burstRateLimited).toBeGreaterThanOrEqual(10);
    expect(room.connection.isOpen, "a burst is answered, not cut").toBe(true);

    const closed = leaveCode(room);
    const started = Date.now();
    let sent = 0;
    while (room.connection.isOpen && Date.now() - started < 5000) {
      for (let i = 0; i < 50 && room.connection.isOpen; i++, sent++) room.send("chat", { text: `flood ${sent}` });
      await new Promise((r) => setImmediate(r));
    }
    const code = await closed;
    const cutAfterMs = Date.now() - started;
    expect(code, "a sustained flood is cut").toBe(4002);
    expect(cutAfterMs).toBeLessThan(3000);
    const latency = await probe(observer);
    expect(latency).toBeLessThan(500);
    observer.send("chat", { text: "still here after the flood" });
    await until(() => (observer.state as any).chat?.some((l: any) => l.text === "still here after the flood"), "bystander's chat line");
    figures.flood = { burstMessages: 20, burstRateLimited, floodMessagesBeforeCut: sent, cutAfterMs, observerProbeMs: Math.round(latency) };
  });
});

describe("connection floods from one address", () => {
  it("500 sockets from one IP (joined viewers, idle TCP, bad upgrades): others are still served quickly", { timeout: 120_000 }, async () => {
    const N = longFuzz ? 2000 : 500;
    const member = await makeActor(t, admin, "member");
    const observer = await join(member.token);
    await until(() => typeof (observer.state as any).viewerCount === "number", "initial state");
    const before = (observer.state as any).viewerCount as number;
    const viewers: SdkRoom[] = [];
    const idle: Array<ReturnType<typeof connect>> = [];
    const upgrades: WebSocket[] = [];
    for (let i = 0; i < N / 5; i++) idle.push(connect(t.engine.port, "127.0.0.1").on("error", () => undefined));
    for (let i = 0; i < N / 5; i++) upgrades.push(new WebSocket(`${t.url.replace("http", "ws")}/x/y?sessionId=z`).on("error", () => undefined));
    const joiners = (N * 3) / 5;
    for (let i = 0; i < joiners; i += 50) {
      viewers.push(...(await Promise.all(Array.from({ length: Math.min(50, joiners - i) }, () => new SdkClient(t.url).joinOrCreate("stream", { streamId })))));
    }
    await until(() => (observer.state as any).viewerCount === before + joiners, `viewerCount ${before + joiners}`, 20_000);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      expect((await t.api("/health")).status).toBe(200);
      latencies.push(performance.now() - s);
    }
    const probeMs = await probe(observer);
    const other = await makeActor(t, admin, "member");
    const late = await join(other.token);
    late.send("chat", { text: "joined during the flood" });
    await until(() => (observer.state as any).chat?.some((l: any) => l.text === "joined during the flood"), "late joiner's chat");
    latencies.sort((a, b) => a - b);
    await Promise.all(viewers.map((v) => v.leave()));
    idle.forEach((s) => s.destroy());
    upgrades.forEach((w) => w.terminate());
    await until(() => (observer.state as any).viewerCount === before + 1, "viewerCount back after the flood", 20_000);
    expect(latencies[latencies.length - 1]).toBeLessThan(1000);
    figures.connectionFlood = { sockets: N, joinedViewers: joiners, healthP50Ms: Math.round(latencies[10]!), healthMaxMs: Math.round(latencies[19]!), observerProbeMs: Math.round(probeMs) };
  });
});

describe("reconnect storms", () => {
  it("stale reconnection tokens and dead JWTs are refused fast; seats do not leak", { timeout: 60_000 }, async () => {
    // A stream of its own: seats dropped by earlier tests stay reserved for 20 s and would move the count.
    const own = { streamId: (await t.api("/streams", { token: creator.token, body: { title: "Storm target" } })).body.id };
    const member = await makeActor(t, admin, "member");
    const observer = await join(member.token, own);
    const leaver = await join((await makeActor(t, admin, "member")).token, own);
    const staleToken = leaver.reconnectionToken;
    await leaver.leave(true); // consented: the token must not work again
    await until(() => (observer.state as any).viewerCount === 1, "only the observer left");
    const viewers = (observer.state as any).viewerCount as number;
    const N = longFuzz ? 2000 : 300;
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const client = new SdkClient(t.url);
        if (i % 3 === 0) return client.reconnect(staleToken).then(() => "joined", () => "refused");
        if (i % 3 === 1) return client.reconnect(`${staleToken.split(":")[0]}:forged${i}`).then(() => "joined", () => "refused");
        client.auth.token = `${member.token.slice(0, -4)}AAAA`;
        return client.joinOrCreate("stream", own).then(() => "joined", () => "refused");
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(outcomes.filter((o) => o === "joined")).toEqual([]);
    expect(await probe(observer)).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 300));
    expect((observer.state as any).viewerCount).toBe(viewers);
    figures.reconnectStorm = { attempts: N, refused: N, seconds: Number(seconds.toFixed(2)) };
  });
});

describe("a client that never reads", () => {
  it("does not grow the server's memory without bound while a chat flood goes on", { timeout: 180_000 }, async () => {
    const child = await childEngine();
    const api = apiAt(child.url);
    const boss = await loginAdmin(api);
    const host = await makeActor(api, boss, "creator");
    const sid = (await api.api("/streams", { token: host.token, body: { title: "Slow reader stage" } })).body.id as string;
    const chatters = await Promise.all(Array.from({ length: longFuzz ? 60 : 12 }, () => makeActor(api, boss, "member", { verified: false })));
    const join = async (token: string | null) => {
      const c = new SdkClient(child.url);
      if (token) c.auth.token = token;
      const r = await c.joinOrCreate("stream", { streamId: sid });
      r.onMessage("*", () => undefined);
      return r;
    };
    const reader = await join(null);
    const rooms2 = [reader, ...(await Promise.all(chatters.map((c) => join(c.token))))];
    // The slow client joins properly, then stops reading its socket for good.
    const seat = await reserveSeat(child.url, "stream", { streamId: sid });
    const slow = await RawRoomClient.connect(child.url, seat);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, 500));
    const baseline = child.rss();
    let peak = baseline;
    let lines = 0;
    let outboundBytes = 0;
    const seconds = longFuzz ? 90 : 5;
    const sampler = setInterval(() => (peak = Math.max(peak, child.rss())), 250);
    const text = (i: number, n: number) => `${"漢字かな交じり文".repeat(60)} ${i}-${n}`.slice(0, 500);
    for (let s = 0; s < seconds; s++) {
      // every chatter's burst allowance on the first second, then one line per second each
      const perChatter = s === 0 ? 5 : 1;
      rooms2.slice(1).forEach((r, i) => {
        for (let k = 0; k < perChatter; k++) {
          r.send("chat", { text: text(i, s * 10 + k) });
          lines++;
          outboundBytes += 1500 * rooms2.length;
        }
      });
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(sampler);
    const growthMb = (peak - baseline) / 1024 / 1024;
    const readerSaw = (reader.state as any).chat?.length ?? 0;
    expect(readerSaw, "readers keep receiving").toBeGreaterThan(10);
    expect(growthMb, "server memory stays bounded").toBeLessThan(150);
    expect(child.child.exitCode).toBeNull();
    figures.slowClient = { chatLines: lines, approxBytesPerReader: Math.round(outboundBytes / rooms2.length), rssBaselineMb: Math.round(baseline / 1048576), rssPeakGrowthMb: Number(growthMb.toFixed(1)), slowClientStillOpen: slow.open, seconds };
    slow.close();
    await Promise.allSettled(rooms2.map((r) => r.leave()));
  });
});

async function until(check: () => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
