// P5 (issue 9): write-behind throughput and lag of stream chat lines into the real stores.
//   node --import tsx bench/write-behind.ts [rate] [seconds]
// The stores are opened by the engine's own `openStores` (DATABASE_URL = MariaDB, embedded doc
// store), and lines are enqueued exactly as StreamRoom.persistLine does (`later.doc` set into
// `streams/<id>/chat`, then `durable()` before the line is shown). Producers run in this process
// because that is where rooms enqueue: the queue's CPU is the engine's CPU.
// Chat lines reach SQL nowhere in the engine today, so the "sql" scenarios register a bench-only
// sink on the same queue: an idempotent multi-row upsert into a chat table in MariaDB, through
// the engine's SqlStore connection — what a SQL chat archive sink would cost.
// Lag = enqueue (the line's `ts`) → the store's batch call resolved (committed).
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import mysql from "mysql2/promise";
import { pino } from "pino";
import { loadEnv } from "../config/env.ts";
import { chatCollection, seqKey, type ChatLineDoc } from "../rooms/stream/chatLog.ts";
import { closeStores, openStores, type Stores } from "../storage/index.ts";
import { createEmbeddedDocStore } from "../storage/docs/EmbeddedDocStore.ts";
import { databaseName } from "../storage/sql/config.ts";
import type { DocWrite } from "../storage/ports.ts";
import { percentiles, type BenchRow, type Percentiles } from "./lib/report.ts";

export interface WriteBehindBenchOptions {
  /** Offered chat lines per second (open loop). */
  rate?: number;
  /** Measured window, after the warm-up. */
  seconds?: number;
  warmupSeconds?: number;
  /** Streams the lines are spread over (one chat collection each). */
  streams?: number;
  /** A MariaDB database this bench may drop and recreate. */
  databaseUrl?: string;
  scenarios?: Scenario[];
}

/**
 * docs: the engine's path; sql: bench-only SQL chat sink; both: every line into both stores;
 * noop: the queue alone (journal, batching) into a sink that stores nothing — its own ceiling.
 */
export type Scenario = "noop" | "docs" | "sql" | "both";
type Store = "noop" | "docs" | "sql";

const TARGET_RATE = 20_000;
const TARGET_LAG_P99_MS = 2000;
const SQL_SINK = "sql.chat";
const NOOP_SINK = "bench.noop";
const BASELINE_BATCH = 2000; // the queue's default maxBatch: the biggest batch a sink gets
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const WORDS = "hey love this stream wow so hot more please tip goal lets go amazing haha omg yes lol".split(" ");
let textSeed = 1;
/** 10–20 words, 40–120 characters: a chat line. Deterministic, no Math.random in the hot loop. */
function chatText(): string {
  const n = 10 + (textSeed % 11);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    textSeed = (textSeed * 1103515245 + 12345) & 0x7fffffff;
    out.push(WORDS[textSeed % WORDS.length]!);
  }
  return out.join(" ");
}

/** A line as persistLine builds it. */
function chatLine(stream: number, counter: number, ts: number): ChatLineDoc {
  const id = `${ts.toString(36)}${(counter * 2654435761 >>> 0).toString(16).padStart(10, "0")}`;
  const user = (counter * 7919) % 50_000;
  return { id, streamId: `s${stream}`, userId: `u${user}`, name: `viewer_${user}`, text: chatText(), kind: "chat", ts, seq: seqKey(ts, counter), deleted: false };
}

