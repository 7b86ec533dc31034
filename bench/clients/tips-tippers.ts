// Client process of P4 (bench/tips.ts): the tippers. Sends tips open-loop at a fixed total rate
// (a slow answer never delays the next tip), times each from `send("tip")` to the `tipped` ack,
// and polls MariaDB for the tips still pending to time when each row became visible as committed.
// Times are wall-clock ms (performance.timeOrigin + now), comparable with the viewer processes.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client, type Room } from "@colyseus/sdk";
import mysql from "mysql2/promise";

export interface Tipper {
  id: string;
  name: string;
  token: string;
}

export interface TipRecord {
  /** `${userId}:${amount}`: each tipper's amounts are 1, 2, 3…, so a confetti names its tip. */
  tipId: string;
  userId: string;
  amount: number;
  key: string;
  warmup: boolean;
  sentAt: number;
  ackAt?: number;
  ledgerAt?: number;
  error?: string;
}

export type TippersCommand = { id: number; cmd: "join"; tippers: Tipper[] } | { id: number; cmd: "run"; rate: number; seconds: number; warmupSeconds: number; drainMs: number } | { id: number; cmd: "exit" };

export interface RunResult {
  records: TipRecord[];
  cpuPct: number;
  eventLoopP99Ms: number;
  /** Ledger polls issued and their mean round trip (the resolution of ledgerAt). */
  polls: number;
  pollMeanMs: number;
}

const [url, streamId, databaseUrl] = process.argv.slice(2) as [string, string, string];
const POLL_EVERY_MS = 5;
const POLL_GIVE_UP_MS = 10_000;
const now = () => performance.timeOrigin + performance.now();

interface Seat {
  tipper: Tipper;
  room: Room;
  seq: number;
  /** By amount: what the `tipped` ack ({amount, balance}) and an `error`'s ref point back to. */
  open: Map<number, TipRecord>;
}
const seats: Seat[] = [];

async function join(tippers: Tipper[]) {
  for (const tipper of tippers) {
    const client = new Client(url);
    client.auth.token = tipper.token;
    const room = await client.joinOrCreate("stream", { streamId });
    const seat: Seat = { tipper, room, seq: 0, open: new Map() };
    room.onMessage("tipped", (m: { amount: number }) => {
      const rec = seat.open.get(m.amount);
      if (rec) rec.ackAt ??= now();
    });
    room.onMessage("error", (m: { code: string; ref?: string }) => {
      const rec = m.ref ? seat.open.get(Number(m.ref)) : undefined;
      if (rec) rec.error ??= m.code;
    });
    room.onMessage("*", () => undefined); // confetti, xp…: the viewer processes time those
    seats.push(seat);
  }
}

async function run(rate: number, seconds: number, warmupSeconds: number, drainMs: number): Promise<RunResult> {
  const db = await mysql.createConnection(databaseUrl);
  const records: TipRecord[] = [];
  const pending = new Set<TipRecord>();
  let polls = 0;
  let pollMs = 0;
  let sending = true;
  // One query at a time over the unique index: only the keys still awaited, so it stays cheap.
  const poller = (async () => {
    while (sending || pending.size) {
      if (pending.size) {
        const batch = [...pending];
        const t0 = now();
        const [rows] = await db.query<mysql.RowDataPacket[]>("select idempotency_key as k from transactions where idempotency_key in (?)", [batch.map((r) => `tip:${r.userId}:${r.key}`)]);
        const t1 = now();
        polls++;
        pollMs += t1 - t0;
        const seen = new Set(rows.map((r) => r.k as string));
        for (const r of batch) {
          if (seen.has(`tip:${r.userId}:${r.key}`)) r.ledgerAt = t1;
          if (r.ledgerAt !== undefined || r.error !== undefined || t1 - r.sentAt > POLL_GIVE_UP_MS) pending.delete(r);
        }
      }
      await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
    }
  })();

  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const total = Math.round(rate * (warmupSeconds + seconds));
  const warmupCount = Math.round(rate * warmupSeconds);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Catch up on every tip whose slot has passed: the schedule, not the event loop, sets the rate.
      const due = Math.min(total, Math.floor(((now() - t0) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        const seat = seats[sent % seats.length]!;
        const amount = ++seat.seq;
        const rec: TipRecord = { tipId: `${seat.tipper.id}:${amount}`, userId: seat.tipper.id, amount, key: `b${amount}`, warmup: sent < warmupCount, sentAt: now() };
        seat.open.set(amount, rec);
        records.push(rec);
        pending.add(rec);
        seat.room.send("tip", { amount, key: rec.key, ref: String(amount) });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const wallMs = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const deadline = now() + drainMs;
  while (records.some((r) => r.ackAt === undefined && r.error === undefined) && now() < deadline) await new Promise((r) => setTimeout(r, 50));
  sending = false;
  await poller;
  await db.end();
  return { records, cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, eventLoopP99Ms: eld.percentile(99) / 1e6, polls, pollMeanMs: polls ? pollMs / polls : 0 };
}

process.on("message", async (m: TippersCommand) => {
  let result: unknown;
  if (m.cmd === "join") result = await join(m.tippers);
  else if (m.cmd === "run") result = await run(m.rate, m.seconds, m.warmupSeconds, m.drainMs);
  else process.exit(0);
  process.send!({ id: m.id, result });
});
process.send!({ id: 0, result: "ready" });
