// One chat fan-out run against a server process (the engine, or the raw uWS baseline), shared by
// P1 (bench/chat-fanout.ts) and P2 (bench/chat-latency.ts). The server and each client process are
// separate processes; the server's CPU is read from /proc over a steady window after a warm-up.
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../test/engine.ts";
import { childApi, spawnEngine } from "../../test/faults/childEngine.ts";
import type { Arrivals, ClientConfig, ClientReport, ToClient } from "../clients/chat-clients.ts";
import { percentiles, type Percentiles } from "./report.ts";
import { startCpuWindow, startMachineWindow, waitNoChildren } from "./procstat.ts";

export interface ChatRunOptions {
  /** Anonymous receivers (viewers), spread over the client processes. */
  viewers: number;
  /** Logged-in members who chat (and receive too). ≥ 30 for 25 msgs/s under the 1/s per-user limit. */
  chatters: number;
  /** Chat lines per second, all chatters together. */
  ratePerSec: number;
  /** How lines are spaced in time (default "poisson": many independent chatters). */
  arrivals?: Arrivals;
  clientProcesses: number;
  /** Engine: how many receivers decode state with the SDK (the rest time frames; see chat-clients.ts). */
  stateReceivers: number;
  warmupMs: number;
  windowMs: number;
  /** Engine only: write a V8 CPU profile of the engine process over the window into this directory. */
  cpuProfileDir?: string;
  /**
   * Run the engine of another checkout (e.g. `git archive HEAD | tar -x -C /tmp/base` plus a
   * node_modules symlink) to compare an engine change against its baseline on the same machine.
   */
  engineDir?: string;
  /** Extra environment of the engine process (e.g. NODE_OPTIONS=--perf-basic-prof for `perf`). */
  engineEnv?: Record<string, string>;
  /** Progress lines on stderr. */
  verbose?: boolean;
}

export interface ClientSide {
  cpuPct: number;
  loopLagMs: ClientReport["loopLagMs"];
  receivers: number;
  closed: number;
}

export interface ChatRunResult {
  server: "engine" | "raw";
  subscribers: number;
  windowS: number;
  serverCpuPct: number;
  deliveries: number;
  deliveriesPerSec: number;
  /** %CPU of one core per 1,000 deliveries/s. */
  cpuPer1k: number;
  sent: number;
  sendErrors: Record<string, number>;
  expectedDeliveriesPerSec: number;
  bytesPerDelivery: number;
  framesPerDelivery: number;
  /** Line in a receiver's synced state (engine state receivers only). */
  stateLatencyMs: Percentiles;
  /** Frame carrying the line arrived at the receiver. */
  frameLatencyMs: Percentiles;
  clients: ClientSide[];
  /** A client process used ≥ 90% of a core or its event loop lagged ≥ 25 ms at p99. */
  clientSaturated: boolean;
  /** Busy share of the whole machine during the window (0–1; 1 = both cores). */
  machineBusy: number;
  /** The engine's CPU profile of the window (see bench/lib/profileTop.ts). */
  cpuProfile?: string;
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const profileHook = fileURLToPath(new URL("./cpu-profile-hook.mjs", import.meta.url));
const clientScript = fileURLToPath(new URL("../clients/chat-clients.ts", import.meta.url));
const log = (opts: ChatRunOptions, ...a: unknown[]) => opts.verbose && console.error("[chat-bench]", ...a);

/** Sends one command to a client process and waits for its answer of type `reply`. */
function ask<T = any>(child: ChildProcess, msg: ToClient, reply: string, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`client ${child.pid}: no "${reply}" within ${timeoutMs} ms`)), timeoutMs);
    const onMsg = (m: any) => {
      if (m?.type === reply) done(undefined, m);
      else if (m?.type === "failed") done(new Error(`client ${child.pid}: ${m.error}`));
    };
    const onExit = (code: number | null) => done(new Error(`client ${child.pid} exited (${code}) waiting for "${reply}"`));
    const done = (err?: Error, m?: T) => {
      clearTimeout(timer);
      child.off("message", onMsg);
      child.off("exit", onExit);
      err ? reject(err) : resolve(m!);
    };
    child.on("message", onMsg);
    child.once("exit", onExit);
    child.send(msg);
  });
}

