// Every role × action of the matrix (config/roles.ts), over HTTP and over room messages.
// HTTP: every route in the registry that declares an `action` is called as every role and as an
// anonymous visitor with a well-formed request; roles the matrix denies get 403 (401 when not
// logged in) before any handler runs, roles it allows never get the router's role refusal.
// Routes that need a login refuse anonymous callers. Rooms: each message of the stream and wheel
// rooms as every role, and who may join dm and companion rooms.
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { ROLES, can, type Role } from "../../config/roles.ts";
import { allRoutes } from "../../engine/http/routes/index.ts";
import type { Actor } from "../fuzz/actors.ts";
import { fillPath, paramNames } from "../fuzz/httpCases.ts";
import { sampleFor } from "../fuzz/schemaSample.ts";
import { securityWorld } from "./world.ts";

const w = securityWorld("rbac");
const ROLE_REFUSAL = "Not allowed for your role";
const rooms: SdkRoom[] = [];
afterAll(async () => {
  await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
});

function requestFor(route: ReturnType<typeof allRoutes>[number]) {
  const params = (sampleFor(route.params) ?? {}) as Record<string, string>;
  const encoded = Object.fromEntries(paramNames(route.path).map((n) => [n, encodeURIComponent(String(params[n] ?? "x"))]));
  const query = new URLSearchParams(Object.entries((sampleFor(route.query) ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();
  const body = route.body ? JSON.stringify(sampleFor(route.body) ?? {}) : undefined;
  return { path: `${fillPath(route.path, encoded)}${query ? `?${query}` : ""}`, body };
}

describe("HTTP: role × action for every route that declares one", () => {
  it("denies exactly the roles the matrix denies, and refuses anonymous callers on login-only routes", async () => {
    const routes = allRoutes(w.t.engine.services);
    const withAction = routes.filter((r) => r.action);
    expect(withAction.length).toBeGreaterThan(5);
    const mismatches: string[] = [];
    for (const route of routes) {
      const { path, body } = requestFor(route);
      const call = (token?: string) => w.t.api(path, { method: route.method.toUpperCase(), token, ...(body !== undefined ? { rawBody: body } : {}) });
      if (route.auth === "required" || route.action) {
        const anon = await call();
        if (anon.status !== 401) mismatches.push(`anonymous ${route.method} ${route.path} → ${anon.status}`);
        w.cases.add("anonymous on protected routes");
      }
      if (!route.action) continue;
      for (const role of ROLES) {
        const actor = w.roles[role];
        const res = await call(actor.token);
        const allowed = can(role, route.action, { actorId: actor.id });
        const refusedForRole = res.status === 403 && res.body?.error?.message === ROLE_REFUSAL;
        if (!allowed && res.status !== 403) mismatches.push(`${role} ${route.method} ${route.path} (${route.action}) → ${res.status}, matrix denies`);
        if (allowed && refusedForRole) mismatches.push(`${role} ${route.method} ${route.path} (${route.action}) → refused, matrix allows`);
        w.cases.add(`role × action (${route.action})`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("keeps the CONTRACT's headline rules (independently of the matrix file)", async () => {
    const expectStatus = async (role: Role, method: string, path: string, body: unknown, ok: boolean) => {
      const res = await w.t.api(path, { method, token: w.roles[role].token, body });
      expect(res.status === 403, `${role} ${method} ${path} → ${res.status}`).toBe(!ok);
      w.cases.add("contract rules");
    };
    for (const role of ROLES) {
      await expectStatus(role, "GET", "/admin/users", undefined, role === "admin" || role === "super_admin");
      await expectStatus(role, "GET", "/admin/audit", undefined, role === "admin" || role === "super_admin");
      await expectStatus(role, "GET", "/admin/rooms", undefined, ["mod", "admin", "super_admin"].includes(role));
      await expectStatus(role, "POST", "/streams", { title: "Rule check" }, role === "creator" || role === "super_admin");
    }
    // Nobody below super_admin hands out admin or above.
    const target = await w.actor("member");
    for (const role of ["admin", "mod", "creator"] as Role[]) {
      for (const to of ["admin", "super_admin"]) {
        const res = await w.t.api(`/admin/users/${target.id}/role`, { token: w.roles[role].token, body: { role: to } });
        expect(res.status, `${role} grants ${to}`).toBe(403);
        w.cases.add("contract rules");
      }
    }
    expect((await w.t.api(`/users/me`, { token: target.token })).body.role).toBe("member");
  });
});

/** Sends `type` with a ref and returns the error code answered, or "ok" when none came. */
async function attempt(room: SdkRoom, type: string, payload: Record<string, unknown>, waitMs = 600): Promise<string> {
  const ref = `rbac-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve) => {
    const timer = setTimeout(() => (off(), resolve("ok")), waitMs);
    const off = room.onMessage("error", (e: { code: string; ref?: string }) => {
      if (e.ref !== ref) return;
      clearTimeout(timer);
      off();
      resolve(e.code);
    });
    room.send(type, { ...payload, ref });
  });
}

async function joinAs(name: string, actor: Actor | null, options: Record<string, unknown>) {
  const c = new SdkClient(w.t.url);
  if (actor) c.auth.token = actor.token;
  const room = await c.joinOrCreate(name, options);
  room.onMessage("*", () => undefined);
  rooms.push(room);
  return room;
}

type Who = Role | "anonymous" | "owner";
const WHO: Who[] = ["anonymous", ...ROLES, "owner"];
const STAFF = ["mod", "admin", "super_admin"];

describe("rooms: role × message", () => {
  it("stream: chat, report, tip, mood, moderate and panic as every role", { timeout: 60_000 }, async () => {
    const owner = await w.actor("creator", { name: "Room Owner" });
    const streamId = (await w.t.api("/streams", { token: owner.token, body: { title: "Matrix stage" } })).body.id as string;
    const actorOf = (who: Who) => (who === "anonymous" ? null : who === "owner" ? owner : w.roles[who]);
    const roleOf = (who: Who): Role | undefined => (who === "anonymous" ? undefined : who === "owner" ? "creator" : who);
    const rules: Record<string, (who: Who) => boolean> = {
      chat: (who) => who !== "anonymous" && can(roleOf(who)!, "chat.send"),
      report: (who) => who !== "anonymous" && can(roleOf(who)!, "moderation.report"),
      tip: (who) => who !== "anonymous" && who !== "owner" && can(roleOf(who)!, "chat.send"),
      mood: (who) => who === "owner",
      moderate: (who) => who === "owner" || STAFF.includes(who),
      panic: (who) => who === "owner" || STAFF.includes(who),
    };
    const payloads: Record<string, (who: Who) => Record<string, unknown>> = {
      chat: (who) => ({ text: `hello from the ${who} seat, testing the matrix` }),
      report: () => ({ reason: "Testing who may report" }),
      tip: (who) => ({ amount: 1, key: `rbac-${who}-${Date.now()}` }),
      mood: () => ({ mood: "chill", intensity: 30 }),
      moderate: () => ({ action: "slow", seconds: 0 }),
    };
    const mismatches: string[] = [];
    // Seats are independent (rate limits are per user), so every seat runs at once.
    await Promise.all(
      WHO.map(async (who) => {
        const room = await joinAs("stream", actorOf(who), { streamId });
        for (const [type, payload] of Object.entries(payloads)) {
          const code = await attempt(room, type, payload(who), 400);
          const allowed = rules[type]!(who);
          if (allowed && code === "forbidden") mismatches.push(`${who} ${type}: refused, should be allowed`);
          if (!allowed && code !== "forbidden") mismatches.push(`${who} ${type}: ${code}, should be forbidden`);
          w.cases.add("stream role × message");
        }
        if (!rules.panic!(who)) {
          const code = await attempt(room, "panic", {});
          if (code !== "forbidden") mismatches.push(`${who} panic: ${code}, should be forbidden`);
          w.cases.add("stream role × message");
        }
      }),
    );
    // Panic ends the stream: each allowed role presses it on a stream of its own.
    for (const who of WHO.filter((x) => rules.panic!(x))) {
      const sid = (await w.t.api("/streams", { token: owner.token, body: { title: `Panic by ${who}` } })).body.id as string;
      const room = await joinAs("stream", actorOf(who), { streamId: sid });
      const killed = new Promise<boolean>((resolve) => {
        room.onMessage("killed", () => resolve(true));
        setTimeout(() => resolve(false), 3000);
      });
      room.send("panic", {});
      if (!(await killed)) mismatches.push(`${who} panic: stream not killed`);
      w.cases.add("stream role × message");
    }
    expect(mismatches).toEqual([]);
  });

  it("wheel: only the stream's creator configures; members spin (never the creator); anonymous cannot", { timeout: 60_000 }, async () => {
    const owner = await w.actor("creator", { name: "Wheel Owner" });
    const streamId = (await w.t.api("/streams", { token: owner.token, body: { title: "Wheel matrix" } })).body.id as string;
    const ownerRoom = await joinAs("wheel", owner, { streamId });
    expect(await attempt(ownerRoom, "configure", { segments: [{ label: "Kiss", weight: 1 }, { label: "Wink", weight: 2 }, { label: "Song", weight: 1 }], price: 5 })).not.toBe("forbidden");
    const mismatches: string[] = [];
    for (const who of WHO.filter((x) => x !== "owner")) {
      const actor = who === "anonymous" ? null : w.roles[who];
      const room = await joinAs("wheel", actor, { streamId });
      const configure = await attempt(room, "configure", { segments: [{ label: "Mine", weight: 1 }, { label: "Also", weight: 1 }, { label: "Mine too", weight: 1 }], price: 1 });
      if (configure !== "forbidden") mismatches.push(`${who} configure: ${configure}`);
      const spin = await attempt(room, "spin", { key: `spin-${who}-${Date.now()}` });
      const mayChat = who !== "anonymous" && can(who, "chat.send");
      if (mayChat === (spin === "forbidden")) mismatches.push(`${who} spin: ${spin}`);
      w.cases.add("wheel role × message", 2);
    }
    const own = await attempt(ownerRoom, "spin", { key: `spin-owner-${Date.now()}` });
    if (own !== "forbidden") mismatches.push(`owner spin: ${own}`);
    expect(mismatches).toEqual([]);
  });

  it("dm and companion: who may join", { timeout: 60_000 }, async () => {
    const peer = await w.actor("member", { name: "Dm Peer" });
    const author = await w.actor("creator");
    const persona = await w.t.api("/companions", { token: author.token, body: { name: "Matrix Muse", personality_traits: ["calm"] } });
    expect(persona.status).toBe(201);
    const mismatches: string[] = [];
    for (const who of ["anonymous", ...ROLES] as const) {
      const actor = who === "anonymous" ? null : w.roles[who];
      const dmOk = who !== "anonymous" && can(who, "dm.send");
      const dm = await joinAs("dm", actor, { peerId: peer.id }).then(() => true, () => false);
      if (dm !== dmOk) mismatches.push(`${who} dm join: ${dm}`);
      const aiOk = who !== "anonymous" && can(who, "ai.use");
      const companion = await joinAs("companion", actor, { companionId: persona.body.id }).then(() => true, () => false);
      if (companion !== aiOk) mismatches.push(`${who} companion join: ${companion}`);
      w.cases.add("dm/companion joins", 2);
    }
    expect(mismatches).toEqual([]);
  });
});
