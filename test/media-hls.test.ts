// Serving /hls/<streamId>/… from the engine (no ffmpeg needed: the files are written here):
// content types, CORS and cache headers, no path traversal, signed expiring URLs for streams that
// are not public or are explicit, and the media endpoints (playback, thumbnail, live-info,
// analytics, ingest status).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { samplesCollection } from "../media/analysis/streamSamples.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "./engine.ts";

const ADMIN = { email: "hls-admin@example.com", password: "HlsAdmin1234" };
const PLAYLIST = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:1.000000,\nseg_00007.ts\n#EXTINF:1.000000,\nseg_00008.ts\n";

/** A raw GET: fetch() would normalise "..", which is exactly what must be tried here. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString("latin1")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("HLS serving and media endpoints", () => {
  let t: TestEngine;
  let admin: string;
  let creator: { id: string; token: string };
  let member: { id: string; token: string };

  beforeAll(async () => {
    t = await bootEngine({ INGEST: "off", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    creator = await account("creator");
    member = await account();
  });
  afterAll(async () => t?.stop());

  async function account(role?: "creator") {
    const reg = await t.api("/auth/register", { body: { email: uniqueEmail("hls"), password: "Sunshine2024", displayName: "Hls Tester", birthDate: birthDateYearsAgo(30) } });
    const id: string = reg.body.user.id;
    if (role) {
      await t.api(`/admin/users/${id}/role`, { token: admin, body: { role } });
      await t.api(`/admin/users/${id}/verify`, { token: admin, rawBody: "" });
    }
    return { id, token: reg.body.accessToken as string };
  }

  async function streamWithFiles(body: Record<string, unknown> = {}) {
    const res = await t.api("/streams", { token: creator.token, body: { title: "Test card", ...body } });
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    const dir = join(t.dataDir, "hls", id);
    mkdirSync(join(dir, "v0"), { recursive: true });
    writeFileSync(join(dir, "index.m3u8"), PLAYLIST);
    writeFileSync(join(dir, "seg_00007.ts"), Buffer.alloc(2048, 0x47));
    writeFileSync(join(dir, "seg_00008.m4s"), Buffer.alloc(64, 1));
    writeFileSync(join(dir, "init.mp4"), Buffer.alloc(64, 2));
    writeFileSync(join(dir, "v0", "index.m3u8"), PLAYLIST);
    writeFileSync(join(dir, "index.m3u8.tmp"), "half-written");
    return { id, dir };
  }

  it("serves public playlists, segments and thumbnails with their content types, CORS and cache headers", async () => {
    const { id, dir } = await streamWithFiles();
    const cases: Array<[string, string, string]> = [
      ["index.m3u8", "application/vnd.apple.mpegurl", "no-cache"],
      ["v0/index.m3u8", "application/vnd.apple.mpegurl", "no-cache"],
      ["seg_00007.ts", "video/mp2t", "public, max-age=30"],
      ["seg_00008.m4s", "video/iso.segment", "public, max-age=30"],
      ["init.mp4", "video/mp4", "public, max-age=30"],
    ];
    for (const [file, type, cache] of cases) {
      const res = await fetch(`${t.url}/hls/${id}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toContain(type);
      expect(res.headers.get("cache-control"), file).toBe(cache);
      expect(res.headers.get("access-control-allow-origin"), file).toBe("*");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(await (await fetch(`${t.url}/hls/${id}/index.m3u8`)).text()).toBe(PLAYLIST);
    expect((await fetch(`${t.url}/hls/${id}/seg_00007.ts`, { method: "HEAD" })).status).toBe(200);
    const ranged = await fetch(`${t.url}/hls/${id}/seg_00007.ts`, { headers: { range: "bytes=0-99" } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);

    expect((await fetch(`${t.url}/hls/${id}/thumb.jpg`)).status).toBe(404);
    expect((await t.api(`/streams/${id}/thumbnail`)).status).toBe(404);
    writeFileSync(join(dir, "thumb.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const thumb = await fetch(`${t.url}/hls/${id}/thumb.jpg`);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    expect(thumb.headers.get("cache-control")).toBe("public, max-age=5");
    expect((await t.api(`/streams/${id}/thumbnail`)).body).toMatchObject({ thumbnailUrl: `/hls/${id}/thumb.jpg` });

    expect((await fetch(`${t.url}/hls/${id}/seg_99999.ts`)).status).toBe(404);
    expect((await fetch(`${t.url}/hls/00000000-0000-4000-8000-000000000000/index.m3u8`)).status).toBe(404);
    expect((await fetch(`${t.url}/hls/${id}/index.m3u8`, { method: "POST" })).status).toBe(405);
  });

  it("never serves anything outside the stream's directory, nor files ffmpeg is still writing", async () => {
    const { id } = await streamWithFiles();
    const secret = readFileSync(join(t.dataDir, "jwt-secret"), "utf8").trim();
    writeFileSync(join(t.dataDir, "hls", "outside.ts"), "outside");
    const attempts = [
      "/hls/../jwt-secret",
      "/hls/../../etc/passwd",
      `/hls/${id}/../../jwt-secret`,
      `/hls/${id}/../outside.ts`,
      `/hls/${id}/..%2f..%2fjwt-secret`,
      `/hls/${id}/%2e%2e/%2e%2e/jwt-secret`,
      `/hls/%2e%2e/jwt-secret`,
      `/hls/${id}/..%5c..%5cjwt-secret`,
      `/hls/${id}/v0/../../../jwt-secret`,
      `/hls/${id}/index.m3u8.tmp`,
      `/hls/${id}/index.m3u8%00.ts`,
      `/hls/${id}//etc/passwd`,
      `/hls/${id}/%252e%252e/jwt-secret`,
      "/hls/outside.ts",
    ];
    for (const path of attempts) {
      const res = await rawGet(t.url, path);
      expect(res.body, path).not.toContain(secret);
      expect(res.body, path).not.toContain("root:");
      expect(res.body, path).not.toBe("outside");
      expect(res.body, path).not.toBe("half-written");
      expect(res.status, path).not.toBe(200);
    }
  });

  it("requires a valid, unexpired signature for members-only and explicit streams, and passes it on to segments", async () => {
    for (const body of [{ visibility: "members" }, { explicit: true }]) {
      const { id } = await streamWithFiles(body);
      const denied = await fetch(`${t.url}/hls/${id}/index.m3u8`);
      expect(denied.status).toBe(403);
      expect((await denied.json()).error.code).toBe("signature_required");
      expect((await fetch(`${t.url}/hls/${id}/seg_00007.ts`)).status).toBe(403);
      expect((await t.api(`/streams/${id}/playback`)).status).toBe(404); // anonymous visitors may not see it

      const playback = await t.api(`/streams/${id}/playback`, { token: member.token });
      expect(playback.status).toBe(200);
      expect(playback.body).toMatchObject({ status: "offline", signed: true });
      expect(playback.body.hlsUrl).toMatch(new RegExp(`^/hls/${id}/index\\.m3u8\\?exp=\\d+&sig=[A-Za-z0-9_-]+$`));
      expect(Date.parse(playback.body.expiresAt)).toBeGreaterThan(Date.now() + 3600_000);
      const query = playback.body.hlsUrl.split("?")[1];

      const playlist = await fetch(`${t.url}${playback.body.hlsUrl}`);
      expect(playlist.status).toBe(200);
      const text = await playlist.text();
      expect(text).toContain(`seg_00007.ts?${query}`);
      expect(text).toContain(`seg_00008.ts?${query}`);
      const seg = await fetch(`${t.url}/hls/${id}/seg_00007.ts?${query}`);
      expect(seg.status).toBe(200);
      expect(seg.headers.get("cache-control")).toBe("private, max-age=30");

      const sig = new URLSearchParams(query).get("sig")!;
      const exp = new URLSearchParams(query).get("exp")!;
      const tampered = `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
      expect((await fetch(`${t.url}/hls/${id}/index.m3u8?exp=${exp}&sig=${tampered}`)).status).toBe(403);
      expect((await fetch(`${t.url}/hls/${id}/index.m3u8?exp=${Number(exp) + 60}&sig=${sig}`)).status).toBe(403);
      const past = t.engine.services.hlsSigner.sign(id, Math.floor(Date.now() / 1000) - 1);
      expect((await fetch(`${t.url}/hls/${id}/index.m3u8?exp=${past.exp}&sig=${past.sig}`)).status).toBe(403);
      const other = await streamWithFiles(body);
      expect((await fetch(`${t.url}/hls/${other.id}/index.m3u8?${query}`)).status).toBe(403);
    }
  });

  it("serves nothing of a killed stream, signed or not", async () => {
    const { id } = await streamWithFiles({ visibility: "members" });
    const { body } = await t.api(`/streams/${id}/playback`, { token: member.token });
    expect((await fetch(`${t.url}${body.hlsUrl}`)).status).toBe(200);
    expect((await t.api(`/streams/${id}/panic`, { token: creator.token, rawBody: "" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100)); // the access facts are memoised for 2 s
    expect((await fetch(`${t.url}${body.hlsUrl}`)).status).toBe(404);
    expect((await t.api(`/streams/${id}/playback`, { token: member.token })).body).toMatchObject({ status: "killed", hlsUrl: null });
  });

  it("gives the creator the go-live settings and says when ingest is off", async () => {
    const { id } = await streamWithFiles();
    const info = await t.api(`/streams/${id}/live-info`, { token: creator.token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      streamId: id,
      rtmpUrl: expect.stringMatching(/^rtmp:\/\/.+\/live$/),
      streamKey: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      ingest: { mode: "off", enabled: false, reason: "INGEST=off" },
      publishing: false,
    });
    expect(info.body.obs).toEqual({ server: info.body.rtmpUrl, streamKey: info.body.streamKey });
    expect((await t.api(`/streams/${id}/live-info`, { token: member.token })).status).toBe(403);
    expect((await t.api(`/streams/${id}/live-info`)).status).toBe(401);

    const status = await t.api("/ingest/status", { token: admin });
    expect(status.body).toMatchObject({ mode: "off", enabled: false, publishers: [] });
    expect((await t.api("/ingest/status", { token: member.token })).status).toBe(403);
  });

  it("reports the stream's analytics with viewer drop-offs to its creator and staff", async () => {
    const { id } = await streamWithFiles();
    const start = Date.UTC(2026, 0, 1, 20, 0, 0);
    const viewers = [0, 3, 8, 12, 12, 11, 6, 7, 7, 2];
    for (const [i, v] of viewers.entries()) {
      const ts = start + i * 10_000;
      await t.engine.services.stores.docs.set(samplesCollection(id), String(ts), { ts, viewers: v, energy: i * 10 });
    }
    const res = await t.api(`/streams/${id}/analytics`, { token: creator.token });
    expect(res.status).toBe(200);
    expect(res.body.viewers).toMatchObject({ peak: 12, final: 2, retention: 0.167, peakAt: new Date(start + 30_000).toISOString() });
    expect(res.body.viewers.timeline).toHaveLength(10);
    expect(res.body.dropOffs).toEqual([
      { from: new Date(start + 30_000).toISOString(), to: new Date(start + 60_000).toISOString(), fromViewers: 12, toViewers: 6, lost: 6 },
      { from: new Date(start + 70_000).toISOString(), to: new Date(start + 90_000).toISOString(), fromViewers: 7, toViewers: 2, lost: 5 },
    ]);
    expect(res.body.energy).toMatchObject({ peak: 90, average: 45 });
    expect(res.body.peakViewers).toBe(12);
    expect((await t.api(`/streams/${id}/analytics`, { token: admin })).status).toBe(200);
    expect((await t.api(`/streams/${id}/analytics`, { token: member.token })).status).toBe(403);
  });
});
