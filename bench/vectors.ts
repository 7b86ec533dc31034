// P7 (issue 9): top-20 over 100,000 1536-d profiles — the embedded VectorIndex (usearch HNSW
// behind storage/vectors/EmbeddedVectorIndex) against exact search, in the same run.
//   node --import tsx bench/vectors.ts [n] [queries]
// Goes through the adapter's public API (upsert/query with number[] vectors), so the figures
// include its validation, conversions and id mapping. Exact results come from usearch's
// brute-force `exactSearch` (SIMD, all cores) over the same vectors, checked against a plain JS
// scan on a few queries; its per-query latency is the same-run baseline.
// Two datasets: "clustered" (a gaussian mixture around a few hundred centroids, like real
// embeddings: the target is judged on it) and "random" unit vectors (HNSW's worst case).
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { exactSearch, MetricKind, type BatchMatches, type Matches } from "usearch";
import { EmbeddedVectorIndex } from "../storage/vectors/EmbeddedVectorIndex.ts";
import { percentiles, type BenchRow, type Percentiles } from "./lib/report.ts";

export type Dataset = "clustered" | "random";

export interface VectorsBenchOptions {
  n?: number;
  dimension?: number;
  topK?: number;
  /** Queries timed and scored (fresh vectors from the same distribution, not dataset members). */
  queries?: number;
  datasets?: Dataset[];
  /** Gaussian-mixture centroids of the clustered dataset. */
  centroids?: number;
  /** expansion_search values to try on the built index (0 = the adapter's default). */
  expansions?: number[];
  /**
   * Size of the random dataset. Smaller than `n` by default: HNSW inserts into random 1536-d data
   * cost ~3× the clustered ones (searches do not converge), and its recall is the known worst case.
   */
  randomN?: number;
}

const TARGET_P99_MS = 5;
const TARGET_RECALL = 0.95;
const NS = "profiles";
const UPSERT_BATCH = 1000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** xorshift32 + Box–Muller: reproducible gaussians without a dependency. */
function gaussians(seed: number) {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

function normalize(v: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
}

/**
 * `count` unit vectors, row-major. Clustered: centroid + noise of norm ~0.75, so a member's cosine
 * to its centroid is ~0.8 and to a cluster mate ~0.64, to an unrelated vector ~0 — roughly the
 * spread of text embeddings. Random: uniform on the sphere.
 */
function makeVectors(kind: Dataset, count: number, dim: number, centroids: Float32Array | null, seed: number): Float32Array {
  const g = gaussians(seed);
  const out = new Float32Array(count * dim);
  const noise = 0.75 / Math.sqrt(dim);
  const k = centroids ? centroids.length / dim : 0;
  for (let r = 0; r < count; r++) {
    const row = out.subarray(r * dim, (r + 1) * dim);
    if (kind === "random" || !centroids) {
      for (let i = 0; i < dim; i++) row[i] = g();
    } else {
      const c = Math.floor(Math.abs(g() * 7919 + r * 31)) % k; // any cluster, spread evenly enough
      const base = c * dim;
      for (let i = 0; i < dim; i++) row[i] = centroids[base + i]! + noise * g();
    }
    normalize(row);
  }
  return out;
}

function makeCentroids(count: number, dim: number, seed: number): Float32Array {
  return makeVectors("random", count, dim, null, seed);
}

/** Plain JS cosine top-k (vectors are unit length): a check on exactSearch, not a timing. */
function jsTopK(data: Float32Array, q: Float32Array, dim: number, k: number): number[] {
  const n = data.length / dim;
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let dot = 0;
    const off = r * dim;
    for (let i = 0; i < dim; i++) dot += data[off + i]! * q[i]!;
    scores[r] = dot;
  }
  return Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, k);
}

function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

interface Run {
  expansionSearch: number;
  latencyMs: Percentiles;
  recallAt: number;
  /** Worst single query's recall. */
  recallMin: number;
}

interface DatasetResult {
  dataset: Dataset;
  n: number;
  dimension: number;
  buildSeconds: number;
  saveSeconds: number;
  /** RSS growth from opening the index to the built, saved index (dataset arrays excluded). */
  indexRssMiB: number;
  indexFileMiB: number;
  libsqlMiB: number;
  exactLatencyMs: Percentiles;
  exactCheckedAgainstJs: boolean;
  runs: Run[];
}

