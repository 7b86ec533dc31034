// The companion as its own actor (ARCHITECTURE: "the AI joins a room like a user and streams its
// reply; the room knows nothing about the model"). The room hands it the conversation and the
// recalled memories and appends whatever it yields. Nothing reaches the room unscanned: tokens are
// cut into sentences, each sentence is checked on the ai_output surface, and the first one that is
// withheld is replaced by a safe refusal and ends the reply (the model is aborted; what it would
// have said next follows from what was withheld). Pieces keep their trailing whitespace, so the
// room can simply concatenate them.
import type { Logger } from "../logger.ts";
import { Guardrails, SAFE_REFUSAL } from "./Guardrails.ts";
import type { ChatModel, PersonaBrief } from "./ports.ts";
import { buildMessages } from "./prompt.ts";
import { SentenceSplitter } from "./SentenceSplitter.ts";
import type { TierLimits } from "./tiers.ts";
import type { ChatTurn } from "./types.ts";

/** What a room needs from a companion; nothing in it names a model. */
export interface CompanionActor {
  readonly name: string;
  /** True when no hosted model answers (the UI says so). */
  readonly offline: boolean;
  /** Vetted pieces of the reply to the last user turn of `history`, in order. */
  reply(history: readonly ChatTurn[], memories: readonly string[], options?: ReplyOptions): AsyncIterable<string>;
}

export interface ReplyOptions {
  signal?: AbortSignal;
  /** The first reply of a session (the offline engine introduces itself then). */
  firstReply?: boolean;
  /** Told when a sentence is withheld, for logs and the debug tier. */
  onWithheld?: (sentence: string) => void;
}

export interface CompanionBotDeps {
  persona: PersonaBrief;
  model: ChatModel;
  modelName: string;
  limits: TierLimits;
  guard: Guardrails;
  logger: Logger;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
}

export const LOST_THREAD = "Sorry, I lost my train of thought. Could you say that again?";

export class CompanionBot implements CompanionActor {
  readonly name: string;
  readonly offline: boolean;

  constructor(private readonly d: CompanionBotDeps) {
    this.name = d.persona.name;
    this.offline = d.model.kind === "offline";
  }

  async *reply(history: readonly ChatTurn[], memories: readonly string[], options: ReplyOptions = {}): AsyncIterable<string> {
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort();
    options.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const splitter = new SentenceSplitter();
    const tokens = this.d.model.stream({
      model: this.d.modelName,
      messages: buildMessages(this.d.persona, memories, history, this.d.limits.historyTurns),
      maxTokens: Math.min(this.d.maxTokens ?? this.d.limits.maxReplyTokens, this.d.limits.maxReplyTokens),
      ...(this.d.temperature !== undefined ? { temperature: this.d.temperature } : {}),
      signal: abort.signal,
      context: { persona: this.d.persona, memories: [...memories], firstReply: options.firstReply ?? false },
    });
    let failed = false;
    try {
      try {
        for await (const token of tokens) {
          for (const sentence of splitter.push(token)) {
            if (!(await this.vet(sentence, options))) {
              yield SAFE_REFUSAL;
              return;
            }
            yield sentence;
          }
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        this.d.logger.warn({ err, persona: this.name }, "companion model failed mid-reply");
        failed = true;
      }
      // What was still held back (the last sentence, or what came before a failure) is vetted like the rest.
      for (const rest of splitter.end()) {
        if (!(await this.vet(rest, options))) {
          yield SAFE_REFUSAL;
          return;
        }
        yield failed && !/\s$/.test(rest) ? `${rest} ` : rest;
      }
      if (failed) yield LOST_THREAD;
    } finally {
      // Stops the model when the reply ends early (withheld sentence, safeword, client gone).
      abort.abort();
      options.signal?.removeEventListener("abort", onOuterAbort);
    }
  }

  private async vet(sentence: string, options: ReplyOptions): Promise<boolean> {
    if (await this.d.guard.allowsOutput(sentence)) return true;
    options.onWithheld?.(sentence);
    return false;
  }
}
