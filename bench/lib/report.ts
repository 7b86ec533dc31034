// What every benchmark returns to `npm run bench` (bench/run.ts prints them as one table and
// writes them to bench/results/<date>.json).
export interface BenchRow {
  /** P1…P7, S1, M1: the ids of the issue that asked for the figure. */
  id: string;
  what: string;
  /** The measured figure, human-readable, with the same-run baseline where there is one. */
  result: string;
  target: string;
  /** Whether the target was met; null where the run could not decide (e.g. the client side saturated). */
  met: boolean | null;
  /** Everything measured, for the JSON file. */
  raw: unknown;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a sample (empty sample → NaN). */
export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]! : Number.NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1]! : Number.NaN };
}
