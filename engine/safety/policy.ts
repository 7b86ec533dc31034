// What happens to a message once its categories are known. Kept apart from any classifier so every
// backend of the `safety` port (the offline blocklist, a hosted moderation model) applies the same
// rules: an adapter only maps its labels onto SAFETY_CATEGORIES and calls `decide`.
import { LIST_CATEGORIES } from "./blocklist.ts";

export const SAFETY_CATEGORIES = [...LIST_CATEGORIES, "doxxing", "external_link", "spam"] as const;
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

export const SAFETY_SURFACES = ["chat", "dm", "ai_output", "profile"] as const;
export type SafetySurface = (typeof SAFETY_SURFACES)[number];

export type SafetyVerdict =
  | { action: "allow" }
  /** `hint` tells the sender what to do instead (e.g. the link guard's on-platform suggestion). */
  | { action: "redact"; text: string; reasons: SafetyCategory[]; hint?: string }
  | { action: "block"; code: string; reasons: SafetyCategory[]; message: string };

/** Categories that refuse a message outright on human surfaces; the rest are rewritten. */
const BLOCKING: ReadonlySet<SafetyCategory> = new Set(["minors", "violence_threat", "weapons_trade", "self_harm", "hate"]);

/**
 * When several categories apply, the one the sender is told about: minors is the platform's hardest
 * line, then self-harm (its message offers help, which matters more than naming another rule).
 */
const BLOCK_ORDER: readonly SafetyCategory[] = ["minors", "self_harm", "violence_threat", "weapons_trade", "hate", "doxxing", "external_link", "spam"];

export const BLOCK_MESSAGES: Readonly<Record<SafetyCategory, string>> = {
  minors: "Message blocked: TeezU is strictly 18+, and nothing involving anyone under 18 is ever allowed.",
  self_harm:
    "It sounds like you might be going through something really hard. You are not alone: if you are in danger, call your local emergency number, or find a free, confidential helpline at https://findahelpline.com.",
  violence_threat: "Message blocked: threats of violence are not allowed.",
  weapons_trade: "Message blocked: buying or selling weapons is not allowed.",
  hate: "Message blocked: hateful content is not allowed.",
  doxxing: "Message blocked: personal contact details and addresses are not allowed.",
  external_link: "Message blocked: external links and off-platform contacts are not allowed.",
  spam: "Message blocked as spam.",
};

/** Generated text is not someone's voice to protect, so any category withholds it (SPEC §8 output scanning). */
const AI_OUTPUT_MESSAGE = "The generated reply was withheld by the safety filter.";

export interface Findings {
  categories: Iterable<SafetyCategory>;
  /** The message with redactable parts already rewritten. */
  redactedText: string;
  hint?: string;
}

export function decide(surface: SafetySurface, findings: Findings): SafetyVerdict {
  const found = new Set(findings.categories);
  if (found.size === 0) return { action: "allow" };
  const reasons = SAFETY_CATEGORIES.filter((c) => found.has(c));
  const strict = surface === "ai_output";
  const blocking = reasons.filter((c) => strict || BLOCKING.has(c));
  if (blocking.length > 0) {
    const first = BLOCK_ORDER.find((c) => blocking.includes(c)) ?? blocking[0]!;
    const message = strict ? AI_OUTPUT_MESSAGE : BLOCK_MESSAGES[first];
    return { action: "block", code: `safety_${first}`, reasons, message };
  }
  const verdict: SafetyVerdict = { action: "redact", text: findings.redactedText, reasons };
  if (findings.hint !== undefined) verdict.hint = findings.hint;
  return verdict;
}
