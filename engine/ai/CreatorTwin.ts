// Creator AI twin (SPEC §7.3): suggested replies for a creator, drawn from what they themselves
// wrote in their past stream chats. Training pairs each of the creator's lines with the fan line it
// most likely answered, and indexes the fan line: a new fan message then finds the moments most
// like it and offers what the creator said back then. Online, the model also drafts one reply in
// the creator's voice from those examples. Every suggestion is scanned before it is offered.
import { chatCollection, type ChatLineDoc } from "../../rooms/stream/chatLog.ts";
import type { DocStore, VectorIndex } from "../../storage/ports.ts";
import type { Logger } from "../logger.ts";
import { complete } from "./complete.ts";
import type { Guardrails } from "./Guardrails.ts";
import { userNamespace } from "./MemoryStore.ts";
import type { ChatModel, Embedder } from "./ports.ts";
import { GUARDRAILS } from "./prompt.ts";

export const TWIN_KIND = "creator_twin";
export const TWINS = "aiTwins";
/** Per stream, most recent first: enough to learn a voice, bounded in time and vectors. */
const LINES_PER_STREAM = 2000;
const MAX_PAIRS = 5000;
/** A creator's line answers a fan line at most this many lines before it. */
const ANSWER_WINDOW = 6;

export interface TwinSuggestion {
  text: string;
  source: "past_line" | "generated";
  score: number;
  streamId?: string;
}

export interface TwinStatus {
  lines: number;
  streams: number;
  trainedAt: number | null;
}

interface TwinDoc {
  [field: string]: unknown;
  creatorId: string;
  ids: string[];
  lines: number;
  streams: number;
  trainedAt: number;
}

export interface CreatorTwinDeps {
  docs: DocStore;
  vectors: VectorIndex;
  embedder: Embedder;
  chat: ChatModel;
  modelName: string;
  guard: Guardrails;
  logger: Logger;
  /** The creator's stream ids, newest first. */
  streamIdsOf: (creatorId: string) => Promise<string[]>;
  now?: () => number;
}

interface Pair {
  id: string;
  prompt: string;
  reply: string;
  streamId: string;
  ts: number;
}

export class CreatorTwin {
  constructor(private readonly d: CreatorTwinDeps) {}

  async status(creatorId: string): Promise<TwinStatus> {
    const doc = await this.d.docs.get<TwinDoc>(TWINS, creatorId);
    return doc ? { lines: doc.lines, streams: doc.streams, trainedAt: doc.trainedAt } : { lines: 0, streams: 0, trainedAt: null };
  }

  /**
   * (Re)indexes the creator's chat lines. Written directly (not write-behind): the creator waits for
   * "trained", and the next suggestion must already see it. Upserts by line id, so it is idempotent;
   * lines deleted by moderation since the last run are removed from the index.
   */
  async train(creatorId: string): Promise<TwinStatus> {
    const streamIds = await this.d.streamIdsOf(creatorId);
    const pairs: Pair[] = [];
    for (const streamId of streamIds) {
      if (pairs.length >= MAX_PAIRS) break;
      const lines = (await this.d.docs.query<ChatLineDoc>(chatCollection(streamId), { orderBy: { field: "seq", direction: "desc" }, limit: LINES_PER_STREAM })).map((s) => s.data).reverse();
      pairs.push(...pairLines(lines, creatorId, streamId).slice(-(MAX_PAIRS - pairs.length)));
    }
    const previous = await this.d.docs.get<TwinDoc>(TWINS, creatorId);
    const namespace = userNamespace(creatorId);
    for (let i = 0; i < pairs.length; i += 100) {
      const batch = pairs.slice(i, i + 100);
      const vectors = await this.d.embedder.embed(batch.map((p) => p.prompt || p.reply));
      await this.d.vectors.upsert(
        namespace,
        batch.map((p, k) => ({ id: p.id, values: vectors[k]!, metadata: { kind: TWIN_KIND, reply: p.reply, prompt: p.prompt, streamId: p.streamId, ts: p.ts } })),
      );
    }
    const ids = pairs.map((p) => p.id);
    const kept = new Set(ids);
    const gone = (previous?.ids ?? []).filter((id) => !kept.has(id));
    if (gone.length) await this.d.vectors.delete(namespace, gone);
    const doc: TwinDoc = { creatorId, ids, lines: pairs.length, streams: streamIds.length, trainedAt: (this.d.now ?? Date.now)() };
    await this.d.docs.set(TWINS, creatorId, doc);
    return { lines: doc.lines, streams: doc.streams, trainedAt: doc.trainedAt };
  }

