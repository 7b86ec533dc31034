// Raw WebSocket frames at every room type, below the SDK: random bytes, every protocol code with
// garbage after it, truncated type strings, text frames, messages sent before the join handshake
// is acknowledged, and handshakes with wrong ids. Invariants: the process never throws (vitest
// fails the run on an uncaught exception), the room keeps serving an SDK observer, a raw client
// that is still open still gets answers, and a client is closed only with Colyseus' own codes for
// a protocol violation (4002) or its own LEAVE_ROOM byte (4000).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { defineRooms } from "../../rooms/index.ts";
import { bootEngine } from "../engine.ts";
import { adminEnv, loginAdmin, type Actor } from "./actors.ts";
import { fuzzRuns, fuzzSeed, longFuzz } from "./mode.ts";
import { PROTOCOL, RawRoomClient, probeFrame, reserveSeat } from "./rawRoom.ts";
import { recordReliability, Tally } from "./reliability.ts";
import { ROOM_FIXTURES, type RoomFixture } from "./roomFixtures.ts";

const RUNS = fuzzRuns(120, 3000);
/** 4000 CONSENTED (the client's own LEAVE_ROOM byte), 4002 WITH_ERROR (undecodable frame). */
const ALLOWED_CLOSES = new Set([4000, 4002]);
const SESSION_ENDERS = ["panic", "safeword"].map((w) => Buffer.from(w));
const endsSession = (frame: string | Uint8Array) => SESSION_ENDERS.some((w) => Buffer.from(frame).includes(w));
const t = await bootEngine({ ...adminEnv, WRITE_BEHIND_FLUSH_MS: "100" });
const roomNames = Object.keys(defineRooms(t.engine.services));
const frames = new Tally();
const closes = new Tally();
const skipped: Record<string, string> = {};
const started = Date.now();
let admin: Actor;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  admin = await loginAdmin(t);
});

afterAll(async () => {
  cleanups.forEach((c) => c());
  const seconds = (Date.now() - started) / 1000;
  console.log(`[fuzz] frames: ${frames.total} raw frames in ${seconds.toFixed(1)} s; closes ${JSON.stringify(closes.counts)}; skipped ${JSON.stringify(skipped)}`);
  recordReliability("fuzz-frames", { frames: frames.total, perRoom: frames.counts, closes: closes.counts, skippedRooms: skipped, seconds, seed: fuzzSeed });
  await t.stop();
});

const CODES = [0, 1, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 31, 13 | 0x20, 19 | 0x40, 20 | 0x80, 255];

const frameArb: fc.Arbitrary<Buffer | string> = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...CODES), fc.uint8Array({ maxLength: 300 })).map(([c, b]) => Buffer.concat([Buffer.from([c]), b])) },
  // ROOM_DATA / ROOM_REQUEST / ROOM_DATA_BYTES with a plausible type and a garbage body
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(PROTOCOL.ROOM_DATA, PROTOCOL.ROOM_REQUEST, PROTOCOL.ROOM_DATA_BYTES), fc.constantFrom("chat", "tip", "send", "say", "spin", "configure", "panic", "safeword", "*", "__proto__"), fc.uint8Array({ maxLength: 200 }))
      .map(([code, type, body]) => Buffer.concat([Buffer.from([code]), ...(code === PROTOCOL.ROOM_REQUEST ? [Buffer.from([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])] : []), Buffer.from([0xa0 | type.length]), Buffer.from(type), body])),
  },
  // type strings that claim more bytes than the frame has
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([13, 0xd9, 0xff]), Buffer.from([13, 0xda, 0xff, 0xff, 0x61]), Buffer.from([13, 0xdb, 0xff, 0xff, 0xff, 0x7f]), Buffer.from([13, 0xcb]), Buffer.from([21, 0xcb, 1]), Buffer.from([13]), Buffer.from([])) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
);

async function rawClient(fx: RoomFixture, name: string, ackJoin = true): Promise<RawRoomClient> {
  const seat = await reserveSeat(t.url, name, fx.options, fx.players[0]!.actor?.token);
  const raw = await RawRoomClient.connect(t.url, seat, { ackJoin });
  cleanups.push(() => raw.close());
  return raw;
}

let seq = 0;
const ref = () => `r${++seq}x`;

describe("raw frame fuzz: every room type", () => {
  for (const name of roomNames) {
    it(name, { timeout: longFuzz ? 1_800_000 : 60_000 }, async (ctx) => {
      const setup = ROOM_FIXTURES[name];
      if (!setup) {
        skipped[name] = "no join fixture";
        return ctx.skip();
      }
      const fx = await setup({ t, admin });
      cleanups.push(() => fx.all.forEach((r) => r.connection?.isOpen && r.leave().catch(() => undefined)));
      let raw = await rawClient(fx, name);
      for (const frame of fc.sample(frameArb, { numRuns: RUNS, seed: fuzzSeed })) {
        // A frame that happens to be a well-formed `panic` or `safeword` legitimately ends the session
        // for everyone (the room suites test that); the fuzz is about frames that must not.
        if (endsSession(frame)) continue;
        raw.send(frame);
        frames.add(name);
        if (await raw.probe(ref())) continue;
        const code = await raw.closed;
        closes.add(String(code));
        expect(ALLOWED_CLOSES.has(code), `${name}: raw client closed with ${code} after ${Buffer.from(frame).toString("hex").slice(0, 80)}`).toBe(true);
        raw = await rawClient(fx, name);
      }
      // Someone who only ever used the SDK is still served.
      const observer = await new Promise<boolean>((resolve) => {
        const r = `obs-${ref()}`;
        const off = fx.observer.room.onMessage("error", (e: { ref?: string }) => e?.ref === r && (off(), resolve(true)));
        fx.observer.room.send("__probe__", { ref: r });
        setTimeout(() => resolve(false), 5000);
      });
      expect(observer, `${name}: SDK observer served after the raw frames`).toBe(true);
    });
  }
});

