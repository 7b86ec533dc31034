// The spin-to-tip wheel of one stream (`wheel` room, CONTRACT.md): provably fair spins paid once
// per key, with the server seed's commitment shown before any spin.
import type { Session } from "../session.svelte.ts";
import type { WheelSegment, WheelSnapshot } from "../types.ts";
import { RoomConnection } from "./RoomConnection.svelte.ts";

export class WheelRoomState {
  readonly conn: RoomConnection<WheelSnapshot>;
  readonly session: Session;
  lastSpin = $state<{ segment: number | string; multiplier: number; nonce: number } | null>(null);
  spinning = $state(false);
  confetti = $state(0);
  error = $state<string | null>(null);
  /** The stream ended or was stopped: no more spins. */
  closed = $state(false);

  get segments(): WheelSegment[] {
    return this.conn.state?.segments ?? [];
  }
  get price() {
    return this.conn.state?.price ?? 0;
  }
  get commitment() {
    return this.conn.state?.commitment ?? "";
  }
  get spins() {
    return this.conn.state?.spins ?? [];
  }
  /** Label of the last result (the server may send an index or a label). */
  get lastLabel() {
    const s = this.lastSpin?.segment;
    if (s === undefined) return "";
    return typeof s === "number" ? (this.segments[s]?.label ?? `#${s}`) : s;
  }

  constructor(session: Session, streamId: string) {
    this.session = session;
    this.conn = new RoomConnection<WheelSnapshot>({
      roomName: "wheel",
      joinOptions: { streamId },
      cacheKey: `teezu.room.wheel.${streamId}`,
      token: () => session.accessToken(),
      // The wheel closes with its stream (rooms/wheel CLOSE_WHEEL_CLOSED).
      finalCodes: [4411],
    });
    this.conn.on("closed", () => (this.closed = true));
    this.conn.on("spun", (m: { segment: number | string; label?: string; multiplier: number; nonce: number; balance?: number }) => {
      this.spinning = false;
      this.lastSpin = m;
      if (typeof m.balance === "number") session.setBalance(m.balance);
      else void session.load();
    });
    this.conn.on("confetti", () => this.confetti++);
    this.conn.on("error", (e: { message: string }) => {
      this.spinning = false;
      this.error = e.message;
    });
  }

  start() {
    return this.conn.connect();
  }

  spin() {
    this.error = null;
    this.spinning = true;
    const seed = new Uint8Array(8);
    crypto.getRandomValues(seed);
    const clientSeed = [...seed].map((b) => b.toString(16).padStart(2, "0")).join("");
    this.conn.send("spin", { key: crypto.randomUUID(), clientSeed });
  }

  configure(segments: WheelSegment[], price: number) {
    this.error = null;
    this.conn.send("configure", { segments, price });
  }

  dispose() {
    return this.conn.dispose();
  }
}