async function startClients(n: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const child = fork(clientScript, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      await new Promise<void>((resolve, reject) => {
        child.once("message", () => resolve());
        child.once("exit", (code) => reject(new Error(`client process exited at start (${code})`)));
      });
      return child;
    }),
  );
}

/** Engine users and stream: a creator's stream, `chatters` adult members; returns their tokens. */
async function engineStream(url: string, admin: { email: string; password: string }, chatters: number) {
  const must = <T extends { status: number; body: any }>(r: T, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const adminToken = must(await childApi(url, "/auth/login", { body: admin }), "admin login").accessToken;
  const birthDate = `${new Date().getUTCFullYear() - 30}-01-01`;
  const creator = must(await childApi(url, "/auth/register", { body: { email: "chat-creator@example.com", password: "BenchCreator1", displayName: "Creator", birthDate } }), "creator");
  must(await childApi(url, `/admin/users/${creator.user.id}/role`, { token: adminToken, body: { role: "creator" } }), "role");
  must(await childApi(url, `/admin/users/${creator.user.id}/verify`, { token: adminToken, body: {} }), "verify");
  const stream = must(await childApi(url, "/streams", { token: creator.accessToken, body: { title: "Chat bench" } }), "stream");
  const tokens: string[] = [];
  for (let i = 0; i < chatters; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, chatters - i) }, (_, k) =>
        childApi(url, "/auth/register", { body: { email: `bench.member${i + k}@example.com`, password: "SunnyDays2024x", displayName: `Chatter ${i + k}`, birthDate } }),
      ),
    );
    tokens.push(...batch.map((r, k) => must(r, `chatter ${i + k}`).accessToken as string));
  }
  return { streamId: stream.id as string, tokens };
}

