// What companions remember about a user: each fact is a document (`companionMemories`, listable
// and deletable by the user) and a vector in the user's own namespace `user:<userId>` (recall by
// similarity). New facts go through the write-behind queue; deletions are applied at once after
// the queue is flushed, so a queued write cannot bring a deleted fact back.
import { createHash } from "node:crypto";
import type { DocStore, VectorIndex, VectorMatch } from "../../storage/ports.ts";
import type { Later } from "../../storage/write-behind/sinks.ts";
import type { Logger } from "../logger.ts";
import type { ExtractedFact } from "./FactExtractor.ts";
import type { Embedder } from "./ports.ts";
import { clampImportance, rankMemories } from "./recall.ts";
import type { MemoryItem, RecalledMemory } from "./types.ts";

export const MEMORIES = "companionMemories";
export const MEMORY_KIND = "companion_memory";
export const userNamespace = (userId: string) => `user:${userId}`;

export interface MemoryStoreDeps {
  docs: DocStore;
  vectors: VectorIndex;
  later: Later;
  embedder: Embedder;
  /** Applies queued writes now (before a deletion), see the header. */
  flush: () => Promise<void>;
  logger: Logger;
  now?: () => number;
}

/** Same user, companion and wording → same id: re-telling a fact refreshes it instead of duplicating it. */
export function memoryId(userId: string, companionId: string, text: string): string {
  const normal = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return `mem_${createHash("sha256").update(`${userId}|${companionId}|${normal}`).digest("hex").slice(0, 32)}`;
}

export class MemoryStore {
  private readonly now: () => number;

  constructor(private readonly d: MemoryStoreDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Embeds and queues the facts of one session; returns what will be stored. */
  async remember(userId: string, companionId: string, sessionId: string, facts: readonly ExtractedFact[]): Promise<MemoryItem[]> {
    if (facts.length === 0) return [];
    const ts = this.now();
    const items: MemoryItem[] = facts.map((f) => ({ id: memoryId(userId, companionId, f.text), userId, companionId, text: f.text, importance: clampImportance(f.importance), ts, sessionId }));
    const vectors = await this.d.embedder.embed(items.map((i) => i.text));
    for (const item of items) this.d.later.doc({ op: "set", collection: MEMORIES, id: item.id, data: { ...item } });
    this.d.later.vectors({
      op: "upsert",
      namespace: userNamespace(userId),
      records: items.map((item, i) => ({
        id: item.id,
        values: vectors[i]!,
        metadata: { kind: MEMORY_KIND, companionId, text: item.text, importance: item.importance, ts: item.ts },
      })),
    });
    return items;
  }

  /** The `depth` memories of this user and companion that best fit `query`, by relevance × recency × importance. */
  async recall(userId: string, companionId: string, query: string, depth: number): Promise<RecalledMemory[]> {
    if (depth <= 0) return [];
    const [vector] = await this.d.embedder.embed([query]);
    let matches: VectorMatch[];
    try {
      matches = await this.d.vectors.query(userNamespace(userId), { vector: vector!, topK: Math.max(10, depth * 3), filter: { kind: MEMORY_KIND, companionId } });
    } catch (err) {
      // A reply without memories beats no reply: the vector store being down must not silence the companion.
      this.d.logger.warn({ err }, "memory recall failed; replying without memories");
      return [];
    }
    const candidates = matches.map((m) => ({
      id: m.id,
      userId,
      companionId,
      text: String(m.metadata.text ?? ""),
      importance: Number(m.metadata.importance ?? 0.5),
      ts: Number(m.metadata.ts ?? 0),
      sessionId: "",
      similarity: m.score,
    }));
    return rankMemories(candidates, depth, this.now()).map(({ similarity: _s, ...rest }) => rest);
  }

  async list(userId: string, companionId?: string): Promise<MemoryItem[]> {
    const where = companionId === undefined ? ([["userId", "==", userId]] as const) : ([["userId", "==", userId], ["companionId", "==", companionId]] as const);
    const found = await this.d.docs.query<MemoryItem & Record<string, unknown>>(MEMORIES, { where });
    return found.map((s) => s.data).sort((a, b) => b.ts - a.ts);
  }

  /** False when the memory is not the user's (or does not exist). */
  async forget(userId: string, id: string): Promise<boolean> {
    await this.flushQuietly();
    const doc = await this.d.docs.get<MemoryItem & Record<string, unknown>>(MEMORIES, id);
    if (!doc || doc.userId !== userId) return false;
    await this.d.vectors.delete(userNamespace(userId), [id]);
    await this.d.docs.delete(MEMORIES, id);
    return true;
  }

  /** Every memory of the user (of one companion when given); returns how many. */
  async forgetAll(userId: string, companionId?: string): Promise<number> {
    await this.flushQuietly();
    const items = await this.list(userId, companionId);
    if (items.length === 0) return 0;
    await this.d.vectors.delete(userNamespace(userId), items.map((i) => i.id));
    for (const item of items) await this.d.docs.delete(MEMORIES, item.id);
    return items.length;
  }

  /**
   * GDPR erasure: the documents, then the whole vector namespace of the user (it holds only this
   * user's derived data: memories and creator-twin lines), so nothing recallable is left even for
   * a vector whose document was already gone.
   */
  async eraseUser(userId: string): Promise<void> {
    await this.flushQuietly();
    await this.d.docs.deleteWhere(MEMORIES, [["userId", "==", userId]]);
    await this.d.vectors.deleteNamespace(userNamespace(userId));
  }

  private async flushQuietly() {
    try {
      await this.d.flush();
    } catch (err) {
      // The store that refused is likely the one about to be written; the deletion below reports it.
      this.d.logger.warn({ err }, "write-behind flush before a memory deletion failed");
    }
  }
}
