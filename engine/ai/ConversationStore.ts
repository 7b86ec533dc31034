// Each user's conversation with one companion: one document per (user, companion), rewritten whole
// through the write-behind queue after each exchange. A whole-document `set` is idempotent, which
// the queue requires (a retried batch may apply twice); the room holds the truth meanwhile.
import type { DocStore } from "../../storage/ports.ts";
import type { Later } from "../../storage/write-behind/sinks.ts";
import type { ChatTurn } from "./types.ts";

export const CONVERSATIONS = "companionConversations";
/** Kept per conversation; older turns live on only as extracted memories. */
export const MAX_STORED_TURNS = 100;

interface ConversationDoc {
  [field: string]: unknown;
  userId: string;
  companionId: string;
  messages: ChatTurn[];
  updatedAt: number;
}

export const conversationId = (userId: string, companionId: string) => `${userId}_${companionId}`;

export class ConversationStore {
  constructor(
    private readonly docs: DocStore,
    private readonly later: Later,
  ) {}

  async load(userId: string, companionId: string): Promise<ChatTurn[]> {
    const doc = await this.docs.get<ConversationDoc>(CONVERSATIONS, conversationId(userId, companionId));
    return Array.isArray(doc?.messages) ? doc.messages : [];
  }

  /** Never awaits a store (rooms call this). */
  saveLater(userId: string, companionId: string, turns: readonly ChatTurn[], now: number): void {
    // Lone surrogates (a model cut mid-emoji) are not valid Unicode; the document store refuses them.
    const messages = turns.slice(-MAX_STORED_TURNS).map((t) => ({ id: t.id, role: t.role, text: t.text.replace(/\p{Cs}/gu, "\uFFFD"), ts: t.ts }));
    this.later.doc({ op: "set", collection: CONVERSATIONS, id: conversationId(userId, companionId), data: { userId, companionId, messages, updatedAt: now } });
  }

  async clear(userId: string, companionId: string): Promise<void> {
    await this.docs.delete(CONVERSATIONS, conversationId(userId, companionId));
  }

  async listForUser(userId: string): Promise<ConversationDoc[]> {
    return (await this.docs.query<ConversationDoc>(CONVERSATIONS, { where: [["userId", "==", userId]] })).map((d) => d.data);
  }

  async eraseUser(userId: string): Promise<number> {
    return this.docs.deleteWhere(CONVERSATIONS, [["userId", "==", userId]]);
  }
}
