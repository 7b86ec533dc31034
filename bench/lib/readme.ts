// Renders a bench run (bench/results/<date>.json) as the README's performance table. `npm run
// bench` writes it between the performance markers; `node --import tsx bench/lib/readme.ts <file>`
// re-renders a saved run.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./report.ts";

export interface BenchRun {
  at: string;
  machine: { cpus: number; cpuModel?: string; memGiB: number; node: string };
  rows: BenchRow[];
}

const START = "<!-- performance:start -->";
const END = "<!-- performance:end -->";
const readme = fileURLToPath(new URL("../../README.md", import.meta.url));
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderPerformance(run: BenchRun): string {
  const m = run.machine;
  const lines = [
    START,
    "",
    `Last \`npm run bench\`: ${run.at.slice(0, 16).replace("T", " ")} UTC on ${m.cpus} × ${m.cpuModel ?? "CPU"}, ${m.memGiB} GiB, Node ${m.node} (every figure against its baseline in the same run; raw numbers in \`bench/results/${run.at.slice(0, 10)}.json\`).`,
    "",
    "| id | what | result | target | met |",
    "|---|---|---|---|---|",
    ...run.rows.map((r) => `| ${r.id} | ${cell(r.what)} | ${cell(r.result)} | ${cell(r.target)} | ${r.met === null ? "undecided" : r.met ? "yes" : "**no**"} |`),
    "",
    END,
  ];
  return lines.join("\n");
}

export function writePerformance(run: BenchRun): boolean {
  const text = readFileSync(readme, "utf8");
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  writeFileSync(readme, text.slice(0, a) + renderPerformance(run) + text.slice(b + END.length));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const run = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as BenchRun;
  console.log(writePerformance(run) ? "README performance section updated" : renderPerformance(run));
}
