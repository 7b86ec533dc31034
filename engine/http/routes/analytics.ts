// The Admin Intelligence Hub's numbers (SPEC §1): mood distribution, user growth, revenue streams
// and AI activity, computed from the stores and cached briefly so a hub left open (or several
// admins) costs one query per panel per TTL. Every panel says which store it was computed from.
import { z } from "zod";
import { MOODS, type Mood } from "../../../config/moods.ts";
import { ROLES } from "../../../config/roles.ts";
import { MOOD_SAMPLES_COLLECTION, MOOD_SOURCES, type MoodSampleDoc } from "../../analytics/MoodSample.ts";
import { CONVERSATIONS } from "../../ai/ConversationStore.ts";
import { MEMORIES } from "../../ai/MemoryStore.ts";
import { PERSONAS } from "../../ai/PersonaStore.ts";
import type { Services } from "../../services.ts";
import { route } from "../route.ts";

/** How long a computed panel is reused. */
export const ANALYTICS_TTL_MS = 15_000;
/** Upper bound on documents read for one panel (a week of one-per-minute samples for ~10 rooms × 2 sources). */
const MAX_SAMPLES = 200_000;
const DAY_MS = 86_400_000;

const daysQuery = (def: number, max: number) => z.object({ days: z.coerce.number().int().min(1).max(max).default(def) });

/** UTC days from `since` through today, oldest first, as YYYY-MM-DD. */
export function dayRange(days: number, now = Date.now()): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);

/** Per mood and source: how many minutes rooms spent in it (one sample per room, source and minute). */
export function moodDistribution(samples: readonly Pick<MoodSampleDoc, "mood" | "source" | "ts">[], days: string[]) {
  const zero = () => Object.fromEntries(MOODS.map((m) => [m.id, 0])) as Record<Mood, number>;
  const bySource = Object.fromEntries(MOOD_SOURCES.map((s) => [s, zero()])) as Record<(typeof MOOD_SOURCES)[number], Record<Mood, number>>;
  const perDay = new Map(days.map((d) => [d, zero()]));
  for (const s of samples) {
    const known = MOODS.some((m) => m.id === s.mood);
    if (!known || !(s.source in bySource)) continue;
    bySource[s.source][s.mood]++;
    const day = perDay.get(dayOf(s.ts));
    if (day) day[s.mood]++;
  }
  return {
    total: samples.length,
    moods: MOODS.map((m) => ({ mood: m.id, label: m.label, color: m.color, creator: bySource.creator[m.id], audience: bySource.audience[m.id], total: bySource.creator[m.id] + bySource.audience[m.id] })),
    perDay: [...perDay].map(([day, counts]) => ({ day, counts })),
  };
}

/** Fills days without sign-ups with 0 and adds the running total. */
export function growthSeries(rows: readonly { day: string; count: number }[], days: string[], before: number) {
  const byDay = new Map(rows.map((r) => [r.day, r.count]));
  let running = before;
  return days.map((day) => {
    const count = byDay.get(day) ?? 0;
    running += count;
    return { day, count, total: running };
  });
}

interface RevenueRowLike {
  key: string | null;
  count: number;
  volume: number;
  creatorEarnings: number;
  platformRevenue: number;
}

/** The wallet's per-day report on every day of the range (days without spending at 0). */
export function revenueSeries(perDay: readonly RevenueRowLike[], days: string[]) {
  const byDay = new Map(perDay.filter((r) => r.key !== null).map((r) => [r.key!.slice(0, 10), r]));
  return days.map((day) => {
    const r = byDay.get(day);
    return { day, count: r?.count ?? 0, volume: r?.volume ?? 0, creatorEarnings: r?.creatorEarnings ?? 0, platformRevenue: r?.platformRevenue ?? 0 };
  });
}

/** Messages per day and role across companion conversations. */
export function aiActivity(conversations: ReadonlyArray<ReadonlyArray<{ role?: string; ts?: number }>>, days: string[]) {
  const perDay = new Map(days.map((d) => [d, { user: 0, assistant: 0 }]));
  let userMessages = 0;
  let aiReplies = 0;
  for (const messages of conversations) {
    for (const m of messages) {
      if (typeof m.ts !== "number") continue;
      const day = perDay.get(dayOf(m.ts));
      if (!day) continue;
      if (m.role === "assistant") {
        day.assistant++;
        aiReplies++;
      } else if (m.role === "user") {
        day.user++;
        userMessages++;
      }
    }
  }
  return { userMessages, aiReplies, perDay: [...perDay].map(([day, c]) => ({ day, ...c })) };
}

class TtlCache {
  readonly #entries = new Map<string, { at: number; value: Promise<unknown> }>();
  constructor(private readonly ttlMs: number) {}
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    this.#entries.set(key, { at: Date.now(), value });
    // A failed computation is not cached.
    value.catch(() => this.#entries.delete(key));
    return value;
  }
}

const stamp = <T extends object>(body: T) => ({ ...body, computedAt: new Date().toISOString(), ttlSeconds: ANALYTICS_TTL_MS / 1000 });

