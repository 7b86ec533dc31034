// The media issue's "Done when", once per ingest (embedded node-media-server, nginx-rtmp): a real
// ffmpeg publishes an SFW test pattern over RTMP into the engine; the playlist and segments appear,
// the stream and its room show "live" with hlsUrl, a wrong key is refused without any file, the end
// of the publish sets "offline", panic kills the pipeline within 2 s, and energy rises when the
// test audio goes from silence to a loud tone.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineEvent } from "../engine/events/EngineEvents.ts";
import { birthDateYearsAgo, uniqueEmail, type TestEngine } from "./engine.ts";
import { processAlive, startPublisher, waitFor, type PublishOptions, type Publisher } from "./media-publisher.ts";

export const MEDIA_ADMIN = { email: "media-admin@example.com", password: "MediaAdmin123" };

export interface MediaHarness {
  t: TestEngine;
  /** rtmp://127.0.0.1:<port>/live */
  rtmpUrl: string;
  stop(): Promise<void>;
}

type Stamped = EngineEvent & { at: number };

export function mediaLifecycleSuite(label: string, enabled: boolean, boot: () => Promise<MediaHarness>) {
  describe.runIf(enabled)(`media lifecycle (${label})`, () => {
    let h: MediaHarness;
    let adminToken: string;
    let unsubscribe: (() => Promise<void>) | undefined;
    const events: Stamped[] = [];
    const publishers: Publisher[] = [];
    const rooms: SdkRoom[] = [];

    beforeAll(async () => {
      h = await boot();
      adminToken = (await h.t.api("/auth/login", { body: MEDIA_ADMIN })).body.accessToken;
      unsubscribe = await h.t.engine.services.events.subscribe((e) => events.push({ ...e, at: Date.now() }));
    });
    afterAll(async () => {
      await Promise.allSettled(publishers.map((p) => p.stop()));
      await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
      await unsubscribe?.();
      await h?.stop();
    });

    async function creator() {
      const reg = await h.t.api("/auth/register", { body: { email: uniqueEmail("media"), password: "Sunshine2024", displayName: "Test Pattern", birthDate: birthDateYearsAgo(30) } });
      const id: string = reg.body.user.id;
      expect((await h.t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role: "creator" } })).status).toBe(200);
      expect((await h.t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
      return { id, token: reg.body.accessToken as string };
    }
    async function newStream(token: string) {
      const res = await h.t.api("/streams", { token, body: { title: "Colour bars and a tone" } });
      expect(res.status).toBe(201);
      return res.body as { id: string; streamKey: string };
    }
    const publish = (key: string, o: PublishOptions) => {
      const p = startPublisher(`${h.rtmpUrl}/${key}`, o);
      publishers.push(p);
      return p;
    };
    const event = <T extends EngineEvent["type"]>(type: T, streamId: string, timeoutMs = 20_000) =>
      waitFor(`${type} for ${streamId}`, () => events.find((e): e is Extract<Stamped, { type: T }> => e.type === type && "streamId" in e && e.streamId === streamId), timeoutMs);
    const hlsRoot = () => join(h.t.dataDir, "hls");
    const statusOf = async (id: string) => (await h.t.api(`/streams/${id}`)).body.status as string;

    it("refuses a wrong key, an ended stream's key and an unverified creator before any transcoding: no files, no events", async () => {
      const c = await creator();
      const ended = await newStream(c.token);
      expect((await h.t.api(`/streams/${ended.id}/end`, { token: c.token, rawBody: "" })).status).toBe(200);
      const lapsed = await creator();
      const unverified = await newStream(lapsed.token);
      await h.t.engine.services.stores.sql.users.update(lapsed.id, { isVerified: false });

      const attempts = [randomBytes(24).toString("base64url"), ended.streamKey, unverified.streamKey].map((key) => publish(key, { seconds: 6 }));
      const results = await Promise.all(attempts.map((p) => p.exited));
      for (const r of results) expect(r.code, "the publisher was cut").not.toBe(0);
      expect(existsSync(hlsRoot()) ? readdirSync(hlsRoot()) : []).toEqual([]);
      expect(events.filter((e) => e.type === "stream.published")).toEqual([]);
      expect(await statusOf(unverified.id)).toBe("offline");
    });

    it("goes live with playlist, segments and hlsUrl; energy rises from silence to a tone; the end of the publish sets offline", async () => {
      const c = await creator();
      const s = await newStream(c.token);
      const client = new SdkClient(h.t.url);
      const room = await client.joinOrCreate("stream", { streamId: s.id });
      rooms.push(room);
      const state = () => room.state as { status: string; hlsUrl: string; energy: number };
      expect(await waitFor("room state", () => state()?.status)).toBe("offline");

      const p = publish(s.streamKey, { seconds: 11, silenceSeconds: 5 });
      const published = await event("stream.published", s.id);
      expect(published.hlsUrl).toBe(`/hls/${s.id}/index.m3u8`);
      expect(await statusOf(s.id)).toBe("live");
      await waitFor("room live", () => state().status === "live" && state().hlsUrl === published.hlsUrl);

      const dir = join(hlsRoot(), s.id);
      const playlist = readFileSync(join(dir, "index.m3u8"), "utf8");
      expect(playlist).toContain("#EXT-X-TARGETDURATION:1");
      const segment = playlist.split("\n").find((l) => l.endsWith(".ts"))!;
      expect(existsSync(join(dir, segment))).toBe(true);

      const served = await fetch(`${h.t.url}/hls/${s.id}/index.m3u8`);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toMatch(/^application\/vnd\.apple\.mpegurl/);
      expect(served.headers.get("cache-control")).toBe("no-cache");
      expect(served.headers.get("access-control-allow-origin")).toBe("*");
      const seg = await fetch(`${h.t.url}/hls/${s.id}/${segment}`);
      expect(seg.status).toBe(200);
      expect(seg.headers.get("content-type")).toBe("video/mp2t");
      expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);

      const info = await h.t.api(`/streams/${s.id}/live-info`, { token: c.token });
      expect(info.body).toMatchObject({ status: "live", publishing: true, streamKey: s.streamKey, ingest: { enabled: true } });
      expect((await h.t.api(`/streams/${s.id}/playback`)).body).toMatchObject({ hlsUrl: `/hls/${s.id}/index.m3u8`, signed: false, expiresAt: null });

      const exit = await p.exited;
      expect(exit.code).toBe(0);
      await event("stream.unpublished", s.id);
      expect(await statusOf(s.id)).toBe("offline");
      await waitFor("room offline", () => state().status === "offline");

      const energy = events.filter((e): e is Extract<Stamped, { type: "stream.energy" }> => e.type === "stream.energy" && e.streamId === s.id);
      expect(energy.length).toBeGreaterThanOrEqual(2);
      // Silence reads as (near) zero, the tone as loud: energy rises.
      const loud = energy.findIndex((e) => e.energy >= 50);
      expect(loud, "a loud reading").toBeGreaterThan(0);
      expect(Math.min(...energy.slice(0, loud).map((e) => e.energy))).toBeLessThanOrEqual(5);
      for (let i = 1; i < energy.length; i++) expect(energy[i]!.at - energy[i - 1]!.at).toBeGreaterThanOrEqual(900);
      expect(state().energy).toBeGreaterThanOrEqual(50);

      expect((await h.t.api(`/streams/${s.id}/thumbnail`)).body.thumbnailUrl).toBe(`/hls/${s.id}/thumb.jpg`);
      const analytics = await waitFor("analytics samples", async () => {
        const r = await h.t.api(`/streams/${s.id}/analytics`, { token: c.token });
        return r.body.energy?.timeline?.length >= 2 ? r.body : null;
      });
      expect(analytics.durationSeconds).toBeGreaterThanOrEqual(1);
      expect(analytics.viewers.peak).toBeGreaterThanOrEqual(1);
    });

    it("panic kills ffmpeg and drops the publisher within 2 s, removes the HLS files, and the old key stays refused", async () => {
      const c = await creator();
      const s = await newStream(c.token);
      const p = publish(s.streamKey, { seconds: 60 });
      await event("stream.published", s.id);
      const pid = h.t.engine.services.liveMedia.publishing(s.id)?.transcoderPid;
      expect(pid && processAlive(pid)).toBe(true);

      const t0 = Date.now();
      const panic = await h.t.api(`/streams/${s.id}/panic`, { token: c.token, rawBody: "" });
      expect(panic.status).toBe(200);
      expect(panic.body.status).toBe("killed");
      await waitFor("ffmpeg gone", () => !processAlive(pid!), 2000 - (Date.now() - t0), 10);
      const exit = await Promise.race([p.exited, new Promise<null>((r) => setTimeout(() => r(null), 2000 - (Date.now() - t0)))]);
      expect(exit, "publisher disconnected").not.toBeNull();
      expect(exit!.at - t0).toBeLessThan(2000);
      expect(exit!.code).not.toBe(0);
      expect(h.t.engine.services.liveMedia.publishing(s.id)).toBeNull();
      await waitFor("HLS files removed", () => !existsSync(join(hlsRoot(), s.id)), 1000);
      expect(await statusOf(s.id)).toBe("killed");
      expect(events.some((e) => e.type === "stream.unpublished" && e.streamId === s.id)).toBe(false);

      const again = publish(s.streamKey, { seconds: 5 });
      expect((await again.exited).code).not.toBe(0);
      expect(existsSync(join(hlsRoot(), s.id))).toBe(false);
    });
  });
}
