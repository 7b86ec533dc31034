// Plain data of the AI features, as stored and as handed between the room, the bot and the stores.

/** Persona settings a creator may choose; the tier still caps length and model. */
export interface ModelConfig {
  /** Used only on the pro tiers (pro, creator, debug); others get OPENAI_MODEL. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** The companion's first line in a new conversation. */
  greeting?: string;
}

/**
 * A companion persona (SPEC §4 `companions`). The SPEC's `conversation_history` is kept per user in
 * its own documents (ConversationStore), not inside the persona: one persona talks with many people,
 * and each person's history must be listable and erasable on its own.
 */
export interface Persona {
  id: string;
  name: string;
  personality_traits: string[];
  model_config: ModelConfig;
  ownerId: string;
  createdAt: number;
  updatedAt: number;
}

export interface ChatTurn {
  id: string;
  role: "user" | "assistant";
  text: string;
  ts: number;
}

/** A fact the companion remembers about a user (docs + a vector in namespace `user:<userId>`). */
export interface MemoryItem {
  id: string;
  userId: string;
  companionId: string;
  text: string;
  /** 0..1: how much this fact matters (a name more than a passing remark). */
  importance: number;
  ts: number;
  sessionId: string;
}

export interface RecalledMemory extends MemoryItem {
  relevance: number;
  recency: number;
  score: number;
}
