// The offline embedder: feature hashing of topic words, word pairs and character trigrams into
// a fixed-size vector. Deterministic and free, so memory recall, twin retrieval and matching work
// without a key. It measures shared words, not meaning: "boat" and "sailing" are unrelated here.
import { contentWords, fnv1a } from "./textFeatures.ts";
import type { Embedder } from "./ports.ts";

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.15;

export class HashingEmbedder implements Embedder {
  readonly kind = "offline" as const;

  constructor(readonly dimension: number) {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): number[] {
    const v = new Float64Array(this.dimension);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      // A second hash picks the sign, so colliding features cancel out on average instead of piling up.
      const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1;
      v[h % this.dimension]! += sign * weight;
    };
    const terms = contentWords(text);
    for (const w of terms) add(`w:${w}`, WORD_WEIGHT);
    for (let i = 1; i < terms.length; i++) add(`p:${terms[i - 1]} ${terms[i]}`, PAIR_WEIGHT);
    for (const w of terms) {
      const padded = `^${w}$`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
    }
    // Text with no topic words still needs a valid (non-zero) vector.
    if (terms.length === 0) add("empty", 1);
    let norm = 0;
    for (const x of v) norm += x * x;
    // Colliding features can cancel exactly; a zero vector has no cosine, so fall back to a fixed one.
    if (norm === 0) {
      v[0] = 1;
      norm = 1;
    }
    norm = Math.sqrt(norm);
    return Array.from(v, (x) => x / norm);
  }
}
