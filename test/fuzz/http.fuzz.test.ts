// Fuzzes every HTTP route of the registry (allRoutes), as every role, with random and adversarial
// bodies, params, queries and content types, plus Colyseus' matchmaking endpoint for every room.
// Invariants: never a 5xx; every /api/v1 4xx has the CONTRACT error shape; /health answers after
// each route's batch; no prototype pollution. New routes are fuzzed without touching this file.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../config/roles.ts";
import { allRoutes } from "../../engine/http/routes/index.ts";
import { defineRooms } from "../../rooms/index.ts";
import { bootEngine } from "../engine.ts";
import { ADMIN, actorsByRole, adminEnv, loginAdmin, makeActor, stillValid, type Actor } from "./actors.ts";
import { edgeBodies, malformedBodies, nastyValue } from "./adversarial.ts";
import { fillPath, httpCaseArb, paramNames, type HttpCase } from "./httpCases.ts";
import { fuzzRuns, fuzzSeed, longFuzz } from "./mode.ts";
import { MATCHMAKE_EXPECTED, isContractError, rawHttp, type RawResponse } from "./rawHttp.ts";
import { checkCases, runPool } from "./pool.ts";
import { recordReliability, Tally } from "./reliability.ts";
import { propertyNames, sampleFor } from "./schemaSample.ts";

const RUNS = fuzzRuns(20, 300);
const t = await bootEngine({ ...adminEnv, WRITE_BEHIND_FLUSH_MS: "100" });
const routes = allRoutes(t.engine.services);
const roomNames = Object.keys(defineRooms(t.engine.services));
const tally = new Tally();
const statuses = new Tally();
const started = Date.now();

let admin: Actor;
let actors: Record<Role, Actor>;
const knownIds: string[] = [];

beforeAll(async () => {
  admin = await loginAdmin(t);
  actors = await actorsByRole(t, admin);
  // Resources of someone else, so fuzzed params also hit things that exist.
  const owner = await makeActor(t, admin, "creator");
  const stream = await t.api("/streams", { token: owner.token, body: { title: "Fuzz target stream" } });
  const media = await t.api("/media", { token: owner.token, body: { mediaUrl: "https://example.com/a.jpg", visibility: "public" } });
  const victim = await makeActor(t, admin, "member");
  knownIds.push(owner.id, victim.id, stream.body.id, media.body.id);
  console.log(`[fuzz] http: ${routes.length} routes, ${roomNames.length} room types, ${RUNS} random cases per route, seed ${fuzzSeed}`);
});

afterAll(async () => {
  const seconds = (Date.now() - started) / 1000;
  console.log(`[fuzz] http: ${tally.total} requests over ${Object.keys(tally.counts).length} endpoints in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(statuses.counts)}`);
  recordReliability("fuzz-http", { requests: tally.total, routes: routes.length, perRoute: tally.counts, statuses: statuses.counts, seconds, seed: fuzzSeed, fiveHundreds: statuses.counts["5xx"] ?? 0 });
  await t.stop();
});

function tokenFor(who: HttpCase["who"]): string | undefined {
  if (who === "anonymous") return undefined;
  if (who === "badToken") return "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad";
  return actors[who].token;
}

async function send(key: string, method: string, path: string, init: { token?: string; body?: string; contentType?: string; extraHeaders?: Record<string, string> }): Promise<RawResponse | undefined> {
  const headers: Record<string, string> = { ...init.extraHeaders };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.contentType !== undefined) headers["content-type"] = init.contentType;
  let res: RawResponse;
  try {
    res = await rawHttp(t.url, { method, path, headers, body: init.body });
  } catch (err) {
    // node:http refuses some header values client-side: that request never left, so it is not a case.
    if (err instanceof TypeError && /Invalid character|ERR_INVALID/i.test(`${String(err)} ${(err as { code?: string }).code ?? ""}`)) return undefined;
    // uWS does not read a body on GET/DELETE: the reply races the unread bytes and the socket is
    // reset. Only the sender is affected; the server must still serve everyone else.
    if (init.body && init.body.length > 4096 && ["get", "head", "delete"].includes(method.toLowerCase())) {
      tally.add(key);
      statuses.add("reset (GET/DELETE with a body)");
      const health = await rawHttp(t.url, { method: "GET", path: "/api/v1/health" });
      expect(health.status, `health right after a reset ${method} ${path.slice(0, 100)}`).toBe(200);
      return undefined;
    }
    // uWS closes a connection whose request head exceeds UWS_HTTP_MAX_HEADERS_SIZE (4 KiB) without
    // answering; only that sender is affected, and the server must keep serving everyone else.
    if (path.length > 3500) {
      tally.add(key);
      statuses.add("reset (request head over 4 KiB)");
      const health = await rawHttp(t.url, { method: "GET", path: "/api/v1/health" });
      expect(health.status, `health right after an oversized request line ${method}`).toBe(200);
      return undefined;
    }
    throw new Error(`${method} ${path.slice(0, 200)}: no response (${String(err)})`);
  }
  tally.add(key);
  statuses.add(statusKey(res, path.startsWith("/api/v1")));
  return res;
}

function statusKey(res: RawResponse, apiPath: boolean): string {
  if (res.status < 500) return String(res.status);
  if (!apiPath && MATCHMAKE_EXPECTED.has(res.status)) return "52x (Colyseus matchmaking refusal)";
  if (apiPath && res.status === 503 && isContractError(res.json)) return "503 (deliberate: not configured)";
  return "5xx";
}

