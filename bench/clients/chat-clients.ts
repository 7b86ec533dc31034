// Client process of the chat benchmarks (P1, P2), driven by its parent over IPC (bench/lib/chatRun.ts).
// It holds receivers of one stream room (engine) or one topic (raw uWS server) and, in one process,
// the chatters. Receivers come in two kinds, and the server does exactly the same work for both:
//  - "state" receivers decode every patch with @colyseus/sdk and time a line when it appears in
//    their synced `chat` (the P2 definition);
//  - "frame" receivers time a line when the frame carrying it arrives, by finding the line's marker
//    in the raw bytes without decoding: one process can then hold thousands of them without its
//    own CPU becoming what is measured.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client, Protocol, type Room } from "@colyseus/sdk";
import { WebSocket } from "ws";
import { chatText, parseMarker, scanMarkers, wallNow } from "../lib/chatWire.ts";

export interface ClientConfig {
  target: "engine" | "raw";
  /** Engine: its http base URL; raw: the server's ws URL. */
  url: string;
  streamId?: string;
  receivers: number;
  /** How many of `receivers` decode state with the SDK (engine only; raw frames have no state). */
  stateReceivers: number;
  /** Engine: one logged-in member per token; raw: `chatters` plain sockets. Chatters also receive. */
  chatterTokens?: string[];
  chatters?: number;
  /** Raw: bytes of each published message (the engine's measured bytes per delivered line). */
  rawBytes?: number;
}

/** "poisson": independent chatters (exponential gaps, the default); "even": one line every 1/rate s. */
export type Arrivals = "poisson" | "even";

export type ToClient = { type: "join"; config: ClientConfig } | { type: "send"; ratePerSec: number; arrivals: Arrivals } | { type: "mark" } | { type: "report" } | { type: "stop" };

export interface ClientReport {
  /** Lines received in the window, over every receiver. */
  deliveries: number;
  frames: number;
  bytes: number;
  /** Latency samples (ms) in the window: by state receivers (line in synced state) and frame receivers (frame arrived). */
  stateMs: number[];
  frameMs: number[];
  sent: number;
  sendErrors: Record<string, number>;
  windowMs: number;
  loopLagMs: { p50: number; p99: number; max: number };
  closed: number;
}

const send = (m: unknown) => process.send!(m);

let windowStart = 0;
let report = fresh();
function fresh(): Omit<ClientReport, "windowMs" | "loopLagMs" | "closed"> {
  return { deliveries: 0, frames: 0, bytes: 0, stateMs: [], frameMs: [], sent: 0, sendErrors: {} };
}
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let closed = 0;

const roomsHeld: Room[] = [];
const socketsHeld: WebSocket[] = [];
let chatOut: ((text: string) => void)[] = [];
let sendTimer: NodeJS.Timeout | undefined;

function onFrame(bytes: Uint8Array) {
  const at = wallNow();
  report.frames++;
  report.bytes += bytes.byteLength;
  scanMarkers(bytes, (_seq, sentAt) => {
    report.deliveries++;
    report.frameMs.push(at - sentAt);
  });
}

