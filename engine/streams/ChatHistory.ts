// Reads a stream's persisted chat (written by the room through the write-behind queue, see
// rooms/stream/chatLog.ts) newest-first from the store, and hands pages back oldest first.
import type { DocStore, Where } from "../../storage/ports.ts";
import { chatCollection, type ChatLineDoc } from "../../rooms/stream/chatLog.ts";
import type { ChatLineView } from "./views.ts";

export interface ChatPage {
  items: ChatLineView[];
  /** Pass as `before` for the previous (older) page; null once the oldest line was returned. */
  nextBefore: string | null;
}

const KINDS = new Set(["chat", "tip", "system"]);

function lineView(id: string, d: Partial<ChatLineDoc>): ChatLineView {
  const deleted = d.deleted === true;
  return {
    id: typeof d.id === "string" ? d.id : id,
    userId: typeof d.userId === "string" ? d.userId : null,
    name: typeof d.name === "string" ? d.name : "",
    // A deleted line keeps its place in the history but never its words.
    text: deleted || typeof d.text !== "string" ? "" : d.text,
    kind: typeof d.kind === "string" && KINDS.has(d.kind) ? d.kind : "chat",
    ts: typeof d.ts === "number" ? d.ts : 0,
    seq: typeof d.seq === "string" ? d.seq : "",
    deleted,
  };
}

export class ChatHistory {
  constructor(private readonly docs: DocStore) {}

  /** Lines with seq < before (all when unset), the newest `limit` of them, oldest first. */
  async page(streamId: string, options: { before?: string; limit: number }): Promise<ChatPage> {
    const where: Where[] = options.before === undefined ? [] : [["seq", "<", options.before]];
    const found = await this.docs.query<ChatLineDoc>(chatCollection(streamId), {
      where,
      orderBy: { field: "seq", direction: "desc" },
      limit: options.limit + 1,
    });
    const page = found.slice(0, options.limit);
    const oldest = page[page.length - 1];
    return {
      items: page.reverse().map((s) => lineView(s.id, s.data)),
      nextBefore: found.length > options.limit && oldest ? String(oldest.data.seq) : null,
    };
  }

  /** Removes the whole history of a stream (its creator was erased). */
  async erase(streamId: string): Promise<number> {
    return this.docs.deleteWhere(chatCollection(streamId), []);
  }
}
