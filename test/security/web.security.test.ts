// The web surface: security headers on every kind of response, CORS and cookies, HLS path
// traversal and signed access to non-public streams, the admin monitor's gate, error bodies that
// leak nothing, and the ingest callback without its secret.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rawHttp } from "../fuzz/rawHttp.ts";
import { securityWorld } from "./world.ts";

const TRUSTED = "https://app.teezu.example";
const w = securityWorld("web", { CORS_ORIGINS: `${TRUSTED}, http://localhost:5173` });
const CANARY = "CANARY-7f3a9e-do-not-serve";
let root: string;
let publicId: string;
let privateId: string;
let membersId: string;

beforeAll(async () => {
  root = w.t.engine.services.liveMedia.output.root;
  const creator = w.roles.creator;
  const make = async (visibility: string) => (await w.t.api("/streams", { token: creator.token, body: { title: `HLS ${visibility}`, visibility } })).body.id as string;
  [publicId, privateId, membersId] = [await make("public"), await make("private"), await make("members")];
  for (const id of [publicId, privateId, membersId]) {
    mkdirSync(join(root, id), { recursive: true });
    writeFileSync(join(root, id, "index.m3u8"), `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg0.ts\n`);
    writeFileSync(join(root, id, "seg0.ts"), Buffer.from(`segment of ${id}`));
  }
  // Files an escape from the HLS root would reach.
  writeFileSync(join(dirname(root), "canary.ts"), CANARY);
  writeFileSync(join(root, "canary.m3u8"), CANARY);
  writeFileSync(join(w.t.dataDir, "canary.m3u8"), CANARY);
});

const get = (path: string, headers: Record<string, string> = {}) => rawHttp(w.t.url, { method: "GET", path, headers });

describe("security headers", () => {
  it("every kind of response carries nosniff, no-referrer and anti-framing headers; the API is never cached", async () => {
    const paths = ["/", "/some/client/route", "/api/v1/health", "/api/v1/no-such-route", `/hls/${publicId}/index.m3u8`, "/hls/nope/index.m3u8", "/monitor/", "/_app/missing.js"];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers["x-content-type-options"], path).toBe("nosniff");
      expect(res.headers["referrer-policy"], path).toBe("no-referrer");
      expect(res.headers["x-frame-options"], path).toBe("DENY");
      expect(String(res.headers["content-security-policy"]), path).toContain("frame-ancestors 'none'");
      expect(res.headers["x-powered-by"], path).toBeUndefined();
      if (path.startsWith("/api/")) expect(res.headers["cache-control"], path).toBe("no-store");
      w.cases.add("headers");
    }
  });

  it("error bodies leak no stack, file path or SQL", async () => {
    const probes: Array<[string, string, string?]> = [
      ["POST", "/api/v1/auth/login", "{not json"],
      ["POST", "/api/v1/auth/login", JSON.stringify({ email: "x@example.com", password: "p", extra: 1 })],
      ["GET", "/api/v1/streams/not-a-uuid"],
      ["GET", "/api/v1/admin/audit?before=not-a-cursor"],
      ["GET", "/api/v1/streams?cursor=%27%20OR%201%3D1"],
      ["GET", "/_app/nope.js"],
    ];
    for (const [method, path, body] of probes) {
      const res = await rawHttp(w.t.url, { method, path, headers: { "content-type": "application/json", authorization: `Bearer ${w.admin.token}` }, body });
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toMatch(/\n\s+at |\/work\/|node_modules|SELECT |INSERT |sqlite|mysql/i);
      w.cases.add("error bodies");
    }
  });
});

