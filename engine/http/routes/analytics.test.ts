// The admin hub's analytics endpoints: pure aggregation rules, then the routes on a real engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moodSampleWrite } from "../../analytics/MoodSample.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../../../test/engine.ts";
import { aiActivity, dayRange, growthSeries, moodDistribution, revenueSeries } from "./analytics.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2030-03-10T12:00:00.000Z");

describe("analytics aggregation", () => {
  it("lists every UTC day of the range, oldest first", () => {
    expect(dayRange(3, NOW)).toEqual(["2030-03-08", "2030-03-09", "2030-03-10"]);
  });

  it("counts mood minutes per mood and source, and per day, ignoring moods outside the palette", () => {
    const days = dayRange(2, NOW);
    const out = moodDistribution(
      [
        { mood: "chill", source: "creator", ts: NOW },
        { mood: "chill", source: "audience", ts: NOW - DAY },
        { mood: "playful", source: "audience", ts: NOW },
        { mood: "unknown" as "chill", source: "creator", ts: NOW },
      ],
      days,
    );
    const chill = out.moods.find((m) => m.mood === "chill")!;
    expect(chill).toMatchObject({ creator: 1, audience: 1, total: 2 });
    expect(out.moods.find((m) => m.mood === "playful")!.total).toBe(1);
    expect(out.perDay.map((d) => d.counts.chill)).toEqual([1, 1]);
    expect(out.moods.map((m) => m.mood)).toContain("neutral");
  });

  it("fills growth gaps with zero and keeps a running total", () => {
    const days = ["2030-03-08", "2030-03-09", "2030-03-10"];
    expect(growthSeries([{ day: "2030-03-08", count: 2 }, { day: "2030-03-10", count: 1 }], days, 10)).toEqual([
      { day: "2030-03-08", count: 2, total: 12 },
      { day: "2030-03-09", count: 0, total: 12 },
      { day: "2030-03-10", count: 1, total: 13 },
    ]);
  });

  it("puts the wallet's per-day report on every day of the range", () => {
    const days = ["2030-03-09", "2030-03-10"];
    const rows = [{ key: "2030-03-10", count: 2, volume: 50, creatorEarnings: 40, platformRevenue: 10 }];
    expect(revenueSeries(rows, days)).toEqual([
      { day: "2030-03-09", count: 0, volume: 0, creatorEarnings: 0, platformRevenue: 0 },
      { day: "2030-03-10", count: 2, volume: 50, creatorEarnings: 40, platformRevenue: 10 },
    ]);
  });

  it("counts companion messages per day and role", () => {
    const days = dayRange(2, NOW);
    const out = aiActivity([[{ role: "user", ts: NOW }, { role: "assistant", ts: NOW }, { role: "assistant", ts: NOW - 10 * DAY }], [{ role: "user", ts: NOW - DAY }]], days);
    expect(out).toMatchObject({ userMessages: 2, aiReplies: 1 });
    expect(out.perDay).toEqual([
      { day: days[0], user: 1, assistant: 0 },
      { day: days[1], user: 1, assistant: 1 },
    ]);
  });
});

describe("analytics endpoints", () => {
  const ADMIN = { email: "analytics-admin@example.com", password: "RootAdmin123" };
  let t: TestEngine;
  let admin: string;
  let member: string;

  beforeAll(async () => {
    t = await bootEngine({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RTMP_PORT: "0" });
    admin = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    const reg = await t.api("/auth/register", { body: { email: uniqueEmail("an"), password: "Sunshine2024x", displayName: "Ana", birthDate: birthDateYearsAgo(25) } });
    member = reg.body.accessToken;
    const w = moodSampleWrite({ roomType: "stream", roomId: "room-1", source: "creator", mood: "cozy", intensity: 60, ts: Date.now() });
    await t.engine.services.stores.docs.set(w.collection, w.id, w.data);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("are for admins only", async () => {
    for (const panel of ["mood", "users", "revenue", "ai"]) {
      expect((await t.api(`/admin/analytics/${panel}`)).status).toBe(401);
      expect((await t.api(`/admin/analytics/${panel}`, { token: member })).status).toBe(403);
    }
  });

  it("answer every panel from the stores, with their source", async () => {
    const get = (panel: string) => t.api(`/admin/analytics/${panel}?days=7`, { token: admin });
    const [mood, users, revenue, ai] = await Promise.all([get("mood"), get("users"), get("revenue"), get("ai")]);
    expect(mood.status).toBe(200);
    expect(mood.body.moods.find((m: { mood: string }) => m.mood === "cozy").creator).toBe(1);
    expect(mood.body.perDay).toHaveLength(7);
    expect(users.body).toMatchObject({ available: true, total: 2, newInRange: 2 });
    expect(users.body.perDay.at(-1).total).toBe(2);
    expect(users.body.byRole).toMatchObject({ super_admin: 1, member: 1 });
    expect(revenue.status).toBe(200);
    expect(revenue.body.perDay).toHaveLength(7);
    expect(ai.status).toBe(200);
    expect(ai.body).toMatchObject({ companions: 0, userMessages: 0, aiReplies: 0 });
    expect(ai.body.mode).toMatch(/online|offline/);
    for (const b of [mood.body, users.body, revenue.body, ai.body]) expect(typeof b.source).toBe("string");
  });

  it("refuse a range outside the limits", async () => {
    expect((await t.api("/admin/analytics/mood?days=0", { token: admin })).status).toBe(400);
    expect((await t.api("/admin/analytics/users?days=abc", { token: admin })).status).toBe(400);
  });
});
