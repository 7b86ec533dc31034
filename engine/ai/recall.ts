// How remembered facts are ranked for a reply: relevance × recency × importance (the brief of
// issue 6). Relevance gets a small floor so an important fact (a name) can still surface when the
// current line shares nothing with it; recency decays to a floor rather than to zero, so an old
// fact fades but is never forgotten by arithmetic alone. Pure: time is passed in.

export const RECENCY_HALF_LIFE_MS = 14 * 24 * 60 * 60 * 1000;
const RELEVANCE_FLOOR = 0.1;
const RECENCY_FLOOR = 0.3;

export interface Candidate {
  /** Cosine similarity from the vector index (−1..1). */
  similarity: number;
  importance: number;
  ts: number;
}

export function relevanceOf(similarity: number): number {
  return RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * Math.max(0, Math.min(1, similarity));
}

export function recencyOf(ts: number, now: number): number {
  const age = Math.max(0, now - ts);
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * Math.pow(0.5, age / RECENCY_HALF_LIFE_MS);
}

export function clampImportance(importance: number): number {
  return Number.isFinite(importance) ? Math.max(0.1, Math.min(1, importance)) : 0.5;
}

export function scoreMemory(c: Candidate, now: number): { relevance: number; recency: number; score: number } {
  const relevance = relevanceOf(c.similarity);
  const recency = recencyOf(c.ts, now);
  return { relevance, recency, score: relevance * recency * clampImportance(c.importance) };
}

/** The best `depth` candidates, best first (ties: newer first). */
export function rankMemories<T extends Candidate>(candidates: readonly T[], depth: number, now: number): Array<T & { relevance: number; recency: number; score: number }> {
  return candidates
    .map((c) => ({ ...c, ...scoreMemory(c, now) }))
    .sort((a, b) => b.score - a.score || b.ts - a.ts)
    .slice(0, Math.max(0, depth));
}