describe("protocol edges", () => {
  it("messages sent before the join handshake is acknowledged are answered after it, not dropped", async () => {
    const fx = await ROOM_FIXTURES.stream!({ t, admin });
    cleanups.push(() => fx.all.forEach((r) => r.connection?.isOpen && r.leave().catch(() => undefined)));
    const seat = await reserveSeat(t.url, "stream", fx.options, fx.players[1]!.actor!.token);
    const early = [ref(), ref(), ref()];
    // The first frames leave the moment the socket opens, before the server's JOIN_ROOM arrives.
    const raw = await RawRoomClient.connect(t.url, seat, { ackJoin: false, onOpen: (ws) => early.forEach((r) => ws.send(probeFrame(r))) });
    cleanups.push(() => raw.close());
    raw.send(probeFrame(`late-${early[0]}`));
    raw.send(Buffer.from([PROTOCOL.ROOM_DATA, 0xa4, ...Buffer.from("chat"), 0x81, 0xa4, ...Buffer.from("text"), 0xa5, ...Buffer.from("early")]));
    frames.add("pre-join", 5);
    await raw.ackJoin();
    expect(await raw.probe(ref()), "answers after the handshake").toBe(true);
    expect(raw.open).toBe(true);
    // Replies to what was sent while joining were queued and delivered once joined (or, for frames
    // that beat the server's own JOIN_ROOM, dropped before any handler: never a crash either way).
    const answered = early.filter((r) => raw.frames.some((f) => f.includes(Buffer.from(r))));
    console.log(`[fuzz] frames: ${answered.length}/${early.length} messages sent at socket open were answered after the handshake`);
  });

  it("answers message types of 64 KiB-scale names (which the SDK cannot even encode) with a short error", async () => {
    const fx = await ROOM_FIXTURES.stream!({ t, admin });
    cleanups.push(() => fx.all.forEach((r) => r.connection?.isOpen && r.leave().catch(() => undefined)));
    const raw = await rawClient(fx, "stream");
    for (const len of [255, 256, 10_000, 60_000]) {
      const name = Buffer.alloc(len, 0x78);
      const header = len < 256 ? Buffer.from([0xd9, len]) : Buffer.from([0xda, len & 0xff, len >> 8]); // @colyseus/schema: little-endian lengths
      const r = ref();
      raw.send(Buffer.concat([Buffer.from([PROTOCOL.ROOM_DATA]), header, name, Buffer.from([0x81, 0xa3, ...Buffer.from("ref"), 0xa0 | r.length, ...Buffer.from(r)])]));
      frames.add("long-type");
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = raw.frames.find((f) => f.includes(Buffer.from(r)));
      expect(reply, `a reply to a ${len}-character type`).toBeDefined();
      expect(reply!.length, "the error does not echo the whole name back").toBeLessThan(400);
    }
    expect(raw.open).toBe(true);
  });

  it("refuses WebSocket handshakes with a wrong session, room or process id, and keeps serving", async () => {
    const fx = await ROOM_FIXTURES.stream!({ t, admin });
    cleanups.push(() => fx.all.forEach((r) => r.connection?.isOpen && r.leave().catch(() => undefined)));
    const seat = await reserveSeat(t.url, "stream", fx.options, fx.players[1]!.actor!.token);
    const ws = t.url.replace(/^http/, "ws");
    const bad = [
      `${ws}/${seat.processId}/${seat.roomId}?sessionId=nope`,
      `${ws}/${seat.processId}/${seat.roomId}`,
      `${ws}/${seat.processId}/no-such-room?sessionId=${seat.sessionId}`,
      // (a wrong process id with the right room and session is accepted: one process routes by room)
      `${ws}/${"a".repeat(4000)}`,
      `${ws}/../../etc/passwd`,
      `${ws}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&sessionId=x`,
    ];
    for (const url of bad) {
      const outcome = await new Promise<string>((resolve) => {
        const sock = new WebSocket(url);
        sock.on("error", (e) => resolve(`error ${e.message}`));
        sock.on("close", (code) => resolve(`close ${code}`));
        // Colyseus keeps a socket without room and session open for 1 s as a latency probe.
        sock.on("open", () => setTimeout(() => (sock.readyState === WebSocket.OPEN ? (sock.terminate(), resolve("stayed open")) : undefined), 2500));
      });
      frames.add("bad-handshake");
      expect(outcome, url.slice(0, 120)).not.toBe("stayed open");
    }
    // The reserved seat is still good for its owner.
    const raw = await RawRoomClient.connect(t.url, seat);
    cleanups.push(() => raw.close());
    expect(await raw.probe(ref())).toBe(true);
  });
});