describe("CORS and cookies", () => {
  it("the only cookie is the monitor's: HttpOnly, SameSite=Strict, scoped to /monitor", async () => {
    const res = await w.t.api("/admin/monitor/session", { token: w.admin.token, rawBody: "" });
    expect(res.status).toBe(204);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/monitor/);
    for (const path of ["/api/v1/auth/login", "/api/v1/users/me", "/"]) {
      const r = await rawHttp(w.t.url, { method: path.includes("login") ? "POST" : "GET", path, headers: { "content-type": "application/json", authorization: `Bearer ${w.roles.member.token}` }, body: path.includes("login") ? JSON.stringify({ email: w.roles.member.email, password: "Sunshine2024" }) : undefined });
      expect(r.headers["set-cookie"], path).toBeUndefined();
      w.cases.add("cookies");
    }
  });

  it("the monitor needs an admin: anonymous 401, member and moderator 403", async () => {
    expect((await get("/monitor/")).status).toBe(401);
    expect((await get("/monitor/", { authorization: `Bearer ${w.roles.member.token}` })).status).toBe(403);
    expect((await get("/monitor/", { authorization: `Bearer ${w.roles.mod.token}` })).status).toBe(403);
    expect((await get("/monitor/", { authorization: `Bearer ${w.roles.admin.token}` })).status).toBeLessThan(400);
    w.cases.add("monitor gate", 4);
  });

  // Colyseus' default reflects any Origin with credentials; the engine replaces it with the
  // CORS_ORIGINS allow-list on every surface: API routes, matchmaking, and their preflights.
  const crossOrigin: Array<[string, string, string?]> = [
    ["GET", "/api/v1/users/me"],
    ["GET", "/api/v1/health"],
    ["POST", "/matchmake/joinOrCreate/stream", JSON.stringify({ streamId: "00000000-0000-4000-8000-000000000000" })],
    ["OPTIONS", "/api/v1/users/me"],
    ["OPTIONS", "/matchmake/joinOrCreate/stream"],
  ];
  const corsOf = (res: { headers: Record<string, string | string[] | undefined> }) => ({
    origin: res.headers["access-control-allow-origin"],
    credentials: res.headers["access-control-allow-credentials"],
  });
  const ask = (method: string, path: string, origin: string, body?: string) =>
    rawHttp(w.t.url, {
      method,
      path,
      headers: { origin, authorization: `Bearer ${w.roles.member.token}`, "content-type": "application/json", ...(method === "OPTIONS" ? { "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } : {}) },
      body,
    });

  it("an unknown origin is granted no CORS at all, on the API, matchmaking and preflights", async () => {
    for (const origin of ["https://evil.example", "null", "https://app.teezu.example.evil.example", "http://app.teezu.example"]) {
      for (const [method, path, body] of crossOrigin) {
        const res = await ask(method, path, origin, body);
        expect(res.status, `${method} ${path} from ${origin}`).toBeLessThan(500);
        expect(corsOf(res), `${method} ${path} from ${origin}`).toEqual({ origin: undefined, credentials: undefined });
        w.cases.add("cors");
      }
    }
  });

  it("an origin in CORS_ORIGINS is granted credentialed CORS on the same surfaces", async () => {
    for (const origin of [TRUSTED, "http://localhost:5173"]) {
      for (const [method, path, body] of crossOrigin) {
        const res = await ask(method, path, origin, body);
        expect(corsOf(res), `${method} ${path} from ${origin}`).toEqual({ origin, credentials: "true" });
        if (method === "OPTIONS") expect(String(res.headers["access-control-allow-headers"]).toLowerCase()).toContain("authorization");
        w.cases.add("cors");
      }
    }
    const me = await ask("GET", "/api/v1/users/me", TRUSTED);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text).email).toBe(w.roles.member.email);
  });
});

