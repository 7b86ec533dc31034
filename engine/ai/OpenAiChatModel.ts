// The hosted chat model: chat.completions with `stream: true`, yielding each content delta as it
// arrives. Works with OpenAI and any server that speaks the same API (baseURL).
import type OpenAI from "openai";
import type { ChatModel, ChatRequest } from "./ports.ts";

export class OpenAiChatModel implements ChatModel {
  readonly kind = "openai" as const;

  constructor(private readonly client: OpenAI) {}

  async *stream(request: ChatRequest): AsyncIterable<string> {
    const stream = await this.client.chat.completions.create(
      {
        model: request.model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        stream: true,
        // The current field; `max_tokens` is deprecated and refused by newer OpenAI models.
        max_completion_tokens: request.maxTokens,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      },
      request.signal ? { signal: request.signal } : undefined,
    );
    // Leaving this loop early (break, abort) closes the HTTP stream through the SDK's iterator.
    for await (const chunk of stream) {
      const token = chunk.choices[0]?.delta?.content;
      if (token) yield token;
    }
  }
}
