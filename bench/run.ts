// `npm run bench`: runs every benchmark, prints one table, writes bench/results/<date>.json and the
// README's performance section. `npm run bench -- P1 P7` runs only those ids.
// Each benchmark measures against a baseline in the same run and reports whether its client side
// saturated, so a figure holds on a noisy machine; none of them is a test (nothing here fails CI).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { ensureClientBuilt } from "../engine/tools/build-client.ts";
import { chatFanoutBench } from "./chat-fanout.ts";
import { chatLatencyBench } from "./chat-latency.ts";
import { hlsLatencyBench } from "./hls-latency.ts";
import { writePerformance, type BenchRun } from "./lib/readme.ts";
import type { BenchRow } from "./lib/report.ts";
import { panicBench } from "./panic.ts";
import { tipsBench } from "./tips.ts";
import { vectorsBench } from "./vectors.ts";
import { viewersBench } from "./viewers.ts";
import { writeBehindBench } from "./write-behind.ts";

async function panicRows(): Promise<BenchRow[]> {
  const r = await panicBench(1000);
  return [{ id: "S1", what: "panic: every viewer of a stream disconnected", result: `${r.closed}/${r.viewers} in ${r.lastCloseMs.toFixed(0)} ms`, target: "1,000 viewers ≤ 500 ms", met: r.closed === r.viewers && r.lastCloseMs <= 500, raw: r }];
}

async function hlsRows(): Promise<BenchRow[]> {
  const r = await hlsLatencyBench(15);
  const median = r.glassToGlassMs.median / 1000;
  return [{ id: "M1", what: "HLS glass-to-glass estimate (capture → segment listed + one segment)", result: `median ${median.toFixed(2)} s, p95 ${(r.glassToGlassMs.p95 / 1000).toFixed(2)} s`, target: "≤ 4 s", met: median <= 4, raw: r }];
}

// Order: the cheap and the in-process ones last, so the long socket benchmarks start on a cool machine.
const benches: Array<{ ids: string[]; run: () => Promise<BenchRow[]> }> = [
  { ids: ["P1"], run: () => chatFanoutBench() },
  { ids: ["P2"], run: () => chatLatencyBench() },
  { ids: ["P3"], run: () => viewersBench() },
  { ids: ["P4"], run: () => tipsBench() },
  { ids: ["P5"], run: () => writeBehindBench() },
  { ids: ["P7"], run: () => vectorsBench() },
  { ids: ["S1"], run: panicRows },
  { ids: ["M1"], run: hlsRows },
];

const only = new Set(process.argv.slice(2).map((a) => a.toUpperCase()));
const selected = benches.filter((b) => only.size === 0 || b.ids.some((id) => only.has(id)));
// Engines started by the benchmarks would otherwise build the web client in the background.
await ensureClientBuilt({ quiet: true });

const rows: BenchRow[] = [];
for (const bench of selected) {
  const started = Date.now();
  process.stderr.write(`[bench] ${bench.ids.join(", ")} … (load average ${loadavg()[0]!.toFixed(1)})\n`);
  try {
    rows.push(...(await bench.run()));
  } catch (err) {
    rows.push({ id: bench.ids.join("/"), what: "benchmark failed", result: String((err as Error)?.message ?? err).slice(0, 300), target: "", met: false, raw: { error: String((err as Error)?.stack ?? err) } });
  }
  process.stderr.write(`[bench] ${bench.ids.join(", ")} done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
console.log(`\nTeezU Live benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memGiB} GiB, Node ${machine.node}\n`);
console.table(rows.map(({ id, what, result, target, met }) => ({ id, what, result, target, met: met === null ? "undecided" : met ? "yes" : "NO" })));

// A partial run (`npm run bench -- P4`) replaces its own rows in the day's file and keeps the others.
const at = new Date().toISOString();
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(`./results/${at.slice(0, 10)}.json`, import.meta.url);
let merged = rows;
if (only.size > 0 && existsSync(file)) {
  const earlier = JSON.parse(readFileSync(file, "utf8")) as BenchRun;
  const rerun = new Set(rows.map((r) => r.id));
  merged = earlier.rows.flatMap((r) => (rerun.has(r.id) ? rows.filter((n) => n.id === r.id && !earlier.rows.slice(0, earlier.rows.indexOf(r)).some((e) => e.id === r.id)) : [r]));
  for (const r of rows) if (!merged.includes(r)) merged.push(r);
}
const run: BenchRun = { at, machine, rows: merged };
writeFileSync(file, JSON.stringify(run, null, 2));
console.log(`\nwritten ${file.pathname}`);
console.log(writePerformance(run) ? "README performance section updated" : "README has no performance markers");
process.exit(0);
