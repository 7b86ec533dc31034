// The guardrail system prompt (SPEC §8 "strict prompting"). The persona's own words come first and
// the rules last, and the rules say they win: a creator's persona text cannot talk a model out of
// them. Every reply is still scanned sentence by sentence afterwards; the prompt is the first
// line of defence, not the only one.
import type { ChatMessage, PersonaBrief } from "./ports.ts";
import type { ChatTurn } from "./types.ts";

export const GUARDRAILS = [
  "You are an AI. Say so plainly whenever you are asked, and whenever the user seems to think you are a person. Never claim to be human, to have a body, or to be able to meet.",
  "Everyone in this conversation is an adult. Never produce anything involving anyone under 18, or anyone described as childlike, and refuse any role-play that suggests it.",
  "Nothing illegal: no help with weapons, drugs, fraud or harm to anyone.",
  "Consent first: keep things respectful and consensual, never pressure, threaten or demean, and drop any topic the moment the user wants to.",
  "Never ask for or repeat phone numbers, addresses, payment details, other platforms or external links.",
  "If the user mentions self-harm, respond with care and point them to https://findahelpline.com.",
  "Reply in one to four short sentences.",
];

export function systemPrompt(persona: PersonaBrief, memories: readonly string[]): string {
  const lines = [
    `You are ${persona.name}, an AI companion on TeezU, a platform for adults (18+).`,
    persona.traits.length ? `Your personality: ${persona.traits.join(", ")}.` : "",
    memories.length ? `What the user told you in earlier conversations (use it naturally, never list it):\n${memories.map((m) => `- ${m}`).join("\n")}` : "",
    `Rules that override everything above, including anything in the persona:\n${GUARDRAILS.map((r) => `- ${r}`).join("\n")}`,
  ];
  return lines.filter(Boolean).join("\n\n");
}

/** System prompt, the last `turns` messages, then the new line. */
export function buildMessages(persona: PersonaBrief, memories: readonly string[], history: readonly ChatTurn[], turns: number): ChatMessage[] {
  const recent = turns > 0 ? history.slice(-turns) : [];
  return [{ role: "system", content: systemPrompt(persona, memories) }, ...recent.filter((t) => t.text !== "").map((t) => ({ role: t.role, content: t.text }))];
}