  /** Up to `count` suggestions for answering `message`; trains first if the twin never was. */
  async suggest(creator: { id: string; displayName: string }, message: string, count: number): Promise<{ suggestions: TwinSuggestion[]; status: TwinStatus }> {
    let status = await this.status(creator.id);
    if (status.trainedAt === null) status = await this.train(creator.id);
    const [vector] = await this.d.embedder.embed([message]);
    const matches = status.lines === 0 ? [] : await this.d.vectors.query(userNamespace(creator.id), { vector: vector!, topK: Math.min(100, count * 4), filter: { kind: TWIN_KIND } });

    const seen = new Set<string>();
    const past: TwinSuggestion[] = [];
    for (const m of matches) {
      const text = String(m.metadata.reply ?? "").trim();
      const key = text.toLowerCase();
      if (!text || seen.has(key) || !(await this.d.guard.allowsOutput(text))) continue;
      seen.add(key);
      past.push({ text, source: "past_line", score: round(m.score), streamId: String(m.metadata.streamId ?? "") });
      if (past.length >= count) break;
    }

    if (this.d.chat.kind === "offline") return { suggestions: past, status };
    const drafted = await this.draft(creator.displayName, message, past.map((p) => p.text));
    if (!drafted || seen.has(drafted.toLowerCase())) return { suggestions: past, status };
    const generated: TwinSuggestion = { text: drafted, source: "generated", score: 1 };
    return { suggestions: [generated, ...past].slice(0, count), status };
  }

  private async draft(name: string, message: string, examples: string[]): Promise<string | null> {
    try {
      const text = await complete(this.d.chat, {
        model: this.d.modelName,
        maxTokens: 120,
        temperature: 0.7,
        messages: [
          {
            role: "system",
            content:
              `You draft one short chat reply for ${name}, a creator live-streaming on TeezU (adults only), in their own voice. ` +
              (examples.length ? `Replies they wrote before:\n${examples.map((e) => `- ${e}`).join("\n")}\n` : "") +
              `Answer with the reply text only.\nRules:\n${GUARDRAILS.map((r) => `- ${r}`).join("\n")}`,
          },
          { role: "user", content: message },
        ],
      });
      return text && (await this.d.guard.allowsOutput(text)) ? text : null;
    } catch (err) {
      this.d.logger.warn({ err }, "twin draft failed; past lines only");
      return null;
    }
  }

  async erase(creatorId: string): Promise<void> {
    // The vectors go with the user's namespace (MemoryStore.eraseUser); this is the bookkeeping.
    await this.d.docs.delete(TWINS, creatorId);
  }
}

/** The creator's chat lines, each with the fan line it most likely answered ("" when none). */
export function pairLines(lines: readonly ChatLineDoc[], creatorId: string, streamId: string): Pair[] {
  const pairs: Pair[] = [];
  let lastFan: { text: string; at: number } | null = null;
  lines.forEach((line, at) => {
    if (line.deleted || line.kind !== "chat" || !line.text) return;
    if (line.userId !== creatorId) {
      lastFan = { text: line.text, at };
      return;
    }
    const fan = lastFan as { text: string; at: number } | null;
    const prompt = fan && at - fan.at <= ANSWER_WINDOW ? fan.text : "";
    pairs.push({ id: `twin_${line.id}`, prompt, reply: line.text, streamId, ts: line.ts });
  });
  return pairs;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
