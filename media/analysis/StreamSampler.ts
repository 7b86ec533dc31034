// Samples a live stream's viewer count (the cache key the stream room keeps, wherever that room
// runs) and its current energy every few seconds, for the per-stream analytics: peak, retention
// and where viewers dropped off (analysis/dropOff.ts). Writes never block: they are queued.
import type { Logger } from "../../engine/logger.ts";
import type { LaterDocWrite } from "../../storage/write-behind/sinks.ts";
import { sampleWrite } from "./streamSamples.ts";

export interface StreamSamplerOptions {
  streamId: string;
  readViewers(): Promise<number>;
  energy(): number;
  write(write: LaterDocWrite): void;
  logger: Logger;
  /** Default 10 s: ~360 small documents per streamed hour. */
  everyMs?: number;
  now?: () => number;
}

export class StreamSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly everyMs: number;
  private readonly now: () => number;

  constructor(private readonly o: StreamSamplerOptions) {
    this.everyMs = o.everyMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
  }

  /** Stops sampling; one last sample records the moment the stream went off air. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sample();
  }

  async sample(): Promise<void> {
    let viewers = 0;
    try {
      viewers = await this.o.readViewers();
    } catch (err) {
      this.o.logger.warn({ err, streamId: this.o.streamId }, "viewer count unavailable for the analytics sample");
    }
    const at = this.now();
    const ts = Math.floor(at / this.everyMs) * this.everyMs;
    try {
      this.o.write(sampleWrite(this.o.streamId, { ts, at, viewers, energy: this.o.energy() }));
    } catch (err) {
      this.o.logger.error({ err, streamId: this.o.streamId }, "analytics sample not queued");
    }
  }
}