function check(res: RawResponse | undefined, what: string, apiPath: boolean) {
  if (!res) return;
  if (!apiPath && MATCHMAKE_EXPECTED.has(res.status)) return;
  // 503 is a deliberate "not configured here / store down" answer (payments without Stripe, health), not a crash.
  if (apiPath && res.status === 503 && isContractError(res.json)) return;
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (apiPath && res.status >= 400) expect(isContractError(res.json), `${what} → ${res.status} not the CONTRACT error shape: ${res.text.slice(0, 200)}`).toBe(true);
}

async function stillServing(what: string) {
  const health = await rawHttp(t.url, { method: "GET", path: "/api/v1/health" });
  expect(health.status, `health after ${what}`).toBe(200);
  expect(({} as Record<string, unknown>).polluted, `Object.prototype polluted after ${what}`).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

/** A fuzzed route may have erased or signed out its own caller (DELETE /users/me): replace it. */
async function refreshActors() {
  await Promise.all(
    (Object.keys(actors) as Role[]).map(async (role) => {
      if (!(await stillValid(t, actors[role]))) actors[role] = await makeActor(t, admin, role);
    }),
  );
}

describe("HTTP fuzz: every route in the registry", () => {
  it("covers the registry (sanity)", () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    it(key, { timeout: longFuzz ? 600_000 : 60_000 }, async () => {
      const query = (q: string) => (q ? `?${q}` : "");
      await checkCases(httpCaseArb(route, knownIds), { runs: RUNS, seed: fuzzSeed }, async (c) => {
        const path = `/api/v1${fillPath(route.path, c.params)}${query(c.query)}`;
        const res = await send(key, route.method, path, { token: tokenFor(c.who), body: c.body, contentType: c.contentType });
        check(res, `${key} as ${c.who}: ${route.method} ${path.slice(0, 160)} body=${c.body?.slice(0, 160)} ct=${c.contentType}`, true);
      });

      // Large, deep and malformed bodies: once per route that takes a body (every route in long mode),
      // as the most privileged caller (and anonymously in long mode).
      if (!route.body && !longFuzz) {
        await stillServing(key);
        await refreshActors();
        return;
      }
      const params = Object.fromEntries(paramNames(route.path).map((n) => [n, knownIds[2]!]));
      const sampled = sampleFor(route.params) as Record<string, string> | undefined;
      const path = `/api/v1${fillPath(route.path, sampled ? Object.fromEntries(Object.entries(sampled).map(([k, v]) => [k, encodeURIComponent(String(v))])) : params)}`;
      const sample = sampleFor(route.body) ?? {};
      const bodies = [...edgeBodies(sample, propertyNames(route.body)), ...malformedBodies(JSON.stringify(sample)).map((raw, i) => ({ label: `malformed ${i}`, raw }))];
      const tokens = longFuzz ? [actors.super_admin.token, undefined] : [actors.super_admin.token];
      await runPool(
        bodies.flatMap((b) => tokens.map((token) => ({ ...b, token }))),
        4,
        async (b) => {
          const res = await send(key, route.method, path, { token: b.token, body: b.raw, contentType: "application/json" });
          check(res, `${key} ${b.label}`, true);
          if (b.label === "string 1 MiB + 1" && res) expect(res.status).toBe(413);
        },
      );
      await stillServing(key);
      await refreshActors();
    });
  }
});

describe("HTTP fuzz: matchmaking endpoint of every room type", () => {
  const methods = ["joinOrCreate", "create", "join", "joinById", "reconnect"];
  it("answers random join options without a 5xx", { timeout: longFuzz ? 600_000 : 60_000 }, async () => {
    const names = [...roomNames, "no_such_room", "__proto__", "constructor"];
    const arb = fc.record({
      method: fc.constantFrom(...methods),
      name: fc.constantFrom(...names),
      options: fc.oneof(fc.record({ streamId: nastyValue }), fc.record({ peerId: nastyValue }), fc.record({ companionId: nastyValue }), fc.jsonValue({ maxDepth: 3 }), fc.constant({ streamId: knownIds[2] })),
      who: fc.constantFrom<Role | "anonymous">("anonymous", "member", "admin"),
    });
    await checkCases(arb, { runs: RUNS * 4, seed: fuzzSeed }, async ({ method, name, options, who }) => {
      const key = `POST /matchmake/:method/:room`;
      const token = who === "anonymous" ? undefined : actors[who].token;
      const res = await send(key, "post", `/matchmake/${method}/${encodeURIComponent(name)}`, { token, body: JSON.stringify(options), contentType: "application/json" });
      check(res, `matchmake ${method}/${name} ${JSON.stringify(options).slice(0, 200)}`, false);
    });
    await stillServing("matchmaking");
  });

  // Colyseus reads `options.hasOwnProperty` for filterBy rooms, so `null` once answered 523 with a
  // TypeError text; the engine refuses non-object options as invalid criteria (engine/runtime/joinOptionsGuard.ts).
  it("non-object join options (null, arrays, primitives) are refused as invalid criteria (521), never 523", async () => {
    for (const body of ["null", "[]", "[1]", "42", '"x"', "true"]) {
      for (const room of ["stream", "dm", "wheel", "companion"]) {
        const res = await rawHttp(t.url, { method: "POST", path: `/matchmake/joinOrCreate/${room}`, headers: { "content-type": "application/json" }, body });
        expect(res.status, `${room} ${body}`).toBe(521);
        expect(JSON.stringify(res.json), `${room} ${body}`).toContain("join options must be a JSON object");
      }
    }
  });

  it("keeps serving after the whole run (admin still logs in)", async () => {
    await stillServing("all routes");
    const login = await t.api("/auth/login", { body: ADMIN, headers: { "x-forwarded-for": "192.0.2.251" } });
    expect(login.status).toBe(200);
  });
});
