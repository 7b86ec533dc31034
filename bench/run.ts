// `npm run bench`: runs every benchmark, prints one table, writes bench/results/<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { hlsLatencyBench } from "./hls-latency.ts";
import { panicBench } from "./panic.ts";

interface Row {
  id: string;
  what: string;
  result: string;
  target: string;
  raw: unknown;
}

const rows: Row[] = [];

const panic = await panicBench(1000);
rows.push({
  id: "S1",
  what: "panic: all viewers of a stream disconnected",
  result: `${panic.closed}/${panic.viewers} in ${panic.lastCloseMs.toFixed(0)} ms`,
  target: "1,000 viewers ≤ 500 ms",
  raw: panic,
});

const hls = await hlsLatencyBench(15);
rows.push({
  id: "M1",
  what: "HLS glass-to-glass estimate (capture → segment listed + one segment)",
  result: `median ${(hls.glassToGlassMs.median / 1000).toFixed(2)} s, p95 ${(hls.glassToGlassMs.p95 / 1000).toFixed(2)} s`,
  target: "≤ 4 s",
  raw: hls,
});

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
console.log(`\nTeezU Live benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memGiB} GiB, Node ${machine.node}\n`);
console.table(rows.map(({ id, what, result, target }) => ({ id, what, result, target })));
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(`./results/${new Date().toISOString().slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2));
console.log(`\nwritten ${file.pathname}`);
