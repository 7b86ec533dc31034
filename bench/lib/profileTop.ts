// Top self-time functions of a V8 .cpuprofile (what `--cpu-prof` writes), optionally only between
// two CLOCK_MONOTONIC times in µs (V8 stamps samples with it, as does process.hrtime in any other
// process): the steady window of a benchmark, not start-up, joins and shutdown.
// Run: node --import tsx bench/lib/profileTop.ts <file.cpuprofile> [fromUs toUs] [top]
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function profileTop(file: string, window?: [number, number], top = 25) {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const [from, to] = window ?? [-Infinity, Infinity];
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  let t = p.startTime;
  let total = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (t < from || t > to) return;
    const n = byId.get(id)!;
    // Shares are of busy time: an idle sample is the event loop waiting.
    if (n.callFrame.functionName === "(idle)") return;
    const where = n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/main\//, "");
    const key = `${n.callFrame.functionName || "(anonymous)"} ${where}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    const pkg = /^(@[^/]+\/[^/]+|[^/]+)/.exec(where)?.[1] ?? (n.callFrame.functionName || "(native)");
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + 1);
    total++;
  });
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => ({ pct: ((v / total) * 100).toFixed(1), what: k }));
  return { busySamples: total, functions: rank(self), packages: rank(byFile) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, from, to, top] = process.argv.slice(2);
  const r = profileTop(file!, from && to ? [Number(from), Number(to)] : undefined, top ? Number(top) : 25);
  console.log(`${r.busySamples} busy samples (1 ms each by default); shares below are of busy time`);
  console.table(r.functions);
  console.table(r.packages);
}