const CHAT_TABLE = `CREATE TABLE IF NOT EXISTS bench_chat_lines (
  id VARCHAR(40) NOT NULL PRIMARY KEY, stream_id VARCHAR(40) NOT NULL, user_id VARCHAR(40) NULL,
  name VARCHAR(64) NOT NULL, text VARCHAR(500) NOT NULL, kind VARCHAR(8) NOT NULL, ts BIGINT NOT NULL,
  seq VARCHAR(32) NOT NULL, KEY by_stream (stream_id, seq)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** One idempotent multi-row upsert: InnoDB applies the whole batch or none of it. */
async function upsertChat(stores: Stores, lines: readonly ChatLineDoc[]): Promise<void> {
  if (lines.length === 0) return;
  const params: unknown[] = [];
  for (const l of lines) params.push(l.id, l.streamId, l.userId, l.name, l.text, l.kind, l.ts, l.seq);
  const rows = Array.from(lines, () => "(?,?,?,?,?,?,?,?)").join(",");
  await stores.sql.em().execute(
    `INSERT INTO bench_chat_lines (id, stream_id, user_id, name, text, kind, ts, seq) VALUES ${rows} ` +
      "ON DUPLICATE KEY UPDATE text = VALUES(text), kind = VALUES(kind)",
    params,
    "run",
  );
}

async function withStores<T>(databaseUrl: string, fn: (stores: Stores) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "bench-p5-"));
  const logger = pino({ level: "warn" });
  const env = loadEnv({ LOG_LEVEL: "warn", NODE_ENV: "test", DATA_DIR: dir, DATABASE_URL: databaseUrl });
  const stores = await openStores(env, logger);
  try {
    // A fresh table per run: rows left by an earlier run would make inserts slower and slower.
    await stores.sql.em().execute("DROP TABLE IF EXISTS bench_chat_lines", [], "run");
    await stores.sql.em().execute(CHAT_TABLE, [], "run");
    return await fn(stores);
  } finally {
    await closeStores(stores, logger);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stores' own batched insert speed, no queue: the same-run ceiling the queue is judged against. */
async function baselines(databaseUrl: string, seconds: number) {
  const measure = async (apply: (lines: ChatLineDoc[]) => Promise<void>) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const ts = Date.now();
      const lines = Array.from({ length: BASELINE_BATCH }, (_, i) => chatLine((n + i) % 200, n + i, ts));
      await apply(lines);
      n += lines.length;
    }
    return Math.round(n / ((performance.now() - t0) / 1000));
  };
  const dir = mkdtempSync(join(tmpdir(), "bench-p5-raw-"));
  const docs = createEmbeddedDocStore({ dataDir: dir });
  let docsRate: number;
  try {
    docsRate = await measure((lines) => docs.batch(lines.map((l): DocWrite => ({ op: "set", collection: chatCollection(l.streamId), id: l.id, data: l }))));
  } finally {
    await docs.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const sqlRate = await withStores(databaseUrl, (stores) => measure((lines) => upsertChat(stores, lines)));
  return { docsLinesPerSec: docsRate, sqlLinesPerSec: sqlRate, batch: BASELINE_BATCH };
}

interface ScenarioResult {
  scenario: Scenario;
  offeredPerSec: number;
  /** Lines actually enqueued per second in the window (the producers' own pace). */
  enqueuedPerSec: number;
  /** Items committed per second in the window, per store. */
  committedPerSec: Record<string, number>;
  /** The slowest store's commit rate: what "lines/s into the stores" means. */
  linesCommittedPerSec: number;
  lagMs: Percentiles;
  durableMs: Percentiles;
  /** Backlog (queued + spilled items) at the end of the window: ~0 when the rate is sustained. */
  backlogAtEnd: number;
  drainMs: number;
  uncommitted: number;
  failures: number;
  cpuPercent: number;
  /** Process CPU per line offered in the window (producers + queue + store clients): load-independent-ish. */
  cpuMicrosPerLine: number;
  eventLoopDelayP99Ms: number;
  /** Per store: duration of one batch call and the average batch size, in the window. */
  storeCalls: Record<string, { callMs: Percentiles; avgBatch: number }>;
}

async function runScenario(scenario: Scenario, o: Required<WriteBehindBenchOptions>): Promise<ScenarioResult> {
  return withStores(o.databaseUrl, async (stores) => {
    const intoDocs = scenario === "docs" || scenario === "both";
    const intoSql = scenario === "sql" || scenario === "both";
    const intoNoop = scenario === "noop";
    let measuring = false;
    let windowStart = 0;
    let windowEnd = Infinity;
    const lags: number[] = [];
    const committedInWindow: Record<Store, number> = { noop: 0, docs: 0, sql: 0 };
    // Store calls during the window: how long one batch takes and how big batches get.
    const calls = { noop: { ms: [] as number[], items: 0 }, docs: { ms: [] as number[], items: 0 }, sql: { ms: [] as number[], items: 0 } };
    const pendingLines: Record<Store, number> = { noop: 0, docs: 0, sql: 0 };
    // Called once the store's batch resolved: every line in it is committed now.
    const committed = (store: Store, tsList: number[], startedAt: number) => {
      const now = Date.now();
      if (measuring) {
        calls[store].ms.push(performance.now() - startedAt);
        calls[store].items += tsList.length;
      }
      pendingLines[store] -= tsList.length;
      for (const ts of tsList) {
        if (ts >= windowStart && ts <= windowEnd) lags.push(now - ts);
        if (measuring) committedInWindow[store]!++;
      }
    };
    if (intoDocs) {
      // Wraps the instance's batch: the "docs" sink registered by openStores calls it.
      const real = stores.docs.batch.bind(stores.docs);
      stores.docs.batch = async (writes) => {
        const t = performance.now();
        await real(writes);
        committed("docs", writes.flatMap((w) => (w.op === "set" && typeof w.data.ts === "number" ? [w.data.ts] : [])), t);
      };
    }
    if (intoNoop) {
      stores.queue.registerSink(NOOP_SINK, async (payloads) => committed("noop", (payloads as ChatLineDoc[]).map((l) => l.ts), performance.now()));
    }
    if (intoSql) {
      stores.queue.registerSink(SQL_SINK, async (payloads) => {
        const lines = payloads as ChatLineDoc[];
        const t = performance.now();
        await upsertChat(stores, lines);
        committed("sql", lines.map((l) => l.ts), t);
      });
    }

    const durables: number[] = [];
    const counters = new Array<number>(o.streams).fill(0);
    let sent = 0;
    let sentInWindow = 0;
    let next = 0;
    const emit = (count: number) => {
      for (let k = 0; k < count; k++) {
        const stream = next++ % o.streams;
        const line = chatLine(stream, ++counters[stream]!, Date.now());
        if (intoDocs) {
          stores.later.doc({ op: "set", collection: chatCollection(line.streamId), id: line.id, data: line });
          pendingLines.docs++;
        }
        if (intoSql) {
          stores.queue.enqueue({ sink: SQL_SINK, payload: line });
          pendingLines.sql++;
        }
        if (intoNoop) {
          stores.queue.enqueue({ sink: NOOP_SINK, payload: line });
          pendingLines.noop++;
        }
        // Every member line is shown only after durable() (StreamRoom.addLineDurably).
        const t = performance.now();
        const record = measuring;
        void stores.later.durable().then(
          () => record && durables.push(performance.now() - t),
          () => {},
        );
      }
      sent += count;
      if (measuring) sentInWindow += count;
    };

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const start = performance.now();
    const warmEnd = start + o.warmupSeconds * 1000;
    const end = warmEnd + o.seconds * 1000;
    let cpu0 = process.cpuUsage();
    for (let now = start; now < end; now = performance.now()) {
      if (!measuring && now >= warmEnd) {
        measuring = true;
        windowStart = Date.now();
        cpu0 = process.cpuUsage();
        loop.enable();
      }
      // Open loop: whatever fell due since the last tick, so a blocked loop is caught up, not forgiven.
      const due = Math.floor(((now - start) / 1000) * o.rate) - sent;
      if (due > 0) emit(due);
      await sleep(2);
    }
    measuring = false;
    windowEnd = Date.now();
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const windowMs = performance.now() - warmEnd;
    const stats = stores.queue.stats();
    const backlogAtEnd = stats.queued + stats.spilled;
    const drainStart = performance.now();
    const pending = () => pendingLines.noop + pendingLines.docs + pendingLines.sql;
    while (pending() > 0 && performance.now() - drainStart < 60_000) await sleep(20);
    const drainMs = performance.now() - drainStart;
    const perSec = (n: number) => Math.round(n / (windowMs / 1000));
    const committedPerSec: Record<string, number> = {};
    const storeCalls: ScenarioResult["storeCalls"] = {};
    for (const store of ["noop", "docs", "sql"] as const) {
      if (!{ noop: intoNoop, docs: intoDocs, sql: intoSql }[store]) continue;
      committedPerSec[store] = perSec(committedInWindow[store]!);
      storeCalls[store] = { callMs: percentiles(calls[store].ms), avgBatch: Math.round(calls[store].items / Math.max(1, calls[store].ms.length)) };
    }
    return {
      scenario,
      offeredPerSec: o.rate,
      enqueuedPerSec: perSec(sentInWindow),
      committedPerSec,
      linesCommittedPerSec: Math.min(...Object.values(committedPerSec)),
      lagMs: percentiles(lags),
      durableMs: percentiles(durables),
      backlogAtEnd,
      drainMs: Math.round(drainMs),
      uncommitted: pending(),
      failures: stores.queue.stats().failures,
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / windowMs) * 100),
      cpuMicrosPerLine: Math.round((cpu.user + cpu.system) / Math.max(1, sentInWindow)),
      eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
      storeCalls,
    };
  });
}

const LABEL: Record<Scenario, string> = {
  noop: "chat lines → write-behind (journal on) → no-op sink: the queue's own ceiling",
  docs: "chat lines → write-behind → embedded doc store (engine path)",
  sql: "chat lines → write-behind → MariaDB (bench SQL chat sink)",
  both: "chat lines → write-behind → doc store + MariaDB (each line twice)",
};

export async function writeBehindBench(opts: WriteBehindBenchOptions = {}): Promise<BenchRow[]> {
  const o: Required<WriteBehindBenchOptions> = {
    rate: TARGET_RATE,
    seconds: 15,
    warmupSeconds: 3,
    streams: 200,
    databaseUrl: "mysql://root@127.0.0.1:3306/bench_p5",
    scenarios: ["noop", "docs", "sql", "both"],
    ...opts,
  };
  const rows: BenchRow[] = [];
  try {
    await run(o, rows);
  } finally {
    // The database is the bench's own (openStores created it and ran the engine's migrations).
    const conn = await mysql.createConnection(o.databaseUrl.replace(/^mariadb:/, "mysql:"));
    await conn.query(`DROP DATABASE IF EXISTS \`${databaseName(o.databaseUrl)}\``).finally(() => conn.end());
  }
  return rows;
}

