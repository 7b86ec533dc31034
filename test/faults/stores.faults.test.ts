// Faults on real stores, without touching the machine's shared MariaDB and Redis: a private
// MariaDB and a private Redis (test/private-services.ts) under an engine process, with chat and
// tips flowing through a stream room. Redis and then MariaDB are stopped and restarted under load;
// the engine is stopped with SIGTERM (during a Redis outage too) and killed with SIGKILL. After
// each recovery, what the engine acknowledged is compared with what the stores hold.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adminEnv, apiAt, loginAdmin, makeActor, type Actor, type Api } from "../fuzz/actors.ts";
import { faultCycles, longFaults } from "../fuzz/mode.ts";
import { recordReliability } from "../fuzz/reliability.ts";
import { canStartPrivate, startPrivateMariaDb, startPrivateRedis, type PrivateServer } from "../private-services.ts";
import { spawnEngine, type ChildEngine } from "./childEngine.ts";
import { chatHistory, compareChat, StreamLoad } from "./load.ts";

const up = canStartPrivate("mariadb") && canStartPrivate("redis");
const CYCLES = faultCycles(1, 5);
const MEMBERS = longFaults ? 24 : 8;
const ROUNDS = longFaults ? 5 : 2;
const PREFIX = "faults:";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(up)("faults on a private MariaDB and a private Redis", () => {
  let maria: PrivateServer;
  let redis: PrivateServer;
  let engine: ChildEngine | undefined;
  let env: Record<string, string>;
  let api: Api;
  let admin: Actor;
  let creator: Actor;
  let members: Actor[] = [];
  let spillStreamId: string | undefined;
  const figures: Record<string, unknown> = { faultsInjected: [] as string[] };
  const injected = figures.faultsInjected as string[];

  // A test that fails mid-outage must not leave the next one without its stores.
  beforeEach(async () => {
    await Promise.all([maria?.start(), redis?.start()]);
    if (engine && engine.child.exitCode !== null) await start();
  });

  const start = async (extra: Record<string, string> = {}, dataDir?: string) => {
    engine = await spawnEngine({ ...env, ...extra }, { dataDir: dataDir ?? engine?.dataDir });
    api = apiAt(engine.url);
    return engine;
  };

  const sql = async <T>(query: string, params: unknown[] = []): Promise<T[]> => {
    const u = new URL(maria.url);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port), user: "root", database: "teezu_faults" });
    try {
      return (await conn.query(query, params))[0] as T[];
    } finally {
      await conn.end();
    }
  };

  /** Until the write-behind queue is empty (nothing queued, nothing spilled). */
  const drained = async (ms = 20_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const ready = await api.api("/ready");
      const wb = ready.body?.writeBehind;
      if (ready.status === 200 && wb && wb.queued === 0 && wb.spilled === 0) return;
      if (Date.now() > end) throw new Error(`write-behind not drained: ${JSON.stringify(ready.body)}`);
      await sleep(100);
    }
  };

  const newStream = async (title: string) => {
    const res = await api.api("/streams", { token: creator.token, body: { title } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    [maria, redis] = await Promise.all([startPrivateMariaDb(), startPrivateRedis({ appendOnly: true })]);
    const db = new URL(maria.url);
    db.pathname = "/teezu_faults";
    env = { ...adminEnv, DATABASE_URL: db.toString(), REDIS_URL: redis.url, CACHE_PREFIX: PREFIX, WRITE_BEHIND_FLUSH_MS: "100", LOG_LEVEL: "error" };
    await start();
    admin = await loginAdmin(api);
    creator = await makeActor(api, admin, "creator");
    members = await Promise.all(Array.from({ length: MEMBERS }, () => makeActor(api, admin, "member", { verified: false })));
  });

  afterAll(async () => {
    await engine?.kill("SIGKILL");
    await Promise.allSettled([maria?.destroy(), redis?.destroy()]);
    recordReliability("faults", figures);
    console.log(`[faults] ${JSON.stringify(figures)}`);
  });

  it("store outages under load: nothing acknowledged is lost or duplicated; tips during the SQL outage are refused clearly", { timeout: longFaults ? 1_800_000 : 120_000 }, async () => {
    const streamId = await newStream("Outage night");
    const wallet = (await api.api("/wallet", { token: members[0]!.token })).status === 200;
    if (wallet) for (const m of members) expect((await api.api("/wallet/topups", { token: m.token, body: { amount: 1000 } })).status).toBe(201);
    const load = await StreamLoad.start(engine!.url, streamId, members.map((m) => m.token));
    const statuses: Record<string, Record<string, number>> = {};
    const note = (phase: string, what: string, status: number) => {
      const p = (statuses[phase] ??= {});
      p[`${what} ${status}`] = (p[`${what} ${status}`] ?? 0) + 1;
    };
    const refusedCodes: string[] = [];
    figures.outages = { statuses, refusedCodes };
    const round = async (phase: string) => {
      load.chatRound();
      if (wallet) await load.tipRound(1);
      note(phase, "GET /health", (await api.api("/health")).status);
      note(phase, "GET /streams/:id", (await api.api(`/streams/${streamId}`, { token: members[0]!.token })).status);
      note(phase, "POST /auth/login", (await api.api("/auth/login", { body: { email: members[1]!.email, password: "Sunshine2024" }, headers: { "x-forwarded-for": "192.0.2.9" } })).status);
      await sleep(1000);
    };

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      for (let r = 0; r < ROUNDS; r++) await round("healthy");
      await redis.stop();
      injected.push("redis stop");
      for (let r = 0; r < ROUNDS; r++) await round("redis down");
      await redis.start();
      injected.push("redis start");
      for (let r = 0; r < ROUNDS; r++) await round("after redis");
      await maria.stop();
      injected.push("mariadb stop");
      for (let r = 0; r < ROUNDS; r++) await round("mariadb down");
      const refusedDuringOutage = new Map(load.ledger.tipsRefused);
      await maria.start();
      injected.push("mariadb start");
      await sleep(1500); // the pool reconnects on its next use
      for (let r = 0; r < ROUNDS; r++) await round("after mariadb");
      if (wallet) {
        const codes = [...refusedDuringOutage.values()];
        refusedCodes.push(...codes);
        expect(codes.length, "tips were refused while MariaDB was down").toBeGreaterThan(0);
        expect(codes.filter((c) => c === "internal" || c === "timeout"), `tips refused with an unclear error: ${JSON.stringify(codes)}\n${engine!.output().slice(-3000)}`).toEqual([]);
        await load.retryRefused(1);
      }
    }
    const fiveHundreds = Object.entries(statuses).flatMap(([phase, p]) => Object.keys(p).filter((k) => k.endsWith(" 500")).map((k) => `${phase}: ${k}`));
    expect(fiveHundreds, "outages answer 503 store_unavailable, not 500").toEqual([]);
    const unsettled = await load.settle();
    (figures.outages as Record<string, unknown>).chatRefused = Object.fromEntries([...load.ledger.chatRefused.values()].reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>()));
    expect(unsettled, `chat lines neither acknowledged nor refused\n${engine!.output().slice(-3000)}`).toBe(0);
    await drained();

    const history = await chatHistory(engine!.url, streamId, members[0]!.token);
    const chat = compareChat(load.ledger.chatAcked, history);
    expect(chat.missing, "acknowledged chat lines missing").toEqual([]);
    expect(chat.duplicated, "chat lines stored twice").toEqual([]);

    let tips: Record<string, unknown> = { wallet: false };
    if (wallet) {
      const rows = await sql<{ id: string; idempotency_key: string; amount: number }>("select id, idempotency_key, amount from transactions where kind = 'tip'");
      const byKey = new Map<string, number>();
      for (const row of rows) {
        const key = row.idempotency_key.split(":").slice(2).join(":");
        byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
      const acked = [...load.ledger.tipsAcked.keys()];
      expect(acked.filter((k) => byKey.get(k) !== 1), "acknowledged tips not in the ledger exactly once").toEqual([]);
      expect([...byKey.keys()].filter((k) => !load.ledger.tipsAcked.has(k)), "ledger tips nobody was told about").toEqual([]);
      const [sum] = await sql<{ total: string | null; n: number }>("select sum(amount) as total, count(*) as n from ledger_entries");
      expect(Number(sum!.total ?? 0), "ledger entries sum to zero").toBe(0);
      const unbalanced = await sql<{ transaction_id: string }>("select transaction_id from ledger_entries group by transaction_id having sum(amount) <> 0");
      expect(unbalanced).toEqual([]);
      tips = { wallet: true, sent: load.ledger.tipsSent, acknowledged: acked.length, inLedger: [...byKey.values()].reduce((a, b) => a + b, 0), ledgerEntries: sum!.n, refusedDuringSqlOutage: refusedCodes.length, refusedCodes: [...new Set(refusedCodes)] };
    }
    // The viewer count reached Redis again after its outage (the room mirrors it every few seconds).
    const r = new Redis(redis.url);
    const viewers = await r.get(`${PREFIX}stream:${streamId}`);
    await r.quit();
    expect(viewers, `viewer count after the outages\n${engine!.output().slice(-3000)}`).toBe(String(MEMBERS));
    await load.close();
    figures.outages = { cycles: CYCLES, chat: { sent: load.ledger.chatSent, acknowledged: chat.acknowledged, refused: (figures.outages as Record<string, unknown>).chatRefused, foundAfterRecovery: chat.found }, tips, cacheViewerKeyRestored: true, httpStatusesByPhase: statuses };
  });

  // In `npm test` the SIGTERM-during-an-outage test below covers a clean stop; this one (items only
  // in memory at the signal, with a minute between flushes) runs in `npm run faults`.
  it.runIf(longFaults)("SIGTERM: what was only in memory is flushed; the restarted engine has every acknowledged line", { timeout: 120_000 }, async () => {
    await engine!.kill("SIGTERM");
    injected.push("engine SIGTERM (idle)");
    // A minute between flushes: every line acknowledged below is only in memory when the signal comes.
    await start({ WRITE_BEHIND_FLUSH_MS: "60000" });
    const streamId = await newStream("Signal night");
    const load = await StreamLoad.start(engine!.url, streamId, members.map((m) => m.token));
    for (let r = 0; r < ROUNDS; r++) {
      load.chatRound();
      await sleep(1000);
    }
    expect(await load.settle()).toBe(0);
    const before = await chatHistory(engine!.url, streamId, members[0]!.token);
    const code = await engine!.kill("SIGTERM");
    injected.push("engine SIGTERM (under load)");
    expect(code).toBe(0);
    await start();
    const after = compareChat(load.ledger.chatAcked, await chatHistory(engine!.url, streamId, members[0]!.token));
    expect(after.missing).toEqual([]);
    expect(after.duplicated).toEqual([]);
    figures.sigterm = { acknowledged: after.acknowledged, persistedBeforeSignal: before.length, foundAfterRestart: after.found, exitCode: code };
  });

  it("SIGTERM during a Redis outage: exits, keeps every acknowledged line, journals the cache writes and replays them", { timeout: 120_000 }, async () => {
    const streamId = await newStream("Spill night");
    const load = await StreamLoad.start(engine!.url, streamId, members.slice(0, 3).map((m) => m.token));
    const r = new Redis(redis.url).on("error", () => undefined); // it lives through the outage below
    const key = `${PREFIX}stream:${streamId}`;
    for (let i = 0; i < 100 && (await r.get(key)) !== "3"; i++) await sleep(100);
    expect(await r.get(key), "viewer count mirrored to Redis").toBe("3");
    await redis.stop();
    injected.push("redis stop", "engine SIGTERM (redis down)");
    load.chatRound();
    expect(await load.settle()).toBe(0);
    // The room re-mirrors its viewer count every 5 s: a cache write Redis cannot take now. (Joins and
    // leaves cannot be used to make one: both wait on Colyseus' Redis presence, down too.)
    await sleep(5500);
    spillStreamId = streamId;
    const signalled = Date.now();
    const code = await engine!.kill("SIGTERM");
    const shutdownMs = Date.now() - signalled;
    const journaled = readdirSync(join(engine!.dataDir, "spill")).filter((f) => f.endsWith("-cache.jsonl"));
    await redis.start();
    injected.push("redis start");
    // The room's last cache write (journaled while Redis was down) deletes its viewer key in
    // onDispose: only a replay of the journal can remove this stale value.
    await r.set(key, "stale");
    await start();
    await drained();
    const replayed = await r.get(key);
    await r.quit();
    const chat = compareChat(load.ledger.chatAcked, await chatHistory(engine!.url, streamId, members[0]!.token));
    figures.sigtermDuringRedisOutage = { exitCode: code, shutdownMs, journaledCacheSegments: journaled.length, cacheWriteReplayed: replayed === null, chat: { acknowledged: chat.acknowledged, foundAfterRestart: chat.found } };
    expect(code).toBe(0);
    expect(journaled.length, "cache writes journaled").toBeGreaterThan(0);
    expect(replayed, "journaled cache delete applied after the restart").toBeNull();
    expect(chat.missing).toEqual([]);
    await load.close();
  });

  // Colyseus' own shutdown gives up on its first Redis error before disposing any room; the engine
  // disposes its local rooms first, with a driver that tolerates an unreachable Redis, so session
  // stats still reach SQL (engine/runtime/colyseusRedis.ts).
  it("SIGTERM during a Redis outage still runs every room's onDispose (session stats in SQL)", async () => {
    expect(spillStreamId).toBeDefined();
    const [row] = await sql<{ peak_viewers: number; chat_lines: number }>("select peak_viewers, chat_lines from streams where id = ?", [spillStreamId]);
    figures.disposeDuringRedisOutage = { peakViewersRecorded: Number(row?.peak_viewers ?? 0), chatLinesRecorded: Number(row?.chat_lines ?? 0), expected: "3 viewers, ≥ 3 lines" };
    expect(Number(row?.peak_viewers ?? 0)).toBe(3);
    expect(Number(row?.chat_lines ?? 0)).toBeGreaterThanOrEqual(3);
  });

  // The write-behind queue journals every enqueue (group commit) and rooms acknowledge a chat line
  // only once it is durable, so a SIGKILL right after the acknowledgement, with more lines in
  // flight, must lose none of the acknowledged ones.
  it("SIGKILL under load: the restart replays the journal and loses nothing acknowledged", { timeout: 120_000 }, async () => {
    await engine!.kill("SIGTERM");
    await start({ WRITE_BEHIND_FLUSH_MS: "60000" });
    const streamId = await newStream("Crash night");
    const load = await StreamLoad.start(engine!.url, streamId, members.map((m) => m.token));
    for (let r = 0; r < ROUNDS; r++) {
      load.chatRound();
      await sleep(1000);
    }
    load.chatRound(); // still in flight when the kill comes
    while (load.ledger.chatAcked.size <= members.length * ROUNDS) await sleep(2);
    const ackedAtKill = new Map(load.ledger.chatAcked);
    await engine!.kill("SIGKILL");
    injected.push("engine SIGKILL (under load)");
    await start();
    const after = compareChat(ackedAtKill, await chatHistory(engine!.url, streamId, members[0]!.token));
    figures.sigkill = { sent: load.ledger.chatSent, acknowledged: after.acknowledged, foundAfterRestart: after.found, lost: after.missing.length };
    expect(after.missing, "acknowledged lines lost to SIGKILL").toEqual([]);
    expect(after.duplicated).toEqual([]);
  });
});
