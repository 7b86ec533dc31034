// One place that builds the `openai` SDK client from config. Every field is passed explicitly:
// the SDK would otherwise read OPENAI_* from process.env itself, and config/env.ts is the only
// reader of the environment.
import OpenAI from "openai";

export interface OpenAiSettings {
  apiKey: string;
  /** Any OpenAI-compatible server; unset → api.openai.com. */
  baseURL?: string | undefined;
  /** Per request; a stalled server must not hold a companion reply forever. */
  timeoutMs?: number;
  maxRetries?: number;
}

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export function createOpenAiClient(settings: OpenAiSettings): OpenAI {
  return new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    timeout: settings.timeoutMs ?? 30_000,
    maxRetries: settings.maxRetries ?? 1,
  });
}