async function run(o: Required<WriteBehindBenchOptions>, rows: BenchRow[]): Promise<void> {
  const baseline = await baselines(o.databaseUrl, 3);
  for (const scenario of o.scenarios) {
    const r = await runScenario(scenario, o);
    const base = { noop: Infinity, docs: baseline.docsLinesPerSec, sql: baseline.sqlLinesPerSec, both: Math.min(baseline.docsLinesPerSec, baseline.sqlLinesPerSec) }[scenario];
    // Open loop at exactly the target: the window rate carries ±1% edge noise, so "sustained"
    // means the producers kept pace, nothing was left behind and the backlog did not grow.
    const kept = r.enqueuedPerSec >= 0.99 * TARGET_RATE && r.linesCommittedPerSec >= 0.98 * TARGET_RATE && r.uncommitted === 0 && r.backlogAtEnd < TARGET_RATE;
    rows.push({
      id: "P5",
      what: LABEL[scenario],
      result:
        `offered ${fmt(r.offeredPerSec)}/s → committed ${fmt(r.linesCommittedPerSec)} lines/s over ${o.seconds} s ` +
        `${Number.isFinite(base) ? `(store's raw batched insert ${fmt(base)}/s)` : "(no store)"}; lag p50 ${fmt(r.lagMs.p50)} p99 ${fmt(r.lagMs.p99)} ms; ` +
        `durable() p50 ${r.durableMs.p50.toFixed(1)} p99 ${r.durableMs.p99.toFixed(1)} ms; CPU ${r.cpuPercent}% of a core (${r.cpuMicrosPerLine} µs/line), loop delay p99 ${r.eventLoopDelayP99Ms} ms`,
      target: `≥ ${fmt(TARGET_RATE)} lines/s, lag p99 ≤ ${TARGET_LAG_P99_MS / 1000} s`,
      met: kept && r.lagMs.p99 <= TARGET_LAG_P99_MS,
      raw: { ...r, baseline, streams: o.streams, cpus: cpus().length },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rate = process.argv[2] ? Number(process.argv[2]) : undefined;
  const seconds = process.argv[3] ? Number(process.argv[3]) : undefined;
  const scenarios = process.argv[4] ? (process.argv[4].split(",") as Scenario[]) : undefined;
  const rows = await writeBehindBench({ ...(rate ? { rate } : {}), ...(seconds ? { seconds } : {}), ...(scenarios ? { scenarios } : {}) });
  console.table(rows.map(({ id, what, result, target, met }) => ({ id, what, result, target, met })));
  for (const row of rows) console.log(JSON.stringify(row.raw));
}