describe("HLS", () => {
  it("never serves a file outside the HLS root, however the path is spelled", async () => {
    const tricks = [
      "/hls/../canary.ts",
      "/hls/../../canary.m3u8",
      "/hls/%2e%2e/canary.ts",
      "/hls/%2e%2e%2fcanary.ts",
      "/hls/..%2fcanary.ts",
      "/hls/..%252fcanary.ts",
      `/hls/${publicId}/../canary.m3u8`,
      `/hls/${publicId}/..%2fcanary.m3u8`,
      `/hls/${publicId}/%2e%2e/%2e%2e/canary.m3u8`,
      `/hls/${publicId}/v1/../../canary.m3u8`,
      `/hls/${publicId}/..\\..\\canary.m3u8`,
      `/hls/${publicId}/index.m3u8%00.jpg`,
      `/hls/${publicId}/index.m3u8/..`,
      "/hls//canary.m3u8",
      "/hls/canary.m3u8",
      "/hls/.%2e/.%2e/canary.ts",
      `/hls/${publicId}/${"a".repeat(300)}.ts`,
      "/hls/%c0%ae%c0%ae/canary.ts",
    ];
    for (const path of tricks) {
      const res = await get(path);
      expect(res.text, path).not.toContain(CANARY);
      expect(res.status, path).not.toBe(500);
      w.cases.add("hls traversal");
    }
  });

  it("serves public streams openly and everything else only with a valid, unexpired signature for that stream", async () => {
    expect((await get(`/hls/${publicId}/index.m3u8`)).status).toBe(200);
    const playback = await w.t.api(`/streams/${privateId}/playback`, { token: w.roles.creator.token });
    expect(playback.status).toBe(200);
    const signed = new URL(playback.body.hlsUrl, w.t.url);
    const exp = signed.searchParams.get("exp")!;
    const sig = signed.searchParams.get("sig")!;
    expect((await get(`${signed.pathname}${signed.search}`)).status, "signed").toBe(200);
    const segment = await get(`/hls/${privateId}/seg0.ts?exp=${exp}&sig=${encodeURIComponent(sig)}`);
    expect(segment.status, "a signature covers the stream's segments").toBe(200);
    const refusedPaths = [
      `/hls/${privateId}/index.m3u8`,
      `/hls/${privateId}/seg0.ts`,
      `/hls/${privateId}/index.m3u8?exp=${exp}`,
      `/hls/${privateId}/index.m3u8?exp=${exp}&sig=${encodeURIComponent(sig.slice(0, -2))}AA`,
      `/hls/${privateId}/index.m3u8?exp=${Number(exp) + 1}&sig=${encodeURIComponent(sig)}`,
      `/hls/${privateId}/index.m3u8?exp=${Math.floor(Date.now() / 1000) - 10}&sig=${encodeURIComponent(sig)}`,
      `/hls/${membersId}/index.m3u8?exp=${exp}&sig=${encodeURIComponent(sig)}`,
      `/hls/${privateId}/index.m3u8?exp=${exp}&sig=${encodeURIComponent(sig)}&exp=1`,
      `/hls/${privateId}/index.m3u8?exp[]=${exp}&sig=${encodeURIComponent(sig)}`,
    ];
    for (const path of refusedPaths) {
      const res = await get(path);
      expect([401, 403, 404], path).toContain(res.status);
      expect(res.text, path).not.toContain("EXTM3U");
      w.cases.add("hls signatures");
    }
    // Who may ask for a signed URL: a member may not see a private stream at all.
    const memberPlayback = await w.t.api(`/streams/${privateId}/playback`, { token: w.roles.member.token });
    expect([403, 404]).toContain(memberPlayback.status);
    const anonMembers = await w.t.api(`/streams/${membersId}/playback`);
    expect(anonMembers.status === 200 ? anonMembers.body.hlsUrl : null, "an anonymous visitor gets no URL for a members-only stream").toBeNull();
    w.cases.add("hls signatures", 2);
  });

  it("a killed stream serves nothing, even with a signature", async () => {
    const playback = await w.t.api(`/streams/${privateId}/playback`, { token: w.roles.creator.token });
    const signed = new URL(playback.body.hlsUrl, w.t.url);
    expect((await w.t.api(`/streams/${privateId}/panic`, { token: w.roles.creator.token, rawBody: "" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2200)); // access facts are memoised for 2 s
    expect((await get(`${signed.pathname}${signed.search}`)).status).toBe(404);
    w.cases.add("hls signatures");
  });
});

describe("ingest callback", () => {
  it("refuses nginx-rtmp callbacks without the shared secret", async () => {
    const key = (await w.t.api(`/streams/${publicId}`, { token: w.roles.creator.token })).body.streamKey as string;
    for (const path of ["/api/v1/internal/ingest/nginx/publish", "/api/v1/internal/ingest/nginx/publish?secret=guess", "/api/v1/internal/ingest/nginx/publish_done"]) {
      const res = await rawHttp(w.t.url, { method: "POST", path, headers: { "content-type": "application/x-www-form-urlencoded" }, body: `app=live&name=${key}` });
      expect([400, 401, 403, 404], path).toContain(res.status);
      w.cases.add("ingest callback");
    }
  });
});