async function joinEngine(c: ClientConfig) {
  const anonymous = new Client(c.url);
  const options = { streamId: c.streamId! };
  const joinOne = async (client: Client, decode: boolean) => {
    const room = await client.joinOrCreate("stream", options);
    room.reconnection.enabled = false;
    room.onLeave(() => closed++);
    roomsHeld.push(room);
    const events = room.connection.events as { onmessage?: (ev: { data: ArrayBuffer }) => void };
    const original = events.onmessage!;
    if (!decode) {
      // Straight from the `ws` socket as Buffers, the same path as a raw-server receiver (the SDK's
      // ArrayBuffer copy and event wrapper cost ~4× more per frame); patches are only scanned, other
      // frames still go to the SDK.
      const ws = (room.connection.transport as unknown as { ws: WebSocket }).ws;
      ws.onmessage = null;
      ws.binaryType = "nodebuffer";
      ws.on("message", (data: Buffer) => {
        if (data[0] === Protocol.ROOM_STATE_PATCH) onFrame(data);
        else original({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer });
      });
      return room;
    }
    let lastId = "";
    events.onmessage = (ev) => {
      const bytes = new Uint8Array(ev.data);
      original(ev);
      const patch = bytes[0] === Protocol.ROOM_STATE_PATCH;
      if (!patch && bytes[0] !== Protocol.ROOM_STATE) return;
      const at = wallNow();
      if (patch) {
        report.frames++;
        report.bytes += bytes.byteLength;
      }
      const chat = (room.state as { chat?: { length: number; at(i: number): { id: string; text: string } | undefined } }).chat;
      if (!chat || chat.length === 0) return;
      // Lines are only ever appended: the new ones follow the last line this receiver saw.
      let i = chat.length - 1;
      while (i >= 0 && chat.at(i)!.id !== lastId) i--;
      // The full state at join holds lines sent before this receiver was there: not deliveries.
      for (let k = i + 1; k < chat.length && patch; k++) {
        const m = parseMarker(chat.at(k)!.text);
        if (!m) continue;
        report.deliveries++;
        report.stateMs.push(at - m.sentAt);
      }
      lastId = chat.at(chat.length - 1)!.id;
    };
    return room;
  };
  // State receivers are spread evenly over the join order, hence over the server's send order.
  const every = c.stateReceivers > 0 ? c.receivers / c.stateReceivers : Infinity;
  const decodes = (i: number) => Math.floor(i / every) !== Math.floor((i + 1) / every);
  for (let i = 0; i < c.receivers; i += 50) {
    const n = Math.min(50, c.receivers - i);
    await Promise.all(Array.from({ length: n }, (_, k) => joinOne(anonymous, decodes(i + k))));
  }
  for (const token of c.chatterTokens ?? []) {
    const client = new Client(c.url);
    client.auth.token = token;
    const room = await joinOne(client, true);
    room.onMessage("error", (e: { code?: string }) => {
      const code = e?.code ?? "unknown";
      report.sendErrors[code] = (report.sendErrors[code] ?? 0) + 1;
    });
    room.onMessage("*", () => undefined);
    chatOut.push((text) => room.send("chat", { text }));
  }
}

async function joinRaw(c: ClientConfig) {
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(c.url);
      ws.binaryType = "nodebuffer";
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
      ws.on("message", (data: Buffer) => onFrame(data));
      ws.on("close", () => closed++);
      socketsHeld.push(ws);
    });
  for (let i = 0; i < c.receivers; i += 50) await Promise.all(Array.from({ length: Math.min(50, c.receivers - i) }, open));
  const size = c.rawBytes ?? 150;
  for (let i = 0; i < (c.chatters ?? 0); i++) {
    const ws = await open();
    // Padded to the engine's bytes per delivered line, so both servers move the same bytes.
    chatOut.push((text) => ws.send(Buffer.from(text.padEnd(size, " "))));
  }
}

function startSending(ratePerSec: number, arrivals: Arrivals) {
  if (chatOut.length === 0 || ratePerSec <= 0) return;
  const gapMs = () => (arrivals === "even" ? 1000 / ratePerSec : (-Math.log(1 - Math.random()) * 1000) / ratePerSec);
  let next = performance.now() + gapMs();
  let seq = 0;
  // Sends every line whose time has come, so timer jitter does not lower the rate.
  sendTimer = setInterval(() => {
    const now = performance.now();
    while (next <= now) {
      chatOut[seq % chatOut.length]!(chatText(seq));
      seq++;
      report.sent++;
      next += gapMs();
    }
  }, 2);
}

process.on("message", async (m: ToClient) => {
  try {
    switch (m.type) {
      case "join": {
        const t0 = performance.now();
        await (m.config.target === "engine" ? joinEngine(m.config) : joinRaw(m.config));
        send({ type: "joined", receivers: roomsHeld.length + socketsHeld.length, ms: performance.now() - t0 });
        break;
      }
      case "send":
        startSending(m.ratePerSec, m.arrivals);
        send({ type: "sending" });
        break;
      case "mark":
        report = fresh();
        lag.reset();
        windowStart = performance.now();
        send({ type: "marked" });
        break;
      case "report": {
        const ms = (ns: number) => ns / 1e6;
        const r: ClientReport = { ...report, windowMs: performance.now() - windowStart, loopLagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) }, closed };
        send({ type: "report", report: r });
        break;
      }
      case "stop":
        clearInterval(sendTimer);
        chatOut = [];
        for (const r of roomsHeld) r.leave(true).catch(() => undefined);
        for (const s of socketsHeld) s.terminate();
        send({ type: "stopped" });
        setTimeout(() => process.exit(0), 200);
        break;
    }
  } catch (err) {
    send({ type: "failed", error: String((err as Error)?.stack ?? err) });
  }
});
send({ type: "up" });
