// P1 (issue 9): chat fan-out in one `stream` room — the engine's CPU per 1,000 deliveries/s against
// a raw uWebSockets.js server publishing the same lines, of the same size, to the same number of
// subscribers at the same rate, in the same run. A delivery is one chat line reaching one subscriber.
// Lines arrive as a Poisson process by default (independent chatters); `arrivals: "even"` spaces them exactly.
// Run: node --import tsx bench/chat-fanout.ts [viewers] [rounds] [windowSeconds]
import type { BenchRow } from "./lib/report.ts";
import { chatRun, type ChatRunOptions, type ChatRunResult } from "./lib/chatRun.ts";

export interface ChatFanoutOptions extends Partial<ChatRunOptions> {
  /** Engine run then raw run, this many times; the figure is the median ratio (noisy machines). */
  rounds?: number;
}

const TARGET_RATIO = 1.15;

export async function chatFanoutBench(options: ChatFanoutOptions = {}): Promise<BenchRow[]> {
  const opts: ChatRunOptions = {
    viewers: 2000,
    chatters: 40,
    ratePerSec: 25,
    clientProcesses: 2,
    // Decoding state is client work only: a few receivers check it, the rest time frames.
    stateReceivers: 20,
    warmupMs: 5000,
    windowMs: 20_000,
    ...options,
  };
  const rounds: { engine: ChatRunResult; raw: ChatRunResult; ratio: number }[] = [];
  for (let i = 0; i < (options.rounds ?? 1); i++) {
    const engine = await chatRun("engine", opts);
    // The raw server publishes messages as large as the engine's patch bytes per delivered line.
    const raw = await chatRun("raw", opts, Math.round(engine.bytesPerDelivery));
    rounds.push({ engine, raw, ratio: engine.cpuPer1k / raw.cpuPer1k });
  }
  const mid = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  const saturated = rounds.some((r) => r.engine.clientSaturated || r.raw.clientSaturated);
  const lost = rounds.some((r) => r.engine.deliveriesPerSec < 0.97 * r.engine.expectedDeliveriesPerSec || r.raw.deliveriesPerSec < 0.97 * r.raw.expectedDeliveriesPerSec);
  const fmt = (r: ChatRunResult) => `${r.cpuPer1k.toFixed(2)} (${r.serverCpuPct.toFixed(0)} %CPU at ${(r.deliveriesPerSec / 1000).toFixed(1)}k/s)`;
  return [
    {
      id: "P1",
      what: `chat fan-out, ${mid.engine.subscribers} subscribers × ${opts.ratePerSec} lines/s (${opts.arrivals ?? "poisson"}): server %CPU per 1k deliveries/s`,
      result:
        `engine ${fmt(mid.engine)} vs raw uWS ${fmt(mid.raw)} = ${mid.ratio.toFixed(2)}×` +
        (rounds.length > 1 ? ` (median of ${rounds.length}: ${rounds.map((r) => r.ratio.toFixed(2)).join(", ")})` : "") +
        `; ${mid.engine.framesPerDelivery.toFixed(2)} engine frames per delivery` +
        (saturated ? "; client side SATURATED" : "; clients not saturated") +
        (lost ? "; deliveries MISSING" : ""),
      target: `≤ ${TARGET_RATIO}× raw`,
      met: saturated || lost ? null : mid.ratio <= TARGET_RATIO,
      raw: { options: opts, rounds },
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [viewers, rounds, windowS] = process.argv.slice(2).map(Number);
  const rows = await chatFanoutBench({ ...(viewers ? { viewers } : {}), ...(rounds ? { rounds } : {}), ...(windowS ? { windowMs: windowS * 1000 } : {}), verbose: true });
  console.table(rows.map(({ id, what, result, target, met }) => ({ id, what, result, target, met })));
}
