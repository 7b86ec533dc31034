// P3 (issue 9): 10,000 viewers in one `stream` room on one engine process — all held, RSS per idle
// viewer, join latency during a 1,000-join burst. The engine runs as its own process (RSS from
// /proc); the viewers live in several client processes (bench/clients/viewers-client.ts), so client
// work neither shares the engine's heap nor hides in its CPU.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childApi, spawnEngine, type ChildEngine } from "../test/faults/childEngine.ts";
import { birthDateYearsAgo } from "../test/engine.ts";
import { percentiles, type BenchRow } from "./lib/report.ts";
import { cpuSeconds } from "./lib/procstat.ts";
import type { PhaseResult, StatusResult, ViewersCommand } from "./clients/viewers-client.ts";

export const BENCH_ADMIN = { email: "bench-admin@example.com", password: "BenchAdmin123" };

/** A verified creator with one public, non-explicit stream (anonymous viewers may join it). */
export async function setupStream(url: string) {
  const adminToken: string = (await childApi(url, "/auth/login", { body: BENCH_ADMIN })).body.accessToken;
  const reg = await childApi(url, "/auth/register", { body: { email: "bench-creator@example.com", password: "BenchCreator1", displayName: "Bench", birthDate: birthDateYearsAgo(30) } });
  if (reg.status !== 201) throw new Error(`register creator: ${reg.status} ${JSON.stringify(reg.body)}`);
  const creatorId: string = reg.body.user.id;
  await childApi(url, `/admin/users/${creatorId}/role`, { token: adminToken, body: { role: "creator" } });
  await childApi(url, `/admin/users/${creatorId}/verify`, { token: adminToken, method: "POST" });
  const stream = await childApi(url, "/streams", { token: reg.body.accessToken, body: { title: "Bench stream" } });
  if (stream.status !== 201) throw new Error(`create stream: ${stream.status} ${JSON.stringify(stream.body)}`);
  return { adminToken, creatorId, creatorToken: reg.body.accessToken as string, streamId: stream.body.id as string };
}

export interface ClientProcess {
  child: ChildProcess;
  call<T>(command: Record<string, unknown> & { cmd: string }): Promise<T>;
}

/** A client process under bench/clients, answering `{id, cmd, …}` with `{id, result}` over IPC. */
export async function forkClient(file: string, args: string[]): Promise<ClientProcess> {
  const child = fork(fileURLToPath(new URL(`./clients/${file}`, import.meta.url)), args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  child.on("message", (m: { id: number; result: unknown }) => {
    waiting.get(m.id)?.resolve(m.result);
    waiting.delete(m.id);
  });
  child.on("exit", (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`${file} exited (${code ?? signal})`));
    waiting.clear();
  });
  let seq = 0;
  const call = <T>(command: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      waiting.set(id, { resolve, reject });
      child.send({ ...command, id });
    });
  await new Promise<void>((resolve, reject) => waiting.set(0, { resolve: () => resolve(), reject }));
  return { child, call };
}

/** CPU time (user + system) a process has used so far, in ms. */
export const cpuMsOf = (pid: number): number => cpuSeconds(pid) * 1000;

/** Engine CPU over a phase, % of one core. */
export async function withEngineCpu<T>(engine: ChildEngine, phase: () => Promise<T>): Promise<{ result: T; engineCpuPct: number; wallMs: number }> {
  const c0 = cpuMsOf(engine.child.pid!);
  const t0 = performance.now();
  const result = await phase();
  const wallMs = performance.now() - t0;
  return { result, engineCpuPct: ((cpuMsOf(engine.child.pid!) - c0) / wallMs) * 100, wallMs };
}

/**
 * The engine's bench hooks (bench/clients/viewers-engine-hooks.mjs): a full GC on demand, and CPU
 * profile windows when BENCH_CPU_PROF names a directory (profiles land there).
 */
