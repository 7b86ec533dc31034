// Each stream's wheel configuration (segments, price, multiplier bounds) in the document store, so
// a wheel keeps its setup across room sessions. Written awaited: it is rare and a creator action.
import { WHEEL } from "../../config/gamification.ts";
import type { DocStore } from "../../storage/ports.ts";
import type { MultiplierBounds } from "./multiplier.ts";
import { WHEELS } from "./paths.ts";
import type { SegmentDef } from "./SeedVault.ts";

export interface WheelConfig {
  [field: string]: unknown;
  streamId: string;
  creatorId: string;
  segments: SegmentDef[];
  price: number;
  multiplier: MultiplierBounds;
  updatedAt: number;
}

export class WheelConfigs {
  constructor(private readonly docs: DocStore) {}

  async load(streamId: string, creatorId: string): Promise<WheelConfig> {
    const found = await this.docs.get<WheelConfig>(WHEELS, streamId);
    return found ?? { streamId, creatorId, segments: [], price: 0, multiplier: { ...WHEEL.defaultMultiplier }, updatedAt: 0 };
  }

  async save(config: WheelConfig): Promise<void> {
    await this.docs.set(WHEELS, config.streamId, config);
  }

  async eraseCreator(creatorId: string): Promise<string[]> {
    const owned = await this.docs.query<WheelConfig>(WHEELS, { where: [["creatorId", "==", creatorId]] });
    for (const w of owned) await this.docs.delete(WHEELS, w.id);
    return owned.map((w) => w.id);
  }
}
