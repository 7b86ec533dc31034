// How conversations are stored (SPEC §4 "conversations(id, participants[], messages[],
// last_message, typing_indicator)"): one document per pair holding the tail shown in the room, plus
// one document per message in `conversations/{id}/messages` for the paginated history. Everything
// stored is ciphertext; a pay-per-view message's wrapped key is kept in its message document only
// and never in the conversation document until it was paid for. Room writes go through the
// write-behind queue (set/merge only, so a replayed batch is harmless).
import type { DocStore } from "../../storage/ports.ts";
import type { Later } from "../../storage/write-behind/sinks.ts";

export const CONVERSATIONS = "conversations";
export const messagesCollection = (conversationId: string) => `${CONVERSATIONS}/${conversationId}/messages`;

export interface MessageDoc {
  [field: string]: unknown;
  id: string;
  conversationId: string;
  from: string;
  to: string;
  ciphertext: string;
  nonce: string;
  ts: number;
  seq: string;
  price: number;
  /** Pay-per-view only: the content key wrapped for the recipient. Withheld until paid. */
  wrappedKey: string | null;
  unlocked: boolean;
}

export interface TailEntry {
  [field: string]: unknown;
  id: string;
  from: string;
  ciphertext: string;
  nonce: string;
  ts: number;
  price: number;
  locked: boolean;
  key: string;
}

export interface ConversationDoc {
  [field: string]: unknown;
  id: string;
  participants: string[];
  messages: TailEntry[];
  last_message: { id: string; from: string; ts: number; price: number; locked: boolean } | null;
  typing_indicator: string[];
  reads: Record<string, { messageId: string; ts: number }>;
  updatedAt: number;
}

export interface MessagePage {
  items: MessageDoc[];
  nextBefore: string | null;
}

export class ConversationStore {
  constructor(
    private readonly docs: DocStore,
    private readonly later: Later,
  ) {}

  load(conversationId: string): Promise<ConversationDoc | null> {
    return this.docs.get<ConversationDoc>(CONVERSATIONS, conversationId);
  }

  message(conversationId: string, messageId: string): Promise<MessageDoc | null> {
    return this.docs.get<MessageDoc>(messagesCollection(conversationId), messageId);
  }

  saveMessage(message: MessageDoc): void {
    this.later.doc({ op: "set", collection: messagesCollection(message.conversationId), id: message.id, data: message });
  }

  saveConversation(doc: ConversationDoc): void {
    this.later.doc({ op: "set", collection: CONVERSATIONS, id: doc.id, data: doc, merge: true });
  }

  markUnlocked(conversationId: string, messageId: string): void {
    this.later.doc({ op: "set", collection: messagesCollection(conversationId), id: messageId, data: { unlocked: true }, merge: true });
  }

  /** Messages with seq < before, the newest `limit` of them, oldest first. */
  async page(conversationId: string, options: { before?: string; limit: number }): Promise<MessagePage> {
    const found = await this.docs.query<MessageDoc>(messagesCollection(conversationId), {
      where: options.before === undefined ? [] : [["seq", "<", options.before]],
      orderBy: { field: "seq", direction: "desc" },
      limit: options.limit + 1,
    });
    const page = found.slice(0, options.limit);
    const oldest = page[page.length - 1];
    return { items: page.reverse().map((m) => m.data), nextBefore: found.length > options.limit && oldest ? oldest.data.seq : null };
  }

  /** The user's conversations, most recently active first. */
  async listFor(userId: string, limit: number): Promise<ConversationDoc[]> {
    const found = await this.docs.query<ConversationDoc>(CONVERSATIONS, { where: [["participants", "array-contains", userId]] });
    return found
      .map((c) => c.data)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }

  async exportFor(userId: string): Promise<unknown> {
    const out = [];
    for (const c of await this.listFor(userId, Number.MAX_SAFE_INTEGER)) {
      const messages = await this.docs.query<MessageDoc>(messagesCollection(c.id), { where: [["from", "==", userId]] });
      // Ciphertext is all the server holds; the keys to read it are on the participants' devices.
      out.push({ id: c.id, participants: c.participants, updatedAt: c.updatedAt, sentMessages: messages.map((m) => ({ id: m.data.id, ts: m.data.ts, price: m.data.price, ciphertext: m.data.ciphertext, nonce: m.data.nonce })) });
    }
    return out;
  }

  /**
   * GDPR: every conversation the person took part in goes, both sides' lines included — the
   * conversation document names them, and the other side's ciphertext is unreadable without the
   * erased person's device keys anyway.
   */
  async eraseUser(userId: string): Promise<void> {
    for (const c of await this.listFor(userId, Number.MAX_SAFE_INTEGER)) {
      await this.docs.deleteWhere(messagesCollection(c.id), []);
      await this.docs.delete(CONVERSATIONS, c.id);
    }
  }
}
