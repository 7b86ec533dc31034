// The AI ports (ARCHITECTURE principle 7). Each has an OpenAI adapter (the `openai` SDK with a
// configurable baseURL, so any OpenAI-compatible server works) and an offline default that says
// what it is. Rooms and routes see only these interfaces, never a model.
import type { SafetyCategory } from "../safety/policy.ts";

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A persona as the models see it: enough to speak in its voice. */
export interface PersonaBrief {
  name: string;
  traits: string[];
  greeting?: string;
}

export interface ChatRequest {
  model: string;
  /** System prompt first, then the conversation, the user's new line last. */
  messages: ChatMessage[];
  maxTokens: number;
  temperature?: number;
  /** Aborts generation (safeword, a blocked sentence, the client leaving). */
  signal?: AbortSignal;
  /**
   * The same conversation as structured data, for engines that do not read prose (the offline
   * persona engine). Hosted models ignore it: everything here is also in `messages`.
   */
  context?: { persona: PersonaBrief; memories: string[]; firstReply: boolean };
}

export interface ChatModel {
  /** "openai" or "offline"; shown to users so an offline answer is never mistaken for a model's. */
  readonly kind: "openai" | "offline";
  /** Streams the reply token by token (a token is any non-empty piece of text). */
  stream(request: ChatRequest): AsyncIterable<string>;
}

export interface Embedder {
  readonly kind: "openai" | "offline";
  readonly dimension: number;
  /** One vector per text, in order; every vector has `dimension` finite values and is not all zero. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** A hosted classifier's opinion in the platform's own categories (the policy decides the action). */
export interface Moderation {
  readonly kind: string;
  classify(text: string): Promise<SafetyCategory[]>;
}
