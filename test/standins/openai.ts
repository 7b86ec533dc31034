// A local OpenAI-compatible HTTP server, so tests drive the REAL `openai` SDK over real HTTP via
// `baseURL`: chat.completions (JSON, or `stream: true` as server-sent events, one chunk per token,
// with a delay between tokens), embeddings (float or the SDK's default base64 encoding) and
// moderations. What it answers is decided by hooks the test sets; every request is recorded, so a
// test can prove the model was NOT called.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HashingEmbedder } from "../../engine/ai/HashingEmbedder.ts";

export interface StandInChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream: boolean;
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
}

export interface StandInRecord {
  path: string;
  body: any;
  /** For streamed chat: true once the client went away before the last token. */
  aborted: boolean;
}

export interface OpenAiStandInOptions {
  /** Expected as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Milliseconds between streamed tokens. */
  tokenDelayMs?: number;
}

/** The moderation labels the real API reports, all false unless the hook flags them. */
const MODERATION_LABELS = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
] as const;

export class OpenAiStandIn {
  readonly apiKey: string;
  tokenDelayMs: number;
  readonly requests: StandInRecord[] = [];
  /** The reply text for a chat request; split into tokens on word boundaries. */
  reply: (request: StandInChatRequest) => string = () => "Hello from the stand-in.";
  /** Moderation labels to flag for an input. */
  moderate: (input: string) => string[] = () => [];
  private server: Server | undefined;
  private port = 0;

  constructor(options: OpenAiStandInOptions = {}) {
    this.apiKey = options.apiKey ?? "standin-key";
    this.tokenDelayMs = options.tokenDelayMs ?? 20;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  count(path: "/v1/chat/completions" | "/v1/embeddings" | "/v1/moderations"): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  chatRequests(): StandInChatRequest[] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as StandInChatRequest);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "").split("?")[0]!;
    let body: any;
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      return sendJson(res, 400, { error: { message: "invalid JSON", type: "invalid_request_error" } });
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return sendJson(res, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } });
    }
    const record: StandInRecord = { path, body, aborted: false };
    this.requests.push(record);
    if (req.method === "POST" && path === "/v1/chat/completions") return this.chat(body as StandInChatRequest, res, record);
    if (req.method === "POST" && path === "/v1/embeddings") return this.embeddings(body, res);
    if (req.method === "POST" && path === "/v1/moderations") return this.moderations(body, res);
    sendJson(res, 404, { error: { message: `Unknown path ${path}`, type: "invalid_request_error" } });
  }

  private async chat(body: StandInChatRequest, res: ServerResponse, record: StandInRecord) {
    if (typeof body.model !== "string" || !Array.isArray(body.messages)) return sendJson(res, 400, { error: { message: "model and messages are required", type: "invalid_request_error" } });
    const text = this.reply(body);
    const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    let closed = false;
    res.on("close", () => (closed = true));
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (const token of text.match(/\S+\s*/g) ?? []) {
      await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      if (closed) {
        record.aborted = true;
        return;
      }
      res.write(chunk({ content: token }, null));
    }
    res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  }

  private embeddings(body: { input: unknown; model: string; dimensions?: number; encoding_format?: string }, res: ServerResponse) {
    const inputs = typeof body.input === "string" ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : null;
    if (!inputs || typeof body.model !== "string") return sendJson(res, 400, { error: { message: "input and model are required", type: "invalid_request_error" } });
    // Deterministic and meaningful enough for retrieval tests: the engine's own offline embedder.
    const embedder = new HashingEmbedder(body.dimensions ?? 1536);
    const data = inputs.map((text, index) => {
      const values = embedder.embedOne(text);
      const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(values).buffer).toString("base64") : values;
      return { object: "embedding", index, embedding };
    });
    sendJson(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  }

  private moderations(body: { input: unknown; model?: string }, res: ServerResponse) {
    const inputs = typeof body.input === "string" ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : null;
    if (!inputs) return sendJson(res, 400, { error: { message: "input is required", type: "invalid_request_error" } });
    const results = inputs.map((input) => {
      const flagged = new Set(this.moderate(input));
      const categories = Object.fromEntries(MODERATION_LABELS.map((l) => [l, flagged.has(l)]));
      const scores = Object.fromEntries(MODERATION_LABELS.map((l) => [l, flagged.has(l) ? 0.97 : 0.001]));
      const types = Object.fromEntries(MODERATION_LABELS.map((l) => [l, ["text"]]));
      return { flagged: flagged.size > 0, categories, category_scores: scores, category_applied_input_types: types };
    });
    sendJson(res, 200, { id: `modr-${Math.random().toString(36).slice(2)}`, model: body.model ?? "omni-moderation-latest", results });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startOpenAiStandIn(options: OpenAiStandInOptions = {}): Promise<OpenAiStandIn> {
  return new OpenAiStandIn(options).start();
}
