// Collects a streamed answer whole, for features that show a finished text (suggestions, icebreakers).
import type { ChatModel, ChatRequest } from "./ports.ts";

export async function complete(model: ChatModel, request: ChatRequest): Promise<string> {
  let text = "";
  for await (const token of model.stream(request)) text += token;
  return text.trim();
}

/** The first JSON array of strings in a model's answer, or [] (models wrap JSON in prose or fences). */
export function stringsFromJson(answer: string): string[] {
  const json = /\[[\s\S]*\]/.exec(answer)?.[0];
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string").map((s) => s.trim()).filter(Boolean) : [];
  } catch {
    return [];
  }
}