async function startRawServer(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "bench/raw-uws-server.ts", String(port)], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`raw server exited (${code})`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/` };
}

function split(total: number, parts: number, i: number) {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

/**
 * Runs one server under chat load: `server` "engine" (a child engine, real stores, journal and
 * classifier) or "raw" (bench/raw-uws-server.ts publishing `rawBytes`-byte messages).
 */
export async function chatRun(server: "engine" | "raw", opts: ChatRunOptions, rawBytes?: number): Promise<ChatRunResult> {
  const admin = { email: "chat-bench-admin@example.com", password: "ChatBenchAdmin1" };
  let stopServer: () => Promise<unknown> = async () => undefined;
  let clients: ChildProcess[] = [];
  try {
    let serverPid: number;
    let configFor: (i: number) => ClientConfig;
    if (server === "engine") {
      const env: Record<string, string> = { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, INGEST: "off", LOG_LEVEL: "warn", ...opts.engineEnv };
      if (opts.cpuProfileDir) Object.assign(env, { NODE_OPTIONS: `--import ${profileHook}`, CPU_PROFILE_DIR: opts.cpuProfileDir });
      const spawn = opts.engineDir ? ((await import(join(opts.engineDir, "test/faults/childEngine.ts"))) as { spawnEngine: typeof spawnEngine }).spawnEngine : spawnEngine;
      const engine = await spawn(env);
      stopServer = async () => {
        await engine.kill("SIGTERM");
        rmSync(engine.dataDir, { recursive: true, force: true });
      };
      serverPid = engine.child.pid!;
      if (!(await waitNoChildren(serverPid))) log(opts, "engine still has child processes (client build?); measuring anyway");
      const { streamId, tokens } = await engineStream(engine.url, admin, opts.chatters);
      configFor = (i) => ({
        target: "engine",
        url: engine.url,
        streamId,
        receivers: split(opts.viewers, opts.clientProcesses, i),
        stateReceivers: split(opts.stateReceivers, opts.clientProcesses, i),
        ...(i === 0 ? { chatterTokens: tokens } : {}),
      });
    } else {
      const raw = await startRawServer();
      stopServer = async () => {
        raw.child.kill("SIGTERM");
        if (raw.child.exitCode === null) await new Promise((r) => raw.child.once("exit", r));
      };
      serverPid = raw.child.pid!;
      configFor = (i) => ({ target: "raw", url: raw.url, receivers: split(opts.viewers, opts.clientProcesses, i), stateReceivers: 0, rawBytes, ...(i === 0 ? { chatters: opts.chatters } : {}) });
    }
    clients = await startClients(opts.clientProcesses);
    return await measure(server, opts, serverPid, clients, configFor);
  } finally {
    await Promise.all(clients.map((c) => ask(c, { type: "stop" }, "stopped", 10_000).catch(() => c.kill("SIGKILL"))));
    await stopServer();
  }
}

async function measure(server: "engine" | "raw", opts: ChatRunOptions, serverPid: number, clients: ChildProcess[], configFor: (i: number) => ClientConfig): Promise<ChatRunResult> {
  const t0 = performance.now();
  const joined = await Promise.all(clients.map((c, i) => ask<{ receivers: number }>(c, { type: "join", config: configFor(i) }, "joined")));
  const subscribers = joined.reduce((a, j) => a + j.receivers, 0);
  log(opts, `${server}: ${subscribers} subscribers joined in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Only the first process holds chatters.
  await Promise.all(clients.map((c, i) => ask(c, { type: "send", ratePerSec: i === 0 ? opts.ratePerSec : 0, arrivals: opts.arrivals ?? "poisson" }, "sending")));
  await new Promise((r) => setTimeout(r, opts.warmupMs));

  await Promise.all(clients.map((c) => ask(c, { type: "mark" }, "marked")));
  // The hook in the engine starts its profiler on the first SIGUSR2 and writes it on the second.
  const profiling = server === "engine" && opts.cpuProfileDir !== undefined;
  const profilesBefore = profiling ? readdirSync(opts.cpuProfileDir!).length : 0;
  if (profiling) process.kill(serverPid, "SIGUSR2");
  const serverCpu = startCpuWindow(serverPid);
  const clientCpu = clients.map((c) => startCpuWindow(c.pid!));
  const machine = startMachineWindow();
  await new Promise((r) => setTimeout(r, opts.windowMs));
  const cpu = serverCpu.end();
  const clientPct = clientCpu.map((w) => w.end().pct);
  const busy = machine.end();
  let cpuProfile: string | undefined;
  if (profiling) {
    process.kill(serverPid, "SIGUSR2");
    for (let i = 0; i < 100 && readdirSync(opts.cpuProfileDir!).length === profilesBefore; i++) await new Promise((r) => setTimeout(r, 100));
    const files = readdirSync(opts.cpuProfileDir!).map((f) => join(opts.cpuProfileDir!, f));
    cpuProfile = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  }
  const reports = (await Promise.all(clients.map((c) => ask<{ report: ClientReport }>(c, { type: "report" }, "report")))).map((r) => r.report);

  const deliveries = reports.reduce((a, r) => a + r.deliveries, 0);
  const windowS = cpu.wallSeconds;
  const deliveriesPerSec = deliveries / windowS;
  const frames = reports.reduce((a, r) => a + r.frames, 0);
  const bytes = reports.reduce((a, r) => a + r.bytes, 0);
  const sendErrors: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.sendErrors)) sendErrors[k] = (sendErrors[k] ?? 0) + v;
  const clientSide = reports.map((r, i) => ({ cpuPct: clientPct[i]!, loopLagMs: r.loopLagMs, receivers: joined[i]!.receivers, closed: r.closed }));
  log(opts, `${server}: server ${cpu.pct.toFixed(1)} %CPU, ${deliveriesPerSec.toFixed(0)} deliveries/s, clients ${clientPct.map((p) => p.toFixed(0)).join("/")} %CPU`);
  return {
    server,
    subscribers,
    windowS,
    serverCpuPct: cpu.pct,
    deliveries,
    deliveriesPerSec,
    cpuPer1k: cpu.pct / (deliveriesPerSec / 1000),
    sent: reports.reduce((a, r) => a + r.sent, 0),
    sendErrors,
    // Lines actually sent in the window (Poisson arrivals vary) × subscribers.
    expectedDeliveriesPerSec: (reports.reduce((a, r) => a + r.sent, 0) / windowS) * subscribers,
    bytesPerDelivery: bytes / Math.max(1, deliveries),
    framesPerDelivery: frames / Math.max(1, deliveries),
    stateLatencyMs: percentiles(reports.flatMap((r) => r.stateMs)),
    frameLatencyMs: percentiles(reports.flatMap((r) => r.frameMs)),
    clients: clientSide,
    clientSaturated: clientSide.some((c) => c.cpuPct >= 90 || c.loopLagMs.p99 >= 25),
    machineBusy: busy,
    ...(cpuProfile ? { cpuProfile } : {}),
  };
}
