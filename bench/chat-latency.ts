// P2 (issue 9): end-to-end chat latency in one `stream` room — from the sender's `send("chat")` to
// the line being in a viewer's synced state `chat` — with 2,000 viewers and 25 lines/s in total.
// The path includes the room's checks, the safety classifier and the write-behind journal's
// durable() (a line is shown only once journaled). Frame receivers (see bench/clients/chat-clients.ts)
// add the arrival time of the frame at every viewer.
// Lines arrive as a Poisson process by default (independent chatters); `arrivals: "even"` spaces them exactly.
// Run: node --import tsx bench/chat-latency.ts [viewers] [windowSeconds]
import type { BenchRow } from "./lib/report.ts";
import { chatRun, type ChatRunOptions } from "./lib/chatRun.ts";

const TARGET_P99_MS = 50;

export interface ChatLatencyOptions extends Partial<ChatRunOptions> {
  /**
   * Also time the raw uWS server's fan-out with the same clients (default true): the floor this
   * machine and client side allow, which shows how much of the figure is the engine's.
   */
  rawFloor?: boolean;
}

export async function chatLatencyBench(options: ChatLatencyOptions = {}): Promise<BenchRow[]> {
  const opts: ChatRunOptions = {
    viewers: 2000,
    chatters: 40,
    ratePerSec: 25,
    clientProcesses: 2,
    stateReceivers: 100,
    warmupMs: 5000,
    windowMs: 20_000,
    ...options,
  };
  const r = await chatRun("engine", opts);
  const floor = options.rawFloor === false ? undefined : await chatRun("raw", opts, Math.round(r.bytesPerDelivery));
  const s = r.stateLatencyMs;
  const f = r.frameLatencyMs;
  const ms = (v: number) => v.toFixed(1);
  return [
    {
      id: "P2",
      what: `chat latency, send → line in synced state, ${opts.viewers} viewers × ${opts.ratePerSec} lines/s (${opts.arrivals ?? "poisson"})`,
      result:
        `p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / p99 ${ms(s.p99)} ms (${s.n} samples, ${opts.stateReceivers} decoding viewers); ` +
        `frame arrival at all ${r.subscribers}: p99 ${ms(f.p99)} ms` +
        (floor ? `; raw uWS fan-out, same clients: p50 ${ms(floor.frameLatencyMs.p50)} / p99 ${ms(floor.frameLatencyMs.p99)} ms` : "") +
        (r.clientSaturated ? "; client side SATURATED" : "; clients not saturated"),
      target: `p99 ≤ ${TARGET_P99_MS} ms`,
      met: r.clientSaturated || s.n === 0 ? null : s.p99 <= TARGET_P99_MS,
      raw: { options: opts, run: r, rawFloor: floor },
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [viewers, windowS] = process.argv.slice(2).map(Number);
  const rows = await chatLatencyBench({ ...(viewers ? { viewers } : {}), ...(windowS ? { windowMs: windowS * 1000 } : {}), verbose: true });
  console.table(rows.map(({ id, what, result, target, met }) => ({ id, what, result, target, met })));
}
