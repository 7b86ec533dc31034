// Events between parts of the engine that must not call each other directly (rooms ↔ media ingest),
// carried over the cache's pub/sub so they cross processes when the cache is Redis.
import type { Cache } from "../../storage/ports.ts";
import type { Logger } from "../logger.ts";

export type EngineEvent =
  /** Panic: ingest must cut the publisher and stop transcoding at once. */
  | { type: "stream.killed"; streamId: string; by: string }
  | { type: "stream.ended"; streamId: string }
  /** From media ingest: a publisher went live / stopped. */
  | { type: "stream.published"; streamId: string; hlsUrl: string }
  | { type: "stream.unpublished"; streamId: string }
  /** From media analysis: loudness-derived energy 0–100. */
  | { type: "stream.energy"; streamId: string; energy: number }
  /** From the wallet: a creator changed the tip menu, or a stream's goal; rooms reload them. */
  | { type: "tipmenu.updated"; creatorId: string }
  | { type: "goal.updated"; streamId: string };

const CHANNEL = "engine-events";

export class EngineEvents {
  constructor(
    private readonly cache: Cache,
    private readonly logger: Logger,
  ) {}

  async publish(event: EngineEvent): Promise<void> {
    await this.cache.publish(CHANNEL, JSON.stringify(event));
  }

  /** Returns an unsubscribe function. A throwing listener is logged, never propagated. */
  subscribe(listener: (event: EngineEvent) => void): Promise<() => Promise<void>> {
    return this.cache.subscribe(CHANNEL, (raw) => {
      try {
        listener(JSON.parse(raw) as EngineEvent);
      } catch (err) {
        this.logger.error({ err }, "engine event listener failed");
      }
    });
  }
}
