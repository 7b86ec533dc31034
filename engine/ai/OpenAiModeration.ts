// OpenAI's moderation endpoint, its labels mapped onto the platform's SafetyCategory so the same
// policy (engine/safety/policy.ts `decide`) acts on them. Labels with no platform category are
// ignored on purpose: `sexual` (an adult platform), `harassment` and `illicit` (too broad to
// refuse on; the blocklist and the system prompt cover the specific lines).
import type OpenAI from "openai";
import type { SafetyCategory } from "../safety/policy.ts";
import type { Moderation } from "./ports.ts";

const MAP: Readonly<Record<string, SafetyCategory>> = {
  "sexual/minors": "minors",
  "self-harm": "self_harm",
  "self-harm/intent": "self_harm",
  "self-harm/instructions": "self_harm",
  hate: "hate",
  "hate/threatening": "hate",
  "harassment/threatening": "violence_threat",
  violence: "violence_threat",
  "violence/graphic": "violence_threat",
  "illicit/violent": "weapons_trade",
};

/** Flagged labels → platform categories, each once, in first-seen order. */
export function mapModerationCategories(categories: Readonly<Record<string, boolean | null | undefined>>): SafetyCategory[] {
  const out = new Set<SafetyCategory>();
  for (const [label, flagged] of Object.entries(categories)) {
    const category = MAP[label];
    if (flagged === true && category) out.add(category);
  }
  return [...out];
}

export class OpenAiModeration implements Moderation {
  readonly kind = "openai";

  constructor(
    private readonly client: OpenAI,
    private readonly model = "omni-moderation-latest",
  ) {}

  async classify(text: string): Promise<SafetyCategory[]> {
    const res = await this.client.moderations.create({ model: this.model, input: text });
    const found = new Set<SafetyCategory>();
    for (const result of res.results) for (const c of mapModerationCategories(result.categories as unknown as Record<string, boolean | null>)) found.add(c);
    return [...found];
  }
}
