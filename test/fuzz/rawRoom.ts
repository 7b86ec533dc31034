// A Colyseus client without the SDK: reserves a seat over HTTP, opens the WebSocket itself and
// writes raw frames, so tests can send bytes the SDK never would (garbage, truncated frames,
// messages before the join handshake is acknowledged, oversized frames).
import { WebSocket } from "ws";

export const PROTOCOL = { JOIN_ROOM: 10, ERROR: 11, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_DATA_BYTES: 17, PING: 18, ROOM_INPUT_RELIABLE: 19, ROOM_INPUT_UNRELIABLE: 20, ROOM_REQUEST: 21 } as const;

export interface Seat {
  roomId: string;
  processId: string;
  sessionId: string;
}

export async function reserveSeat(base: string, name: string, options: unknown, token?: string): Promise<Seat> {
  const res = await fetch(`${base}/matchmake/joinOrCreate/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(options),
  });
  const body = (await res.json()) as Seat & { error?: string };
  if (!res.ok) throw new Error(`seat reservation ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A short string as @colyseus/schema encodes message types (msgpack fixstr). */
function fixstr(s: string): Buffer {
  const bytes = Buffer.from(s, "utf8");
  if (bytes.length > 31) throw new Error("fixstr only");
  return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
}

/** A ROOM_DATA frame carrying `{ref}`: the room answers an unknown type with `error {ref}`. */
export function probeFrame(ref: string): Buffer {
  return Buffer.concat([Buffer.from([PROTOCOL.ROOM_DATA]), fixstr("__probe__"), Buffer.from([0x81]), fixstr("ref"), fixstr(ref)]);
}

export class RawRoomClient {
  readonly frames: Buffer[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once("close", (code) => resolve((this.closeCode = code))));
    ws.on("message", (data: Buffer) => this.frames.push(Buffer.from(data)));
    ws.on("error", () => undefined);
  }

  /** Opens the socket; `ackJoin` completes the handshake (else messages go in while JOINING). */
  static async connect(base: string, seat: Seat, options: { ackJoin?: boolean; onOpen?: (ws: WebSocket) => void } = {}): Promise<RawRoomClient> {
    const url = `${base.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}`;
    const ws = new WebSocket(url, { maxPayload: 8 * 1024 * 1024 });
    const client = new RawRoomClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => {
        options.onOpen?.(ws);
        resolve();
      });
      ws.once("error", reject);
    });
    if (options.ackJoin !== false) await client.ackJoin();
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Waits for the server's JOIN_ROOM and acknowledges it, as the SDK does. */
  async ackJoin(timeoutMs = 5000): Promise<void> {
    await this.until((f) => f[0] === PROTOCOL.JOIN_ROOM, timeoutMs, "JOIN_ROOM");
    this.send(Buffer.from([PROTOCOL.JOIN_ROOM]));
  }

  send(frame: Buffer | Uint8Array | string) {
    if (this.open) this.ws.send(frame);
  }

  /** True when the room answers a probe, false when the socket closed first. */
  async probe(ref: string, timeoutMs = 5000): Promise<boolean> {
    if (!this.open) return false;
    const needle = Buffer.from(ref);
    const seen = this.frames.length;
    this.send(probeFrame(ref));
    try {
      await this.until((f, i) => i >= seen && f.includes(needle), timeoutMs, `probe ${ref}`);
      return true;
    } catch (err) {
      if (!this.open) return false;
      throw err;
    }
  }

  private until(match: (frame: Buffer, index: number) => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        if (this.frames.some((f, i) => match(f, i))) return resolve();
        if (this.ws.readyState === WebSocket.CLOSED) return reject(new Error(`closed (${this.closeCode}) while waiting for ${what}`));
        if (Date.now() - started > timeoutMs) return reject(new Error(`no ${what} within ${timeoutMs} ms`));
        setTimeout(tick, 5);
      };
      tick();
    });
  }

  close() {
    this.ws.terminate();
  }
}
