// Streams & content API and admin room inspection (issue 3, items 1 and the HTTP part of 2),
// through the real engine over HTTP, once per store configuration.
import { defineRoom } from "@colyseus/core";
import { Client as SdkClient } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import type { Role } from "../../config/roles.ts";
import { chatCollection, seqKey, type ChatLineDoc } from "../../rooms/stream/chatLog.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";
import { InspectableProbe, PlainProbe } from "./probeRooms.ts";

const ADMIN = { email: "streams-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";
const MISSING = "00000000-0000-4000-8000-000000000000";

interface Account {
  id: string;
  token: string;
}

export function streamsSuite(label: string, overrides: () => Promise<Partial<Record<keyof RawEnv, string>>>) {
  describe(`streams & content API (${label})`, () => {
    let t: TestEngine;
    let admin: Account;

    beforeAll(async () => {
      t = await bootEngine(
        { JWT_SECRET: "streams-test-secret-long-enough-0123456789", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RTMP_PORT: "19350", ...(await overrides()) },
        undefined,
        { extraRooms: () => ({ probe_plain: defineRoom(PlainProbe), probe_inspect: defineRoom(InspectableProbe) }) },
      );
      const login = await t.api("/auth/login", { body: ADMIN });
      admin = { id: login.body.user.id, token: login.body.accessToken };
    });
    afterAll(async () => {
      await t?.stop();
    });

    async function account(role: Role = "member", verified = false): Promise<Account> {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail("s"), password: PASSWORD, displayName: `${role} person`, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id = reg.body.user.id as string;
      if (role !== "member") expect((await t.api(`/admin/users/${id}/role`, { token: admin.token, body: { role } })).status).toBe(200);
      if (verified) expect((await t.api(`/admin/users/${id}/verify`, { token: admin.token, rawBody: "" })).status).toBe(200);
      return { id, token: reg.body.accessToken };
    }

    async function newStream(owner: Account, body: Record<string, unknown> = {}) {
      const res = await t.api("/streams", { token: owner.token, body: { title: "Night talk", ...body } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; streamKey: string; rtmpUrl: string; hlsUrl: string };
    }

    describe("creating", () => {
      it("lets only verified creators go live and hands them the key and ingest URLs", async () => {
        expect((await t.api("/streams", { body: { title: "x" } })).status).toBe(401);
        const member = await account("member", true);
        const asMember = await t.api("/streams", { token: member.token, body: { title: "x" } });
        expect(asMember.status).toBe(403);
        expect(asMember.body.error.code).toBe("forbidden");
        const unverified = await account("creator");
        const kyc = await t.api("/streams", { token: unverified.token, body: { title: "x" } });
        expect(kyc.status).toBe(403);
        expect(kyc.body.error.code).toBe("kyc_required");

        const creator = await account("creator", true);
        const res = await t.api("/streams", { token: creator.token, body: { title: "  Studio night ", tags: ["talk", "talk", "music"], visibility: "members", explicit: true } });
        expect(res.status).toBe(201);
        const { id, streamKey, rtmpUrl, hlsUrl } = res.body;
        expect(streamKey).toMatch(/^[A-Za-z0-9_-]{32,}$/);
        expect(Buffer.from(streamKey, "base64url").length).toBeGreaterThanOrEqual(24);
        expect(rtmpUrl).toBe("rtmp://localhost:19350/live");
        expect(hlsUrl).toBe(`/hls/${id}/index.m3u8`);
        expect(res.body).toMatchObject({ title: "Studio night", tags: ["talk", "music"], visibility: "members", explicit: true, status: "offline", creatorId: creator.id, viewerCount: 0 });
        const ingest = await t.engine.services.streams.byStreamKey(streamKey);
        expect(ingest?.id).toBe(id);
        const other = await newStream(creator);
        expect(other.streamKey).not.toBe(streamKey);
      });

      it("rejects bad bodies with 400 invalid_request", async () => {
        const creator = await account("creator", true);
        for (const body of [{}, { title: "" }, { title: "x".repeat(201) }, { title: "ok", visibility: "friends" }, { title: "ok", explicit: "yes" }, { title: "ok", tags: Array(11).fill("a") }, { title: "ok", streamKey: "mine" }, [1]]) {
          const res = await t.api("/streams", { token: creator.token, body });
          expect(res.status, JSON.stringify(body)).toBe(400);
          expect(res.body.error.code).toBe("invalid_request");
        }
        expect((await t.api("/streams", { token: creator.token, rawBody: "{nope" })).status).toBe(400);
        expect((await t.api("/streams/not-a-uuid")).status).toBe(400);
        expect((await t.api(`/streams/${MISSING}`)).status).toBe(404);
      });
    });

    describe("listing and reading", () => {
      it("shows anonymous visitors only public, non-explicit streams, and the key to nobody but the owner", async () => {
        const creator = await account("creator", true);
        const open = await newStream(creator, { title: "open" });
        const explicit = await newStream(creator, { title: "explicit", explicit: true });
        const members = await newStream(creator, { title: "members", visibility: "members" });
        const priv = await newStream(creator, { title: "private", visibility: "private" });
        const member = await account("member");
        const stranger = await account("creator", true);
        const mod = await account("mod");

        const titles = async (token?: string) => {
          const res = await t.api(`/streams?creatorId=${creator.id}`, { token });
          expect(res.status).toBe(200);
          for (const item of res.body.items) if (token !== creator.token) expect(item).not.toHaveProperty("streamKey");
          return (res.body.items as { title: string }[]).map((s) => s.title).sort();
        };
        expect(await titles()).toEqual(["open"]);
        expect(await titles(member.token)).toEqual(["explicit", "members", "open"]);
        expect(await titles(stranger.token)).toEqual(["explicit", "members", "open"]);
        expect(await titles(mod.token)).toEqual(["explicit", "members", "open", "private"]);
        expect(await titles(creator.token)).toEqual(["explicit", "members", "open", "private"]);

        expect((await t.api(`/streams/${open.id}`)).status).toBe(200);
        expect((await t.api(`/streams/${explicit.id}`)).status).toBe(404);
        expect((await t.api(`/streams/${members.id}`)).status).toBe(404);
        expect((await t.api(`/streams/${priv.id}`, { token: member.token })).status).toBe(404);
        const seenByOther = await t.api(`/streams/${open.id}`, { token: stranger.token });
        expect(seenByOther.body).not.toHaveProperty("streamKey");
        expect(seenByOther.body).toMatchObject({ creatorName: "creator person", hlsUrl: `/hls/${open.id}/index.m3u8` });
        const seenByMod = await t.api(`/streams/${priv.id}`, { token: mod.token });
        expect(seenByMod.status).toBe(200);
        expect(seenByMod.body).not.toHaveProperty("streamKey");
        const seenByOwner = await t.api(`/streams/${priv.id}`, { token: creator.token });
        expect(seenByOwner.body.streamKey).toBe(priv.streamKey);
      });

      it("lists live streams first with viewer counts from the cache, and pages", async () => {
        const creator = await account("creator", true);
        const a = await newStream(creator, { title: "a" });
        const b = await newStream(creator, { title: "b" });
        const c = await newStream(creator, { title: "c" });
        const { streams, stores } = t.engine.services;
        await streams.setStatus(a.id, "live");
        await streams.setStatus(c.id, "live");
        await stores.cache.set(`stream:${a.id}`, "42", 60_000);

        const all = await t.api(`/streams?creatorId=${creator.id}`);
        expect(all.body.items.map((s: { title: string }) => s.title)).toEqual(["c", "a", "b"]);
        expect(all.body.items.map((s: { viewerCount: number }) => s.viewerCount)).toEqual([0, 42, 0]);
        const live = await t.api(`/streams?status=live&creatorId=${creator.id}`);
        expect(live.body.items.map((s: { id: string }) => s.id)).toEqual([c.id, a.id]);
        expect(live.body.items[1]).toMatchObject({ status: "live", viewerCount: 42 });
        expect(live.body.items[1].startedAt).toEqual(expect.any(String));

        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { status: number; body: any } = await t.api(`/streams?creatorId=${creator.id}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
          expect(page.status).toBe(200);
          seen.push(...page.body.items.map((s: { id: string }) => s.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(seen).toEqual([c.id, a.id, b.id]);
        expect((await t.api("/streams?cursor=bogus")).status).toBe(400);
        expect((await t.api("/streams?status=paused")).status).toBe(400);
        expect((await t.api("/streams?limit=0")).status).toBe(400);
      });
    });

    describe("owner actions", () => {
      it("refuses others to edit, end, rotate or read the key; the owner can, a moderator may edit", async () => {
        const owner = await account("creator", true);
        const s = await newStream(owner);
        const rival = await account("creator", true);
        const member = await account("member");
        const mod = await account("mod");

        for (const who of [rival, member]) {
          expect((await t.api(`/streams/${s.id}`, { method: "PATCH", token: who.token, body: { title: "hijacked" } })).status).toBe(403);
          expect((await t.api(`/streams/${s.id}/end`, { method: "POST", token: who.token })).status).toBe(403);
          expect((await t.api(`/streams/${s.id}/key`, { method: "POST", token: who.token })).status).toBe(403);
        }
        expect((await t.api(`/streams/${s.id}/key`, { method: "POST", token: mod.token })).status).toBe(403);
        expect((await t.api(`/streams/${s.id}/end`, { method: "POST" })).status).toBe(401);

        const edited = await t.api(`/streams/${s.id}`, { method: "PATCH", token: owner.token, body: { title: "Renamed", tags: ["x"], visibility: "members", explicit: true } });
        expect(edited.status).toBe(200);
        expect(edited.body).toMatchObject({ title: "Renamed", tags: ["x"], visibility: "members", explicit: true, streamKey: s.streamKey });
        const modEdit = await t.api(`/streams/${s.id}`, { method: "PATCH", token: mod.token, body: { explicit: false } });
        expect(modEdit.status).toBe(200);
        expect(modEdit.body).not.toHaveProperty("streamKey");
        expect((await t.api(`/streams/${s.id}`, { method: "PATCH", token: owner.token, body: {} })).status).toBe(400);
        expect((await t.api(`/streams/${s.id}`, { method: "PATCH", token: owner.token, body: { status: "live" } })).status).toBe(400);

        const rotated = await t.api(`/streams/${s.id}/key`, { method: "POST", token: owner.token });
        expect(rotated.status).toBe(200);
        expect(rotated.body.streamKey).not.toBe(s.streamKey);
        expect(await t.engine.services.streams.byStreamKey(s.streamKey)).toBeNull();
        expect((await t.engine.services.streams.byStreamKey(rotated.body.streamKey))?.id).toBe(s.id);
        expect((await t.api(`/streams/${s.id}`, { token: owner.token })).body.streamKey).toBe(rotated.body.streamKey);

        const ended = await t.api(`/streams/${s.id}/end`, { method: "POST", token: owner.token });
        expect(ended.status).toBe(200);
        expect(ended.body.status).toBe("ended");
        expect(ended.body.endedAt).toEqual(expect.any(String));
        expect((await t.api(`/streams/${s.id}/end`, { method: "POST", token: owner.token })).body.error.code).toBe("stream_closed");
        expect((await t.api(`/streams/${s.id}/key`, { method: "POST", token: owner.token })).status).toBe(409);
        expect(await t.engine.services.streams.byStreamKey(rotated.body.streamKey)).toBeNull();
        await t.engine.services.streams.setStatus(s.id, "live");
        expect((await t.api(`/streams/${s.id}`, { token: owner.token })).body.status).toBe("ended");
      });

      it("kills a stream over HTTP: creator or moderator only, key revoked, audit-logged", async () => {
        const owner = await account("creator", true);
        const s = await newStream(owner);
        const member = await account("member");
        expect((await t.api(`/streams/${s.id}/panic`, { method: "POST", token: member.token })).status).toBe(403);
        const killed = await t.api(`/streams/${s.id}/panic`, { method: "POST", token: owner.token });
        expect(killed.status).toBe(200);
        expect(killed.body.status).toBe("killed");
        expect(killed.body.streamKey).not.toBe(s.streamKey);
        expect(await t.engine.services.streams.byStreamKey(s.streamKey)).toBeNull();
        expect(await t.engine.services.streams.byStreamKey(killed.body.streamKey)).toBeNull();
        const audit = await t.api(`/admin/audit?action=stream.panic&actorId=${owner.id}`, { token: admin.token });
        expect(audit.body.items.map((e: { targetId: string }) => e.targetId)).toEqual([s.id]);
      });
    });

    describe("chat history", () => {
      it("pages through every persisted line once, oldest first, with deleted lines blanked", async () => {
        const owner = await account("creator", true);
        const s = await newStream(owner);
        const docs = t.engine.services.stores.docs;
        const base = 1_700_000_000_000;
        const written: ChatLineDoc[] = [];
        for (let i = 0; i < 23; i++) {
          // Two lines per millisecond: seq, not ts, decides the order.
          const ts = base + Math.floor(i / 2);
          const line: ChatLineDoc = { id: `m${i}`, streamId: s.id, userId: i % 5 === 0 ? null : owner.id, name: i % 5 === 0 ? "TeezU" : "Host", text: `line ${i}`, kind: i % 5 === 0 ? "system" : "chat", ts, seq: seqKey(ts, i), deleted: i === 7 };
          written.push(line);
        }
        // Written out of order, as a write-behind flush may.
        for (const line of [...written].reverse()) await docs.set(chatCollection(s.id), line.id, line);

        const pages: any[][] = [];
        let before: string | null = null;
        do {
          const res: { status: number; body: any } = await t.api(`/streams/${s.id}/chat?limit=5${before ? `&before=${before}` : ""}`);
          expect(res.status).toBe(200);
          pages.push(res.body.items);
          before = res.body.nextBefore;
        } while (before);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        const history = pages.reverse().flat();
        expect(history.map((l) => l.id)).toEqual(written.map((l) => l.id));
        expect(history[7]).toMatchObject({ id: "m7", deleted: true, text: "" });
        expect(history[8]).toMatchObject({ id: "m8", deleted: false, text: "line 8", kind: "chat", userId: owner.id });
        expect(history[0]).toMatchObject({ kind: "system", userId: null });

        const newest = await t.api(`/streams/${s.id}/chat`);
        expect(newest.body.items.map((l: { id: string }) => l.id)).toEqual(written.map((l) => l.id));
        expect(newest.body.nextBefore).toBeNull();
        expect((await t.api(`/streams/${s.id}/chat?before=abc`)).status).toBe(400);
        expect((await t.api(`/streams/${s.id}/chat?limit=500`)).status).toBe(400);
        const empty = await newStream(owner);
        expect((await t.api(`/streams/${empty.id}/chat`)).body).toEqual({ items: [], nextBefore: null });
      });

      it("hides the chat of streams the caller may not see", async () => {
        const owner = await account("creator", true);
        const priv = await newStream(owner, { visibility: "private" });
        const member = await account("member");
        expect((await t.api(`/streams/${priv.id}/chat`, { token: member.token })).status).toBe(404);
        expect((await t.api(`/streams/${priv.id}/chat`)).status).toBe(404);
        expect((await t.api(`/streams/${priv.id}/chat`, { token: owner.token })).status).toBe(200);
      });
    });

    describe("reports", () => {
      it("takes reports from members; the creator and moderators read and close them, once", async () => {
        const owner = await account("creator", true);
        const s = await newStream(owner);
        const reporter = await account("member");
        const bystander = await account("member");
        const mod = await account("mod");

        expect((await t.api(`/streams/${s.id}/reports`, { body: { reason: "spam" } })).status).toBe(401);
        expect((await t.api(`/streams/${s.id}/reports`, { token: reporter.token, body: {} })).status).toBe(400);
        expect((await t.api(`/streams/${s.id}/reports`, { token: reporter.token, body: { reason: "x", targetUserId: "nope" } })).status).toBe(400);
        expect((await t.api(`/streams/${MISSING}/reports`, { token: reporter.token, body: { reason: "x" } })).status).toBe(404);
        const filed = await t.api(`/streams/${s.id}/reports`, { token: reporter.token, body: { reason: "Rude messages", targetUserId: bystander.id, messageId: "m-12" } });
        expect(filed.status).toBe(201);
        expect(filed.body).toMatchObject({ streamId: s.id, reporterId: reporter.id, targetUserId: bystander.id, messageId: "m-12", status: "open" });
        const second = await t.api(`/streams/${s.id}/reports`, { token: bystander.token, body: { reason: "whole stream" } });

        expect((await t.api(`/streams/${s.id}/reports`, { token: bystander.token })).status).toBe(403);
        expect((await t.api(`/streams/${s.id}/reports`)).status).toBe(401);
        const forOwner = await t.api(`/streams/${s.id}/reports`, { token: owner.token });
        expect(forOwner.body.items.map((r: { id: string }) => r.id)).toEqual([filed.body.id, second.body.id]);
        expect((await t.api(`/streams/${s.id}/reports`, { token: mod.token })).body.items).toHaveLength(2);

        expect((await t.api(`/reports/${filed.body.id}/resolve`, { token: reporter.token, rawBody: "" })).status).toBe(403);
        expect((await t.api(`/reports/${filed.body.id}/resolve`, { token: owner.token, body: { status: "ignored" } })).status).toBe(400);
        expect((await t.api(`/reports/${MISSING}/resolve`, { token: owner.token, rawBody: "" })).status).toBe(404);
        const resolved = await t.api(`/reports/${filed.body.id}/resolve`, { token: owner.token, rawBody: "" });
        expect(resolved.status).toBe(200);
        expect(resolved.body.status).toBe("resolved");
        expect((await t.api(`/reports/${filed.body.id}/resolve`, { token: mod.token, body: { status: "dismissed" } })).body.error.code).toBe("report_closed");
        expect((await t.api(`/reports/${second.body.id}/resolve`, { token: mod.token, body: { status: "dismissed" } })).body.status).toBe("dismissed");
        expect((await t.api(`/streams/${s.id}/reports`, { token: owner.token })).body.items).toEqual([]);
        expect((await t.api(`/streams/${s.id}/reports?status=resolved`, { token: owner.token })).body.items).toHaveLength(1);
        expect(await t.engine.services.streams.openReports(s.id)).toEqual([]);

        const priv = await newStream(owner, { visibility: "private" });
        expect((await t.api(`/streams/${priv.id}/reports`, { token: reporter.token, body: { reason: "x" } })).status).toBe(404);
      });
    });

    describe("bans", () => {
      it("lists a creator's bans and lifts them", async () => {
        const owner = await account("creator", true);
        const member = await account("member");
        await t.engine.services.streams.ban(owner.id, member.id, owner.id);
        expect(await t.engine.services.streams.isBanned(owner.id, member.id)).toBe(true);
        const list = await t.api("/creators/me/bans", { token: owner.token });
        expect(list.body.items).toEqual([{ userId: member.id, byUserId: owner.id, createdAt: expect.any(String) }]);
        expect((await t.api("/creators/me/bans", { token: member.token })).body.items).toEqual([]);
        expect((await t.api(`/creators/me/bans/${member.id}`, { method: "DELETE", token: member.token })).status).toBe(404);
        expect((await t.api(`/creators/me/bans/${member.id}`, { method: "DELETE", token: owner.token })).status).toBe(204);
        expect(await t.engine.services.streams.isBanned(owner.id, member.id)).toBe(false);
        expect((await t.api(`/creators/me/bans/${member.id}`, { method: "DELETE", token: owner.token })).status).toBe(404);
      });
    });

    describe("media", () => {
      it("lets providers and creators publish, validates URLs, and applies visibility", async () => {
        const provider = await account("provider");
        const member = await account("member");
        const other = await account("creator");
        expect((await t.api("/media", { token: member.token, body: { mediaUrl: "https://cdn.example/a.jpg", visibility: "public" } })).status).toBe(403);
        for (const mediaUrl of ["http://cdn.example/a.jpg", "javascript:alert(1)", "/media/../etc/passwd", "/uploads/a.jpg", "https://user:pw@cdn.example/a.jpg", "ftp://x/y", ""]) {
          const res = await t.api("/media", { token: provider.token, body: { mediaUrl, visibility: "public" } });
          expect(res.status, mediaUrl).toBe(400);
        }
        const made: Record<string, string> = {};
        for (const visibility of ["public", "members", "private"] as const) {
          const res = await t.api("/media", { token: provider.token, body: { mediaUrl: visibility === "members" ? "/media/abc/photo.webp" : "https://cdn.example/p.jpg", caption: visibility, visibility } });
          expect(res.status).toBe(201);
          expect(res.body).toMatchObject({ userId: provider.id, visibility, caption: visibility });
          made[visibility] = res.body.id;
        }
        const captions = async (token?: string) =>
          ((await t.api(`/media?userId=${provider.id}`, { token })).body.items as { caption: string }[]).map((m) => m.caption).sort();
        expect(await captions()).toEqual(["public"]);
        expect(await captions(member.token)).toEqual(["members", "public"]);
        expect(await captions(provider.token)).toEqual(["members", "private", "public"]);

        expect((await t.api(`/media/${made.public}`)).status).toBe(200);
        expect((await t.api(`/media/${made.members}`)).status).toBe(404);
        expect((await t.api(`/media/${made.members}`, { token: member.token })).status).toBe(200);
        expect((await t.api(`/media/${made.private}`, { token: other.token })).status).toBe(404);
        expect((await t.api(`/media/${made.private}`, { token: provider.token })).status).toBe(200);
        expect((await t.api(`/media/${MISSING}`)).status).toBe(404);
      });

      it("deletes only for the owner or a moderator (IDOR)", async () => {
        const owner = await account("creator");
        const intruder = await account("provider");
        const mod = await account("mod");
        const create = async (visibility: string) => (await t.api("/media", { token: owner.token, body: { mediaUrl: "https://cdn.example/x.mp4", visibility } })).body.id as string;
        const pub = await create("public");
        const priv = await create("private");
        expect((await t.api(`/media/${pub}`, { method: "DELETE" })).status).toBe(401);
        expect((await t.api(`/media/${pub}`, { method: "DELETE", token: intruder.token })).status).toBe(403);
        expect((await t.api(`/media/${priv}`, { method: "DELETE", token: intruder.token })).status).toBe(404);
        expect((await t.api(`/media/${pub}`)).status).toBe(200);
        expect((await t.api(`/media/${pub}`, { method: "DELETE", token: mod.token })).status).toBe(204);
        expect((await t.api(`/media/${pub}`)).status).toBe(404);
        expect((await t.api(`/media/${priv}`, { method: "DELETE", token: owner.token })).status).toBe(204);
        expect((await t.api(`/media/${priv}`, { method: "DELETE", token: owner.token })).status).toBe(404);
        const audit = await t.api(`/admin/audit?action=media.delete&actorId=${mod.id}`, { token: admin.token });
        expect(audit.body.items.map((e: { targetId: string }) => e.targetId)).toEqual([pub]);
      });
    });

    describe("privacy", () => {
      it("exports a creator's streams without the key and erases them with their chat", async () => {
        const creator = await account("creator", true);
        const s = await newStream(creator);
        await t.engine.services.stores.docs.set(chatCollection(s.id), "m1", { id: "m1", streamId: s.id, userId: creator.id, name: "x", text: "hi", kind: "chat", ts: 1, seq: seqKey(1, 1), deleted: false });
        const reporter = await account("member");
        await t.api(`/streams/${s.id}/reports`, { token: reporter.token, body: { reason: "x" } });

        const exported = await t.api("/users/me/export", { token: creator.token });
        expect(exported.body.data.streams).toEqual([expect.objectContaining({ id: s.id })]);
        expect(JSON.stringify(exported.body)).not.toContain(s.streamKey);
        expect((await t.api("/users/me/export", { token: reporter.token })).body.data.reports).toHaveLength(1);

        expect((await t.api("/users/me", { method: "DELETE", token: creator.token })).status).toBe(202);
        expect(await t.engine.services.streams.get(s.id)).toBeNull();
        expect(await t.engine.services.stores.docs.query(chatCollection(s.id))).toEqual([]);
        expect(await t.engine.services.streams.openReports(s.id)).toEqual([]);
      });
    });

    describe("admin room inspection", () => {
      it("lists live rooms and shows one room's state to admins, audit-logged; 403 for members", async () => {
        const client = new SdkClient(t.url);
        const plain = await client.create("probe_plain", {});
        const rich = await client.create("probe_inspect", {});
        const member = await account("member");
        try {
          expect((await t.api("/admin/rooms")).status).toBe(401);
          expect((await t.api("/admin/rooms", { token: member.token })).status).toBe(403);
          expect((await t.api(`/admin/rooms/${plain.roomId}/state`, { token: member.token })).status).toBe(403);

          const list = await t.api("/admin/rooms", { token: admin.token });
          expect(list.status).toBe(200);
          expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ roomId: plain.roomId, name: "probe_plain", clients: 1, metadata: { purpose: "inspection test" } })]));

          const state = await t.api(`/admin/rooms/${plain.roomId}/state`, { token: admin.token });
          expect(state.status).toBe(200);
          expect(state.body).toMatchObject({ roomId: plain.roomId, name: "probe_plain", state: { count: 7, label: "probe" } });
          const richState = await t.api(`/admin/rooms/${rich.roomId}/state`, { token: admin.token });
          expect(richState.body.state).toEqual({ count: 7, label: "probe", hiddenSeats: ["someone"] });
          expect((await t.api("/admin/rooms/nope123/state", { token: admin.token })).status).toBe(404);
          expect((await t.api("/admin/rooms/bad%20id/state", { token: admin.token })).status).toBe(400);

          const audit = await t.api(`/admin/audit?action=admin.room.inspect&actorId=${admin.id}`, { token: admin.token });
          expect(audit.body.items.map((e: { targetId: string }) => e.targetId)).toEqual(expect.arrayContaining([plain.roomId, rich.roomId]));
        } finally {
          await plain.leave();
          await rich.leave();
        }
      });

      it("serves @colyseus/monitor to admins only (bearer token or the session cookie)", async () => {
        const member = await account("member");
        const mod = await account("mod");
        const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers, redirect: "manual" });
        const anonymous = await get("/monitor/api");
        expect(anonymous.status).toBe(401);
        expect((await anonymous.json()).error.code).toBe("unauthorized");
        expect((await get("/monitor/api", { authorization: `Bearer ${member.token}` })).status).toBe(403);
        expect((await get("/monitor/api", { authorization: `Bearer ${mod.token}` })).status).toBe(403);
        expect((await get("/monitor/api", { authorization: "Bearer forged" })).status).toBe(401);
        const api = await get("/monitor/api", { authorization: `Bearer ${admin.token}` });
        expect(api.status).toBe(200);
        expect(await api.json()).toMatchObject({ rooms: expect.any(Array) });
        const page = await get("/monitor/", { authorization: `Bearer ${admin.token}` });
        expect(page.status).toBe(200);
        expect(page.headers.get("content-type")).toContain("text/html");

        expect((await t.api("/admin/monitor/session", { method: "POST", token: mod.token })).status).toBe(403);
        const session = await t.api("/admin/monitor/session", { method: "POST", token: admin.token });
        expect(session.status).toBe(204);
        const cookie = session.headers.get("set-cookie") ?? "";
        expect(cookie).toMatch(/^teezu_monitor=[^;]+; Path=\/monitor; HttpOnly; SameSite=Strict/);
        expect((await get("/monitor/api", { cookie: cookie.split(";")[0]! })).status).toBe(200);

        // The panel can call room methods: each call is audit-logged.
        const room = await new SdkClient(t.url).create("probe_plain", {});
        try {
          const call = await get(`/monitor/api/room/call?roomId=${room.roomId}&method=getAvailableData&args=${encodeURIComponent("[]")}`, { authorization: `Bearer ${admin.token}` });
          expect(call.status).toBe(200);
          expect(await call.json()).toMatchObject({ roomId: room.roomId, clients: 1 });
          const audit = await t.api(`/admin/audit?action=admin.monitor.call&actorId=${admin.id}`, { token: admin.token });
          expect(audit.body.items[0]).toMatchObject({ targetId: room.roomId, details: { method: "getAvailableData" } });
        } finally {
          await room.leave();
        }
      });
    });

    it("documents every route in the OpenAPI document", async () => {
      const doc = await t.api("/openapi.json");
      for (const path of ["/api/v1/streams", "/api/v1/streams/{id}", "/api/v1/streams/{id}/chat", "/api/v1/streams/{id}/key", "/api/v1/streams/{id}/reports", "/api/v1/reports/{id}/resolve", "/api/v1/media", "/api/v1/media/{id}", "/api/v1/admin/rooms", "/api/v1/admin/rooms/{roomId}/state"]) {
        expect(doc.body.paths, path).toHaveProperty([path]);
      }
    });
  });
}