async function benchDataset(dataset: Dataset, o: Required<VectorsBenchOptions>): Promise<DatasetResult> {
  const { dimension: dim, topK } = o;
  const n = dataset === "random" ? o.randomN : o.n;
  const centroids = dataset === "clustered" ? makeCentroids(o.centroids, dim, 7) : null;
  const data = makeVectors(dataset, n, dim, centroids, 11);
  const queries = makeVectors(dataset, o.queries, dim, centroids, 13);
  const queryArrays = Array.from({ length: o.queries }, (_, i) => Array.from(queries.subarray(i * dim, (i + 1) * dim)));

  // Ground truth for every query at once, then the exact baseline's per-query latency.
  const truth = exactSearch(data, queries, dim, topK, MetricKind.Cos, 0) as BatchMatches;
  const truthSets = Array.from({ length: o.queries }, (_, i) => new Set(Array.from(truth.get(i).keys, (k) => Number(k))));
  const exactCheckedAgainstJs = [0, 1, 2].every((i) => {
    const js = jsTopK(data, queries.subarray(i * dim, (i + 1) * dim), dim, topK);
    return js.filter((r) => truthSets[i]!.has(r)).length >= topK - 1; // float ties may swap the 20th
  });
  const exactTimes: number[] = [];
  for (let i = 0; i < Math.min(o.queries, 200); i++) {
    const t = performance.now();
    exactSearch(data, queries.subarray(i * dim, (i + 1) * dim), dim, topK, MetricKind.Cos, 0) as Matches;
    exactTimes.push(performance.now() - t);
  }

  const dir = mkdtempSync(join(tmpdir(), "bench-p7-"));
  try {
    const rss0 = rssAfterGc();
    let index = new EmbeddedVectorIndex({ dataDir: dir, dimension: dim, saveDelayMs: 3_600_000 });
    const t0 = performance.now();
    for (let from = 0; from < n; from += UPSERT_BATCH) {
      const records = [];
      for (let r = from; r < Math.min(n, from + UPSERT_BATCH); r++) records.push({ id: `p${r}`, values: Array.from(data.subarray(r * dim, (r + 1) * dim)) });
      await index.upsert(NS, records);
    }
    const buildSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await index.flush();
    const saveSeconds = (performance.now() - t1) / 1000;
    const indexRssMiB = mb(rssAfterGc() - rss0);
    const files = readdirSync(join(dir, "vectors"));
    const size = (re: RegExp) => files.filter((f) => re.test(f)).reduce((s, f) => s + statSync(join(dir, "vectors", f)).size, 0);

    const runs: Run[] = [];
    for (const expansionSearch of o.expansions) {
      if (runs.length > 0) {
        // Reopened on the saved file: expansion_search is a search-time setting, no rebuild.
        await index.close();
        index = new EmbeddedVectorIndex({ dataDir: dir, dimension: dim, saveDelayMs: 3_600_000, expansionSearch });
      }
      for (let i = 0; i < 20; i++) await index.query(NS, { vector: queryArrays[i % o.queries]!, topK }); // load + warm
      const times: number[] = [];
      const recalls: number[] = [];
      for (let i = 0; i < o.queries; i++) {
        const t = performance.now();
        const matches = await index.query(NS, { vector: queryArrays[i]!, topK });
        times.push(performance.now() - t);
        recalls.push(matches.filter((m) => truthSets[i]!.has(Number(m.id.slice(1)))).length / topK);
      }
      runs.push({ expansionSearch, latencyMs: percentiles(times), recallAt: recalls.reduce((a, b) => a + b, 0) / recalls.length, recallMin: Math.min(...recalls) });
    }
    await index.close();
    return {
      dataset,
      n,
      dimension: dim,
      buildSeconds: +buildSeconds.toFixed(1),
      saveSeconds: +saveSeconds.toFixed(1),
      indexRssMiB,
      indexFileMiB: mb(size(/\.usearch$/)),
      libsqlMiB: mb(size(/^vectors\.db/)),
      exactLatencyMs: percentiles(exactTimes),
      exactCheckedAgainstJs,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function vectorsBench(opts: VectorsBenchOptions = {}): Promise<BenchRow[]> {
  const o: Required<VectorsBenchOptions> = {
    n: 100_000,
    dimension: 1536,
    topK: 20,
    queries: 500,
    datasets: ["clustered", "random"],
    centroids: 300,
    expansions: [0],
    randomN: 20_000,
    ...opts,
  };
  const rows: BenchRow[] = [];
  for (const dataset of o.datasets) {
    const r = await benchDataset(dataset, o);
    const first = r.runs[0]!;
    const tuning = r.runs.length > 1 ? `; ${r.runs.map((x) => `ef ${x.expansionSearch || "default"}: p99 ${x.latencyMs.p99.toFixed(2)} ms, recall ${x.recallAt.toFixed(3)}`).join("; ")}` : "";
    rows.push({
      id: "P7",
      what: `vector top-${o.topK}, ${fmt(r.n)} × ${r.dimension}-d ${dataset} profiles, embedded index vs exact`,
      result:
        `HNSW p50 ${first.latencyMs.p50.toFixed(2)} p99 ${first.latencyMs.p99.toFixed(2)} ms, recall@${o.topK} ${first.recallAt.toFixed(3)} ` +
        `(exact brute force p50 ${r.exactLatencyMs.p50.toFixed(1)} p99 ${r.exactLatencyMs.p99.toFixed(1)} ms); ` +
        `build ${r.buildSeconds} s + save ${r.saveSeconds} s, index RSS +${fmt(r.indexRssMiB)} MiB, file ${fmt(r.indexFileMiB)} MiB${tuning}`,
      target: `p99 ≤ ${TARGET_P99_MS} ms, recall@${o.topK} ≥ ${TARGET_RECALL}` + (dataset === "clustered" ? " (judged here)" : " (worst case, informative)"),
      met: first.latencyMs.p99 <= TARGET_P99_MS && first.recallAt >= TARGET_RECALL,
      raw: r,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  const queries = process.argv[3] ? Number(process.argv[3]) : undefined;
  const expansions = process.argv[4] ? process.argv[4].split(",").map(Number) : undefined;
  const datasets = process.argv[5] ? (process.argv[5].split(",") as Dataset[]) : undefined;
  const randomN = process.argv[6] ? Number(process.argv[6]) : undefined;
  const rows = await vectorsBench({
    ...(n ? { n } : {}),
    ...(queries ? { queries } : {}),
    ...(expansions ? { expansions } : {}),
    ...(datasets ? { datasets } : {}),
    ...(randomN ? { randomN } : {}),
  });
  console.table(rows.map(({ id, what, result, target, met }) => ({ id, what, result, target, met })));
  for (const row of rows) console.log(JSON.stringify(row.raw));
}
