// Fact extraction by the hosted chat model (online mode): one short JSON-only request per session.
// Anything unparsable falls back to the offline rules, so a chatty model costs quality, not memory.
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { complete } from "./complete.ts";
import type { ExtractedFact, FactExtractor } from "./FactExtractor.ts";
import type { ChatModel } from "./ports.ts";

export const FACT_PROMPT_MARKER = "[teezu:extract-facts]";
const MAX_FACTS = 12;

const answer = z.array(z.object({ fact: z.string().trim().min(3).max(200), importance: z.number().min(0).max(1).catch(0.5) })).max(50);

export class ModelFactExtractor implements FactExtractor {
  readonly kind = "model";

  constructor(
    private readonly model: ChatModel,
    private readonly modelName: string,
    private readonly fallback: FactExtractor,
    private readonly logger: Logger,
  ) {}

  async extract(userLines: readonly string[]): Promise<ExtractedFact[]> {
    if (userLines.length === 0) return [];
    try {
      const text = await complete(this.model, {
        model: this.modelName,
        maxTokens: 400,
        temperature: 0,
        messages: [
          {
            role: "system",
            content:
              `${FACT_PROMPT_MARKER} Extract durable facts the user stated about themselves (name, likes, work, plans). ` +
              'Write each in the second person ("Your name is Sam."). Skip anything about other people, contact details, or anything unsafe. ' +
              'Answer with JSON only: [{"fact": string, "importance": number 0..1}].',
          },
          { role: "user", content: userLines.map((l) => `- ${l}`).join("\n") },
        ],
      });
      const json = /\[[\s\S]*\]/.exec(text)?.[0];
      const parsed = answer.safeParse(json ? JSON.parse(json) : undefined);
      if (!parsed.success) throw new Error("fact extraction answer is not the expected JSON");
      return parsed.data.slice(0, MAX_FACTS).map((f) => ({ text: f.fact, importance: f.importance }));
    } catch (err) {
      this.logger.warn({ err }, "model fact extraction failed; offline rules used");
      return this.fallback.extract(userLines);
    }
  }
}
