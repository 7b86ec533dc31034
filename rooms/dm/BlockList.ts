// Who blocked whom for direct messages. A block in either direction keeps the pair apart: no join,
// and a conversation that is live when the block lands ends at once (the room listens on a cache
// channel, so this works across engine processes). Written awaited: it is a safety decision.
import type { Cache, DocStore } from "../../storage/ports.ts";
import type { Logger } from "../../engine/logger.ts";
import { pairKey } from "./logic.ts";

const COLLECTION = "dm_blocks";
const CHANNEL = "dm-blocks";

export interface BlockRow {
  [field: string]: unknown;
  blockerId: string;
  blockedId: string;
  reason: "safeword" | "user";
  createdAt: number;
}

const blockId = (blocker: string, blocked: string) => `${blocker}_${blocked}`;

export class BlockList {
  /** Blocks made in this process, so a rejoin right after a safeword is refused even before the store answers. */
  private readonly recent = new Set<string>();

  constructor(
    private readonly docs: DocStore,
    private readonly cache: Cache,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async block(blockerId: string, blockedId: string, reason: BlockRow["reason"]): Promise<void> {
    this.recent.add(blockId(blockerId, blockedId));
    const row: BlockRow = { blockerId, blockedId, reason, createdAt: this.now() };
    await this.docs.set(COLLECTION, blockId(blockerId, blockedId), row);
    await this.cache.publish(CHANNEL, pairKey(blockerId, blockedId)).catch((err: unknown) => this.logger.warn({ err }, "block not announced to live rooms"));
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    this.recent.delete(blockId(blockerId, blockedId));
    const found = await this.docs.get(COLLECTION, blockId(blockerId, blockedId));
    if (found) await this.docs.delete(COLLECTION, blockId(blockerId, blockedId));
    return found !== null;
  }

  async isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    if (this.recent.has(blockId(a, b)) || this.recent.has(blockId(b, a))) return true;
    const [ab, ba] = await Promise.all([this.docs.get(COLLECTION, blockId(a, b)), this.docs.get(COLLECTION, blockId(b, a))]);
    return ab !== null || ba !== null;
  }

  async listBy(blockerId: string): Promise<BlockRow[]> {
    return (await this.docs.query<BlockRow>(COLLECTION, { where: [["blockerId", "==", blockerId]] })).map((d) => d.data);
  }

  /** Calls `listener(pairKey)` whenever a block is made anywhere. Returns an unsubscribe function. */
  subscribe(listener: (pair: string) => void): Promise<() => Promise<void>> {
    return this.cache.subscribe(CHANNEL, listener);
  }

  async exportFor(userId: string): Promise<BlockRow[]> {
    return this.listBy(userId);
  }

  /** GDPR: blocks the person made and blocks against them. */
  async erase(userId: string): Promise<void> {
    for (const [blocker, blocked] of [...this.recent].map((k) => k.split("_"))) {
      if (blocker === userId || blocked === userId) this.recent.delete(blockId(blocker!, blocked!));
    }
    await this.docs.deleteWhere(COLLECTION, [["blockerId", "==", userId]]);
    await this.docs.deleteWhere(COLLECTION, [["blockedId", "==", userId]]);
  }
}
