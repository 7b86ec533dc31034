// What each AI-tool tier of SPEC §9 may do. A tier comes from the role (config/roles.ts
// `aiTierOf`); the limits below are what it protects: model spend (messages per hour, reply
// length, which model) and how much of a user's past the companion brings into a reply.
import { aiTierOf, type AiTier, type Role } from "../../config/roles.ts";

export interface TierLimits {
  tier: AiTier;
  /** AI calls (companion replies, suggestions, icebreakers) per user per clock hour. */
  messagesPerHour: number;
  /** Memories recalled into each reply. */
  memoryDepth: number;
  /** Past messages of the conversation sent with each reply. */
  historyTurns: number;
  /** "standard" uses OPENAI_MODEL; "pro" uses OPENAI_MODEL_PRO (or a persona's own model). */
  model: "standard" | "pro";
  maxReplyTokens: number;
  /** Creator AI twin (suggested replies from one's own stream chat). */
  twin: boolean;
  /** Sees recalled memories and their scores next to each reply. */
  debug: boolean;
}

const TABLE: Record<AiTier, Omit<TierLimits, "tier">> = {
  none: { messagesPerHour: 0, memoryDepth: 0, historyTurns: 0, model: "standard", maxReplyTokens: 0, twin: false, debug: false },
  basic: { messagesPerHour: 30, memoryDepth: 3, historyTurns: 10, model: "standard", maxReplyTokens: 200, twin: false, debug: false },
  full: { messagesPerHour: 120, memoryDepth: 8, historyTurns: 20, model: "standard", maxReplyTokens: 400, twin: false, debug: false },
  pro: { messagesPerHour: 300, memoryDepth: 16, historyTurns: 30, model: "pro", maxReplyTokens: 600, twin: false, debug: false },
  creator: { messagesPerHour: 300, memoryDepth: 16, historyTurns: 30, model: "pro", maxReplyTokens: 600, twin: true, debug: false },
  debug: { messagesPerHour: 1000, memoryDepth: 32, historyTurns: 40, model: "pro", maxReplyTokens: 800, twin: true, debug: true },
};

export function tierLimits(tier: AiTier): TierLimits {
  return { tier, ...TABLE[tier] };
}

export function limitsForRole(role: Role): TierLimits {
  return tierLimits(aiTierOf(role));
}
