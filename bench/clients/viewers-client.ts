// Client process of P3 (bench/viewers.ts): holds its share of the anonymous viewers of one stream.
// Driven over the IPC channel so the orchestrator can ramp, burst and check every process together.
// Each phase reports this process's CPU and event-loop delay, so a saturated client side shows.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client, type Room } from "@colyseus/sdk";

export type ViewersCommand = { id: number; cmd: "join"; count: number; concurrency: number } | { id: number; cmd: "status" } | { id: number; cmd: "exit" };

export interface PhaseResult {
  joined: number;
  latencies: number[];
  errors: Record<string, number>;
  wallMs: number;
  /** This process's CPU over the phase, % of one core. */
  cpuPct: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
}

export interface StatusResult {
  held: number;
  left: number;
  /** viewerCount as the first viewer of this process last saw it in the room state. */
  viewerCount: number;
  cpuPct: number;
  eventLoopP99Ms: number;
}

const [url, streamId] = process.argv.slice(2) as [string, string];
const rooms: Room[] = [];
let left = 0;

async function joinOne(): Promise<number> {
  const t0 = performance.now();
  const room = await new Client(url).joinOrCreate("stream", { streamId });
  const ms = performance.now() - t0;
  // A dropped viewer must count as not held, not come back silently.
  room.reconnection.enabled = false;
  room.onLeave(() => left++);
  rooms.push(room);
  return ms;
}

function measure() {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    eld.disable();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, eventLoopP99Ms: eld.percentile(99) / 1e6, eventLoopMaxMs: eld.max / 1e6 };
  };
}

/** `count` joins with at most `concurrency` in flight (count = concurrency: a burst). */
async function join(count: number, concurrency: number): Promise<PhaseResult> {
  const done = measure();
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (started < count) {
        started++;
        try {
          latencies.push(await joinOne());
        } catch (err) {
          const key = String((err as Error)?.message ?? err).slice(0, 80);
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    }),
  );
  return { joined: latencies.length, latencies, errors, ...done() };
}

let idle = measure();

process.on("message", async (m: ViewersCommand) => {
  let result: unknown;
  if (m.cmd === "join") {
    result = await join(m.count, m.concurrency);
    idle = measure();
  } else if (m.cmd === "status") {
    const { cpuPct, eventLoopP99Ms } = idle();
    idle = measure();
    const held = rooms.filter((r) => r.connection.isOpen).length;
    result = { held, left, viewerCount: Number((rooms[0]?.state as { viewerCount?: number } | undefined)?.viewerCount ?? 0), cpuPct, eventLoopP99Ms } satisfies StatusResult;
  } else {
    process.exit(0);
  }
  process.send!({ id: m.id, result });
});
process.send!({ id: 0, result: "ready" });
