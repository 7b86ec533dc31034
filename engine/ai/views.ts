// The HTTP shapes of the AI features: persona input (SPEC field names: personality_traits,
// model_config) and what leaves the server.
import { z } from "zod";
import { AI_TIERS } from "../../config/roles.ts";

export const modelConfigSchema = z
  .object({
    // Model ids as OpenAI-compatible servers spell them ("gpt-4o-mini", "meta-llama/Llama-3.1-8B").
    model: z.string().trim().regex(/^[\w.:/@-]{1,100}$/, "letters, digits and . : / @ - _ only").optional(),
    temperature: z.number().min(0).max(1.5).optional(),
    maxTokens: z.number().int().min(16).max(800).optional(),
    greeting: z.string().trim().min(1).max(300).optional(),
  })
  .strict();

const traits = z
  .array(z.string().trim().min(1).max(40))
  .min(1)
  .max(12)
  .transform((list) => [...new Set(list.map((t) => t.toLowerCase()))]);

export const newPersonaSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    personality_traits: traits,
    model_config: modelConfigSchema.optional(),
  })
  .strict();

export const personaPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(60).optional(),
    personality_traits: traits.optional(),
    model_config: modelConfigSchema.optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), "give at least one field to change");

export const personaSchema = z.object({
  id: z.string(),
  name: z.string(),
  personality_traits: z.array(z.string()),
  model_config: modelConfigSchema,
  ownerId: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const turnSchema = z.object({ id: z.string(), role: z.enum(["user", "assistant"]), text: z.string(), ts: z.number() });

export const memorySchema = z.object({ id: z.string(), companionId: z.string(), text: z.string(), importance: z.number(), ts: z.number() });

export const aiStatusSchema = z.object({
  mode: z.enum(["online", "offline"]),
  moderation: z.enum(["openai", "offline"]),
  tier: z.enum(AI_TIERS),
  limits: z.object({ messagesPerHour: z.number(), memoryDepth: z.number(), historyTurns: z.number(), maxReplyTokens: z.number(), model: z.string(), twin: z.boolean(), debug: z.boolean() }),
  usage: z.object({ used: z.number(), limit: z.number(), resetsAt: z.number() }),
});

export const twinStatusSchema = z.object({ lines: z.number(), streams: z.number(), trainedAt: z.number().nullable() });

export const twinSuggestionSchema = z.object({ text: z.string(), source: z.enum(["past_line", "generated"]), score: z.number(), streamId: z.string().optional() });

export const icebreakerSchema = z.object({ text: z.string(), source: z.enum(["template", "generated"]) });
