// Client process of P4 (bench/tips.ts): anonymous viewers of the stream. Every viewer records when
// each `confetti` arrives; the first viewer also watches the room state for the tip's chat line
// (kind "tip", "<name> tipped <n> TKN") and reports the final goal and leaderboard.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Callbacks, Client, type Room } from "@colyseus/sdk";

export type ViewersCommand = { id: number; cmd: "join"; count: number; names: Record<string, string> } | { id: number; cmd: "start" } | { id: number; cmd: "collect" } | { id: number; cmd: "exit" };

export interface ViewersResult {
  viewers: number;
  held: number;
  /** tipId → arrival time (wall ms) at each viewer that saw its confetti; duplicates show as extra entries. */
  confetti: Record<string, number[]>;
  /** tipId → when the observer's state first held its chat line, and how many distinct lines named it. */
  stateLines: Record<string, { at: number; lines: number }>;
  goalCurrent: number;
  leaderboard: Array<{ userId: string; total: number }>;
  cpuPct: number;
  eventLoopP99Ms: number;
}

interface StreamStateView {
  chat: Iterable<{ id: string; kind: string; text: string }>;
  tipGoal: { current: number };
  leaderboard: Iterable<{ userId: string; total: number }>;
}

const [url, streamId] = process.argv.slice(2) as [string, string];
const now = () => performance.timeOrigin + performance.now();
const rooms: Room[] = [];
const confetti: Record<string, number[]> = {};
const stateLines: Record<string, { at: number; lines: number }> = {};
const seenLines = new Set<string>();
let byName = new Map<string, string>();

function observe(room: Room) {
  Callbacks.get(room).onAdd("chat" as never, (added: unknown) => {
    const line = added as { id: string; kind: string; text: string };
    if (line.kind !== "tip" || seenLines.has(line.id)) return;
    seenLines.add(line.id);
    const m = /^(.*) tipped (\d+) TKN/.exec(line.text);
    const userId = m ? byName.get(m[1]!) : undefined;
    if (!userId) return;
    const entry = (stateLines[`${userId}:${m![2]}`] ??= { at: now(), lines: 0 });
    entry.lines++;
  });
}

async function join(count: number, names: Record<string, string>) {
  byName = new Map(Object.entries(names).map(([id, name]) => [name, id]));
  for (let i = 0; i < count; i += 25) {
    const batch = await Promise.all(Array.from({ length: Math.min(25, count - i) }, () => new Client(url).joinOrCreate("stream", { streamId })));
    for (const room of batch) {
      room.onMessage("confetti", (m: { userId: string; amount: number }) => (confetti[`${m.userId}:${m.amount}`] ??= []).push(now()));
      room.onMessage("*", () => undefined);
      rooms.push(room);
    }
  }
  observe(rooms[0]!);
}

let stop: (() => { cpuPct: number; eventLoopP99Ms: number }) | undefined;

function start() {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  stop = () => {
    eld.disable();
    const cpu = process.cpuUsage(cpu0);
    return { cpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100, eventLoopP99Ms: eld.percentile(99) / 1e6 };
  };
}

function collect(): ViewersResult {
  const state = rooms[0]!.state as StreamStateView;
  return {
    viewers: rooms.length,
    held: rooms.filter((r) => r.connection.isOpen).length,
    confetti,
    stateLines,
    goalCurrent: state.tipGoal.current,
    leaderboard: [...state.leaderboard].map((e) => ({ userId: e.userId, total: e.total })),
    ...(stop?.() ?? { cpuPct: 0, eventLoopP99Ms: 0 }),
  };
}

process.on("message", async (m: ViewersCommand) => {
  let result: unknown = "ok";
  if (m.cmd === "join") await join(m.count, m.names);
  else if (m.cmd === "start") start();
  else if (m.cmd === "collect") result = collect();
  else process.exit(0);
  process.send!({ id: m.id, result });
});
process.send!({ id: 0, result: "ready" });
