// The in-memory key map behind node-media-server's synchronous prePublish hook.
//
// NMS cannot await inside prePublish, and a fresh stream's key cannot be known there without
// preloading every key (which goes stale on rotation, which nothing broadcasts). So the map holds
// only what is certain synchronously: keys refused a moment ago (a retrying OBS or a key-guessing
// bot never reaches the database twice in a row) and keys on air (one publisher per stream). Every
// other well-formed key is admitted *provisionally*: its bytes reach NMS, but nothing is transcoded
// or announced until the asynchronous check (streams service + creator verification) accepts it and
// claims the key here; a refusal cuts the connection.
import { isWellFormedStreamKey } from "./streamKey.ts";

export type GateDecision = { admit: true } | { admit: false; reason: string };

export interface PublishGateOptions {
  /** How long a refused key is refused without a lookup. */
  refuseForMs?: number;
  /** Bound on remembered refusals (oldest forgotten first). */
  maxRefused?: number;
  now?: () => number;
}

export class PublishGate {
  private readonly refused = new Map<string, number>();
  private readonly onAir = new Map<string, string>();
  private readonly refuseForMs: number;
  private readonly maxRefused: number;
  private readonly now: () => number;

  constructor(options: PublishGateOptions = {}) {
    this.refuseForMs = options.refuseForMs ?? 10_000;
    this.maxRefused = options.maxRefused ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Synchronous: may this publish attempt go on to the asynchronous check? */
  check(streamKey: string): GateDecision {
    if (!isWellFormedStreamKey(streamKey)) return { admit: false, reason: "malformed stream key" };
    const until = this.refused.get(streamKey);
    if (until !== undefined) {
      if (until > this.now()) return { admit: false, reason: "stream key refused recently" };
      this.refused.delete(streamKey);
    }
    if (this.onAir.has(streamKey)) return { admit: false, reason: "this stream already has a publisher" };
    return { admit: true };
  }

  refuse(streamKey: string, forMs = this.refuseForMs): void {
    this.refused.delete(streamKey);
    this.refused.set(streamKey, this.now() + forMs);
    while (this.refused.size > this.maxRefused) this.refused.delete(this.refused.keys().next().value!);
  }

  /** After the asynchronous check accepted: true when this session now holds the key, false when another one does. */
  claim(streamKey: string, sessionId: string): boolean {
    const holder = this.onAir.get(streamKey);
    if (holder !== undefined && holder !== sessionId) return false;
    this.onAir.set(streamKey, sessionId);
    return true;
  }

  release(streamKey: string, sessionId: string): void {
    if (this.onAir.get(streamKey) === sessionId) this.onAir.delete(streamKey);
  }

  holds(streamKey: string, sessionId: string): boolean {
    return this.onAir.get(streamKey) === sessionId;
  }
}