export function analyticsRoutes(s: Services) {
  const cache = new TtlCache(ANALYTICS_TTL_MS);

  return [
    route({
      method: "get",
      path: "/admin/analytics/mood",
      tag: "admin",
      summary: "Mood distribution: minutes rooms spent in each mood, set by creators and read from audiences (cached 15 s)",
      auth: "required",
      action: "admin.users.read",
      query: daysQuery(7, 90),
      response: { status: 200 },
      handler: async ({ query }) => ({
        body: await cache.get(`mood:${query.days}`, async () => {
          const days = dayRange(query.days);
          const since = Date.parse(`${days[0]}T00:00:00.000Z`);
          const docs = await s.stores.docs.query<MoodSampleDoc & Record<string, unknown>>(MOOD_SAMPLES_COLLECTION, { where: [["ts", ">=", since]], limit: MAX_SAMPLES });
          return stamp({ available: true, source: `docs:${MOOD_SAMPLES_COLLECTION}`, days: query.days, since: days[0], ...moodDistribution(docs.map((d) => d.data), days) });
        }),
      }),
    }),
    route({
      method: "get",
      path: "/admin/analytics/users",
      tag: "admin",
      summary: "User growth: sign-ups per UTC day with the running total, and users per role (cached 15 s)",
      auth: "required",
      action: "admin.users.read",
      query: daysQuery(30, 365),
      response: { status: 200 },
      handler: async ({ query }) => ({
        body: await cache.get(`users:${query.days}`, async () => {
          const days = dayRange(query.days);
          const since = `${days[0]}T00:00:00.000Z`;
          const [rows, byRole] = await Promise.all([s.stores.sql.users.signupsPerDay(since), s.stores.sql.users.countByRole()]);
          const total = ROLES.reduce((sum, r) => sum + (byRole[r] ?? 0), 0);
          const inRange = rows.reduce((sum, r) => sum + r.count, 0);
          return stamp({ available: true, source: "sql:users", days: query.days, since: days[0], total, newInRange: inRange, byRole, perDay: growthSeries(rows, days, total - inRange) });
        }),
      }),
    }),
    route({
      method: "get",
      path: "/admin/analytics/revenue",
      tag: "admin",
      summary: "Revenue streams: spending per UTC day (creator earnings and platform revenue) and per kind (tips, tip menu, pay-per-view, spins, top-ups) from the wallet ledger (cached 15 s)",
      auth: "required",
      action: "admin.users.read",
      query: daysQuery(30, 365),
      response: { status: 200 },
      handler: async ({ query }) => ({
        body: await cache.get(`revenue:${query.days}`, async () => {
          const days = dayRange(query.days);
          const from = new Date(`${days[0]}T00:00:00.000Z`);
          const to = new Date(Date.parse(`${days[days.length - 1]}T00:00:00.000Z`) + DAY_MS);
          // The wallet's ledger report: spending between users split into creator earnings and platform revenue.
          const [perDay, perKind] = await Promise.all([s.wallet.reports.build(from, to, "day"), s.wallet.reports.build(from, to, "kind")]);
          return stamp({
            available: true,
            source: "sql:transactions (wallet ledger)",
            days: query.days,
            since: days[0],
            currency: "TKN",
            perDay: revenueSeries(perDay.rows, days),
            byKind: perKind.rows.filter((r) => r.key !== null).map((r) => ({ kind: r.key!, count: r.count, volume: r.volume, creatorEarnings: r.creatorEarnings, platformRevenue: r.platformRevenue })),
            totals: perDay.totals,
          });
        }),
      }),
    }),
    route({
      method: "get",
      path: "/admin/analytics/ai",
      tag: "admin",
      summary: "AI activity: companion personas, active sessions, user messages and AI replies per UTC day, stored memories, and whether the AI runs online or offline (cached 15 s)",
      auth: "required",
      action: "admin.users.read",
      query: daysQuery(7, 90),
      response: { status: 200 },
      handler: async ({ query }) => ({
        body: await cache.get(`ai:${query.days}`, async () => {
          const days = dayRange(query.days);
          const since = Date.parse(`${days[0]}T00:00:00.000Z`);
          const [personas, conversations, memories] = await Promise.all([
            s.stores.docs.query(PERSONAS, { limit: 10_000 }),
            s.stores.docs.query<{ messages?: Array<{ role?: string; ts?: number }>; updatedAt?: number } & Record<string, unknown>>(CONVERSATIONS, { where: [["updatedAt", ">=", since]], limit: 50_000 }),
            s.stores.docs.query(MEMORIES, { limit: 100_000 }),
          ]);
          return stamp({
            available: true,
            source: `docs:${PERSONAS},${CONVERSATIONS},${MEMORIES}`,
            mode: s.ai.mode,
            moderation: s.ai.moderation,
            days: query.days,
            since: days[0],
            ...aiActivity(
              conversations.map((c) => c.data.messages ?? []),
              days,
            ),
            companions: personas.length,
            activeSessions: conversations.length,
            memories: memories.length,
          });
        }),
      }),
    }),
  ];
}