export function engineHooks() {
  const dir = process.env.BENCH_CPU_PROF || mkdtempSync(join(tmpdir(), "teezu-bench-hooks-"));
  const env = { NODE_OPTIONS: `--import ${fileURLToPath(new URL("./clients/viewers-engine-hooks.mjs", import.meta.url))}`, BENCH_HOOKS_DIR: dir };
  async function run(engine: ChildEngine, command: "gc" | "prof") {
    rmSync(join(dir, "done"), { force: true });
    writeFileSync(join(dir, "command"), command);
    engine.child.kill("SIGUSR2");
    for (const end = Date.now() + 30_000; !existsSync(join(dir, "done")) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    return existsSync(join(dir, "done")) ? readFileSync(join(dir, "done"), "utf8") : "";
  }
  const profiling = Boolean(process.env.BENCH_CPU_PROF);
  return {
    env,
    /** Full GC; resolves with the V8 heap bytes in use afterwards (NaN if unknown). */
    gc: async (engine: ChildEngine) => Number((JSON.parse((await run(engine, "gc")) || "{}") as { usedSize?: number }).usedSize ?? Number.NaN),
    /** Runs `phase` inside a CPU profile window when profiling, else just runs it. */
    async profile<T>(engine: ChildEngine, phase: () => Promise<T>): Promise<T> {
      if (!profiling) return phase();
      await run(engine, "prof");
      try {
        return await phase();
      } finally {
        await run(engine, "prof");
      }
    },
  };
}

/** RSS after a full GC (median over a few samples) and the V8 heap in use: what live objects and sockets hold. */
async function settledMemory(engine: ChildEngine, hooks: ReturnType<typeof engineHooks>, ms = 3000): Promise<{ rss: number; heap: number }> {
  const heap = await hooks.gc(engine);
  const samples: number[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) samples.push(engine.rss());
  return { rss: percentiles(samples).p50, heap };
}

export interface ViewersOptions {
  viewers?: number;
  burst?: number;
  processes?: number;
  /** Joins in flight per client process while ramping up to viewers − burst. */
  rampConcurrency?: number;
  /** How long the full room idles before RSS and the held count are read. */
  idleMs?: number;
}

export async function viewersBench(opts: ViewersOptions = {}): Promise<BenchRow[]> {
  const { viewers = 10_000, burst = 1_000, processes = 4, rampConcurrency = 25, idleMs = 10_000 } = opts;
  const hooks = engineHooks();
  const engine = await spawnEngine({ ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password, ...hooks.env });
  const clients: ClientProcess[] = [];
  try {
    const { adminToken, streamId } = await setupStream(engine.url);
    for (let i = 0; i < processes; i++) clients.push(await forkClient("viewers-client.ts", [engine.url, streamId]));
    const each = (total: number, i: number) => Math.floor(total / processes) + (i < total % processes ? 1 : 0);
    const all = <T>(command: (i: number) => Record<string, unknown> & { cmd: ViewersCommand["cmd"] }) => Promise.all(clients.map((c, i) => c.call<T>(command(i))));

    // Warm-up: the room exists (first viewer creates it) and the join path is compiled before the baseline.
    await clients[0]!.call<PhaseResult>({ cmd: "join", count: 1, concurrency: 1 });
    const before = await settledMemory(engine, hooks);
    const rssBefore = before.rss;

    const rampRun = await withEngineCpu(engine, () => all<PhaseResult>((i) => ({ cmd: "join", count: each(viewers - burst - 1, i), concurrency: rampConcurrency })));
    const ramp = rampRun.result;
    await new Promise((r) => setTimeout(r, 2000));
    const loadBefore = loadavg()[0]!;
    const burstRun = await hooks.profile(engine, () => withEngineCpu(engine, () => all<PhaseResult>((i) => ({ cmd: "join", count: each(burst, i), concurrency: each(burst, i) }))));
    const burstPhase = burstRun.result;
    await all<StatusResult>(() => ({ cmd: "status" })); // restarts the clients' idle measurement
    await new Promise((r) => setTimeout(r, idleMs));
    const full = await settledMemory(engine, hooks);
    const rssFull = full.rss;
    const heapPerViewer = (full.heap - before.heap) / viewers;
    const status = await all<StatusResult>(() => ({ cmd: "status" }));
    const rooms = (await childApi(engine.url, "/admin/rooms", { token: adminToken })).body as Array<{ name: string; clients: number }>;
    const serverClients = rooms.find((r) => r.name === "stream")?.clients ?? 0;

    const joined = 1 + [...ramp, ...burstPhase].reduce((n, p) => n + p.joined, 0);
    const held = status.reduce((n, s) => n + s.held, 0);
    const errorCounts: Record<string, number> = {};
    for (const p of [...ramp, ...burstPhase]) for (const [k, n] of Object.entries(p.errors)) errorCounts[k] = (errorCounts[k] ?? 0) + n;
    const errors = Object.entries(errorCounts);
    const burstLat = percentiles(burstPhase.flatMap((p) => p.latencies));
    const rampLat = percentiles(ramp.flatMap((p) => p.latencies));
    const perViewer = (rssFull - rssBefore) / viewers;
    const clientCpu = burstPhase.map((p) => Math.round(p.cpuPct));
    const clientLag = burstPhase.map((p) => Math.round(p.eventLoopP99Ms));
    // A client process at ~a full core, or with its event loop stalled, adds its own delay to the joins it times.
    const saturated = burstPhase.some((p) => p.cpuPct >= 90 || p.eventLoopP99Ms >= 50);
    const decide = (ok: boolean) => (ok ? true : saturated ? null : false);
    const machine = { loadAvg1mBeforeBurst: loadBefore, engineCpuPctRamp: rampRun.engineCpuPct, engineCpuPctBurst: burstRun.engineCpuPct, engineCpuMsPerJoinBurst: (burstRun.engineCpuPct * burstRun.wallMs) / 100 / burst };
    const raw = { viewers, burst, processes, rampConcurrency, machine, joined, held, serverClients, errors, rssBefore, rssFull, perViewer, rampLat, rampWallMs: Math.max(...ramp.map((p) => p.wallMs)), burstLat, burstWallMs: Math.max(...burstPhase.map((p) => p.wallMs)), burstClients: burstPhase.map(({ latencies: _l, ...p }) => p), idleClients: status };
    return [
      {
        id: "P3",
        what: `${viewers.toLocaleString("en")} viewers held in one stream room`,
        result: `${held}/${viewers} held (server counts ${serverClients}); ${errors.length ? `join errors ${JSON.stringify(Object.fromEntries(errors))}` : "no join errors"}`,
        target: `${viewers.toLocaleString("en")} held`,
        met: held === viewers && serverClients === viewers,
        raw,
      },
      {
        id: "P3",
        what: "engine RSS per idle viewer",
        result: `${(perViewer / 1000).toFixed(1)} KB (RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssFull / 2 ** 20).toFixed(0)} MiB after a full GC); V8 heap in use ${(heapPerViewer / 1000).toFixed(1)} KB per viewer`,
        target: "≤ 20 KB",
        met: perViewer <= 20_000,
        raw: { rssBefore, rssFull, perViewer, heapBefore: before.heap, heapFull: full.heap, heapPerViewer },
      },
      {
        id: "P3",
        what: `join latency, ${burst.toLocaleString("en")}-join burst onto ${(viewers - burst).toLocaleString("en")} viewers`,
        result: `p50 ${burstLat.p50.toFixed(0)} / p95 ${burstLat.p95.toFixed(0)} / p99 ${burstLat.p99.toFixed(0)} ms (max ${burstLat.max.toFixed(0)}); engine CPU ${burstRun.engineCpuPct.toFixed(0)}%; clients CPU ${clientCpu.join("/")}%, loop p99 ${clientLag.join("/")} ms; load ${loadBefore.toFixed(1)}${saturated ? " — client side saturated" : ""}`,
        target: "p99 ≤ 250 ms",
        met: decide(burstLat.p99 <= 250),
        raw: { burstLat, burstClients: raw.burstClients, saturated, machine },
      },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.call({ cmd: "exit" }).catch(() => undefined)));
    await engine.kill("SIGTERM");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = (i: number) => (process.argv[i] ? Number(process.argv[i]) : undefined);
  // args: viewers burst processes idleMs; BENCH_CPU_PROF=<dir> profiles the engine during the burst
  const rows = await viewersBench({ viewers: n(2), burst: n(3), processes: n(4), idleMs: n(5) });
  console.table(rows.map(({ raw: _raw, ...r }) => r));
  console.log(JSON.stringify(rows[0]!.raw, null, 1));
}
