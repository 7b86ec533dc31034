// Hosted embeddings. The vector index is fixed at 1536 dimensions (storage VECTOR_DIMENSION), so
// text-embedding-3 models are asked for exactly that and any other answer size is refused loudly
// instead of being written into the index.
import type OpenAI from "openai";
import type { Embedder } from "./ports.ts";

/** Requests stay well under the API's per-request input limit. */
const BATCH = 64;

export class OpenAiEmbedder implements Embedder {
  readonly kind = "openai" as const;

  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
    readonly dimension: number,
  ) {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const input = texts.slice(i, i + BATCH).map((t) => (t.trim() === "" ? " " : t));
      const res = await this.client.embeddings.create({
        model: this.model,
        input,
        // Only the -3 family accepts `dimensions`; older models are 1536 already or rejected below.
        ...(this.model.startsWith("text-embedding-3") ? { dimensions: this.dimension } : {}),
      });
      const rows = [...res.data].sort((a, b) => a.index - b.index);
      if (rows.length !== input.length) throw new Error(`embeddings: asked for ${input.length}, got ${rows.length}`);
      for (const row of rows) {
        // The SDK decodes its default base64 transport into a Float32Array.
        const values = Array.from(row.embedding as ArrayLike<number>, Number);
        if (values.length !== this.dimension) throw new Error(`embeddings: model ${this.model} returned ${values.length} dimensions, the index needs ${this.dimension}`);
        out.push(values);
      }
    }
    return out;
  }
}
