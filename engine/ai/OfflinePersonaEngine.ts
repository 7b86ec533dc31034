// The offline chat model: a deterministic persona engine, used when no OPENAI_API_KEY is set. It
// answers from the persona's traits, the memories recalled for this reply and the user's last
// line, and it says it is offline in its first reply of every session (the room also shows
// `offline: true`), so nobody mistakes it for a live model. Same input, same answer.
import { contentWords, fnv1a, words } from "./textFeatures.ts";
import type { ChatModel, ChatRequest } from "./ports.ts";

interface Voice {
  react: string[];
  ask: string[];
}

const VOICES: Record<string, Voice> = {
  warm: { react: ["That's really lovely to hear.", "I'm glad you shared that with me."], ask: ["How does {topic} make you feel?", "What do you love most about {topic}?"] },
  caring: { react: ["Thank you for trusting me with that.", "I'm here, and I'm listening."], ask: ["How are you feeling about {topic} today?"] },
  playful: { react: ["Ha, I like where this is going!", "Oh, now you've got my attention."], ask: ["What's the most fun part of {topic}?", "Go on, surprise me: what else about {topic}?"] },
  witty: { react: ["Well, that's one way to make an entrance.", "Bold opening. I approve."], ask: ["Is {topic} your secret talent?"] },
  curious: { react: ["Ooh, interesting.", "Now I'm curious."], ask: ["What got you into {topic}?", "Tell me more about {topic}?"] },
  calm: { react: ["That sounds peaceful.", "Let's take our time with this."], ask: ["What does a perfect day with {topic} look like?"] },
  romantic: { react: ["That's sweet of you to say.", "You know how to make someone smile."], ask: ["What would make {topic} feel special?"] },
  adventurous: { react: ["That sounds like an adventure.", "I love that energy."], ask: ["Where would {topic} take you next?"] },
  confident: { react: ["I like that you know what you want.", "Straight to the point. Nice."], ask: ["What's your plan with {topic}?"] },
};
const DEFAULT_VOICE: Voice = { react: ["Thanks for telling me.", "I hear you."], ask: ["What else is on your mind about {topic}?"] };
const NO_TOPIC_ASK = ["What's on your mind today?", "How has your day been?"];

const ASKS_IF_AI = /\b(are|r)\s+(you|u)\s+(an?\s+)?(ai|bot|robot|real|human|person|machine)\b/i;
const ASKS_MEMORY = /\b(remember|recall|my name|who am i|what do i|do you know)\b/i;

const lowerFirst = (s: string) => (/^(I|I'm|I've)\b/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
const stripEnd = (s: string) => s.trim().replace(/[.!?]+$/, "");

export class OfflinePersonaEngine implements ChatModel {
  readonly kind = "offline" as const;

  constructor(private readonly tokenDelayMs = 0) {}

  /** The whole reply, for callers that do not stream. */
  compose(request: ChatRequest): string {
    const persona = request.context?.persona ?? { name: "your companion", traits: [] };
    const memories = request.context?.memories ?? [];
    const userLine = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const pick = <T>(list: readonly T[], salt: string): T => list[fnv1a(`${salt}|${userLine}|${request.messages.length}`) % list.length]!;

    const parts: string[] = [];
    if (request.context?.firstReply !== false) {
      parts.push(`Quick note: I'm ${persona.name} in offline mode, a simple scripted persona rather than a live AI model, so my answers stay short.`);
    }
    if (ASKS_IF_AI.test(userLine)) parts.push("I'm an AI companion, not a person.");

    const topics = new Set(contentWords(userLine));
    const memory = memories.find((m) => ASKS_MEMORY.test(userLine) || contentWords(m).some((w) => topics.has(w)));
    if (memory) parts.push(`I remember that ${lowerFirst(stripEnd(memory))}.`);

    const voice = persona.traits.map((t) => VOICES[t.toLowerCase()]).find((v) => v !== undefined) ?? DEFAULT_VOICE;
    if (!memory) parts.push(pick(voice.react, "react"));
    const topic = topicOf(userLine);
    parts.push(topic ? pick(voice.ask, "ask").replace("{topic}", topic) : pick(NO_TOPIC_ASK, "ask"));
    return parts.join(" ");
  }

  async *stream(request: ChatRequest): AsyncIterable<string> {
    const text = this.compose(request);
    // Word by word, so offline replies stream through the same path as a hosted model's.
    for (const token of text.match(/\S+\s*/g) ?? []) {
      if (request.signal?.aborted) return;
      await new Promise((r) => (this.tokenDelayMs > 0 ? setTimeout(r, this.tokenDelayMs) : setImmediate(r)));
      yield token;
    }
  }
}

/** The longest topic word of a line, as the user wrote it, or "" when there is none. */
function topicOf(line: string): string {
  const stems = new Set(contentWords(line));
  const candidates = words(line).filter((w) => w.length > 3 && contentWords(w).some((s) => stems.has(s)));
  return candidates.sort((a, b) => b.length - a.length || a.localeCompare(b))[0] ?? "";
}
