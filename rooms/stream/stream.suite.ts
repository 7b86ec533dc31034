// The `stream` room through the real engine and the real SDK (issue 3 "Done when"),
// run once per store configuration.
import { rmSync } from "node:fs";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../../test/engine.ts";
import { CLOSE_KICKED, CLOSE_KILLED } from "./StreamRoom.ts";

const ADMIN = { email: "stream-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";
type Env = Partial<Record<keyof RawEnv, string>>;

export function streamSuite(label: string, overrides: () => Promise<Env>, crowd: number) {
  describe(`stream room (${label})`, () => {
    let t: TestEngine;
    let env: Env;
    let adminToken: string;
    const rooms: SdkRoom[] = [];

    beforeAll(async () => {
      env = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WRITE_BEHIND_FLUSH_MS: "100", ...(await overrides()) };
      t = await bootEngine(env);
      adminToken = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    });
    afterAll(async () => {
      await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
      await t?.stop();
      if (t) rmSync(t.dataDir, { recursive: true, force: true });
    });

    async function user(role?: "creator" | "mod", name = "Alex") {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail(role ?? "member"), password: PASSWORD, displayName: name, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id: string = reg.body.user.id;
      if (role) {
        expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role } })).status).toBe(200);
        expect((await t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
      }
      return { id, token: reg.body.accessToken as string, name };
    }

    async function newStream(creatorToken: string, extra: Record<string, unknown> = {}) {
      const res = await t.api("/streams", { token: creatorToken, body: { title: "Evening jazz session", ...extra } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    async function join(streamId: string, token: string | null, options: Record<string, unknown> = {}) {
      const client = new SdkClient(t.url);
      if (token) client.auth.token = token;
      const room = await client.joinOrCreate("stream", { streamId, ...options });
      rooms.push(room);
      return room;
    }

    const next = <T = any>(room: SdkRoom, type: string) =>
      new Promise<T>((resolve) => {
        const off = room.onMessage(type, (m: T) => {
          off();
          resolve(m);
        });
      });

    async function until(check: () => boolean, what: string, ms = 5000) {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const st = (room: SdkRoom) => room.state as any;

    it(`${crowd} viewers join one stream; chat reaches all; viewerCount stays exact through leaves and a reconnect`, async () => {
      const creator = await user("creator", "Cleo");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      const members = await Promise.all(Array.from({ length: 5 }, (_, i) => user(undefined, `Member ${i}`)));
      const memberRooms = await Promise.all(members.map((m) => join(streamId, m.token)));
      const guests = await Promise.all(Array.from({ length: crowd - 6 }, () => join(streamId, null)));
      const everyone = [host, ...memberRooms, ...guests];
      expect(new Set(everyone.map((r) => r.roomId)).size).toBe(1);
      await until(() => everyone.every((r) => st(r).viewerCount === crowd), `viewerCount ${crowd} everywhere`);

      memberRooms[0]!.send("chat", { text: "Hello everyone, lovely music tonight" });
      await until(() => everyone.every((r) => st(r).chat.some((l: any) => l.text === "Hello everyone, lovely music tonight")), "chat line everywhere");
      const line = st(guests[0]!).chat.find((l: any) => l.kind === "chat");
      expect(line).toMatchObject({ userId: members[0]!.id, name: "Member 0", kind: "chat" });

      const leaving = guests.splice(0, 20);
      await Promise.all(leaving.map((r) => r.leave()));
      await until(() => st(host).viewerCount === crowd - 20, "count after leaves");

      // A dropped connection keeps its seat while it may reconnect, and gets the full state back.
      const dropped = memberRooms[1]!;
      dropped.reconnection.enabled = false;
      const token = dropped.reconnectionToken;
      await dropped.leave(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(st(host).viewerCount).toBe(crowd - 20);
      const back = await new SdkClient(t.url).reconnect(token);
      rooms.push(back);
      await until(() => st(back).chat?.length > 0, "state after reconnect");
      expect(st(back).viewerCount).toBe(crowd - 20);
      expect(st(back).chat.some((l: any) => l.text === "Hello everyone, lovely music tonight")).toBe(true);
    });

    it("limits a flooding client and tells it, without disconnecting it", async () => {
      const creator = await user("creator");
      const streamId = await newStream(creator.token);
      const flooder = await user();
      const room = await join(streamId, flooder.token);
      const codes: string[] = [];
      room.onMessage("error", (e: { code: string }) => codes.push(e.code));
      const words = ["apple", "river", "candle", "orbit", "maple", "violin", "harbor", "pepper", "lantern", "meadow", "copper", "falcon"];
      for (const w of words) room.send("chat", { text: `my favourite word today is ${w}` });
      const accepted = () => st(room).chat?.filter((l: any) => l.kind === "chat").length ?? 0;
      await until(() => codes.length >= 7 && accepted() >= 5, "rate-limit errors and accepted lines");
      await new Promise((r) => setTimeout(r, 200));
      expect(codes).toEqual(Array(codes.length).fill("rate_limited"));
      // The burst allowance is 5; a refill can only have let one more through while the burst was processed.
      expect(accepted() + codes.length).toBe(12);
      expect(accepted()).toBeLessThanOrEqual(6);
      expect(room.connection.isOpen).toBe(true);
    });

    it("refuses chat from viewers, moderation from members, mood from non-creators, and bad messages", async () => {
      const creator = await user("creator");
      const streamId = await newStream(creator.token);
      const member = await user();
      const guest = await join(streamId, null);
      const mem = await join(streamId, member.token);
      const expectError = async (room: SdkRoom, type: string, payload: unknown, code: string) => {
        const reply = next(room, "error");
        room.send(type, payload);
        expect(await reply, `${type} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({ code });
      };
      await expectError(guest, "chat", { text: "hi there" }, "forbidden");
      await expectError(mem, "moderate", { action: "mute", userId: creator.id }, "forbidden");
      await expectError(mem, "panic", {}, "forbidden");
      await expectError(mem, "mood", { mood: "chill", intensity: 20 }, "forbidden");
      await expectError(mem, "chat", {}, "invalid_message");
      await expectError(mem, "chat", { text: "" }, "invalid_message");
      await expectError(mem, "chat", { text: "   " }, "invalid_message");
      // A second member: invalid lines still spend the first one's chat allowance.
      const mem2 = await join(streamId, (await user()).token);
      await expectError(mem2, "chat", { text: "x".repeat(501) }, "invalid_message");
      await expectError(mem2, "chat", { text: "y".repeat(10_000) }, "invalid_message");
      await expectError(mem2, "chat", { text: 42 }, "invalid_message");
      await expectError(mem, "moderate", { action: "explode" }, "invalid_message");
      await expectError(mem, "dance", { style: "salsa" }, "unknown_message");
      expect(mem.connection.isOpen && guest.connection.isOpen).toBe(true);
    });

    it("shows the moderation panel to the creator and moderators only", async () => {
      const creator = await user("creator");
      const mod = await user("mod");
      const member = await user();
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      const modRoom = await join(streamId, mod.token);
      const memRoom = await join(streamId, member.token);
      const reported = next(memRoom, "reported");
      memRoom.send("report", { reason: "Spamming the chat", userId: mod.id });
      await reported;
      await until(() => st(host).modPanel?.reports?.length === 1 && st(modRoom).modPanel?.reports?.length === 1, "report visible to staff");
      expect(st(host).modPanel.reports[0]).toMatchObject({ reporterId: member.id, reason: "Spamming the chat" });
      expect(st(memRoom).modPanel).toBeUndefined();
    });

    it("lets the creator mute, slow down, delete and ban; a ban holds in the creator's other streams", async () => {
      const creator = await user("creator");
      const member = await user(undefined, "Noisy");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      const mem = await join(streamId, member.token);

      host.send("moderate", { action: "mute", userId: member.id, seconds: 60 });
      await next(mem, "muted");
      const muted = next(mem, "error");
      mem.send("chat", { text: "can anyone hear me" });
      expect(await muted).toMatchObject({ code: "muted" });
      host.send("moderate", { action: "unmute", userId: member.id });
      await next(mem, "unmuted");

      host.send("moderate", { action: "slow", seconds: 30 });
      await next(host, "moderated");
      mem.send("chat", { text: "first line" });
      await until(() => st(host).chat.some((l: any) => l.text === "first line"), "first line");
      const slow = next(mem, "error");
      mem.send("chat", { text: "second line" });
      expect(await slow).toMatchObject({ code: "slow_mode" });

      const lineId = st(host).chat.find((l: any) => l.text === "first line").id;
      host.send("moderate", { action: "delete", messageId: lineId });
      await until(() => !st(mem).chat.some((l: any) => l.id === lineId), "deleted line gone");

      const closed = new Promise<number>((resolve) => mem.onLeave((code) => resolve(code)));
      host.send("moderate", { action: "ban", userId: member.id });
      expect(await closed).toBe(CLOSE_KICKED);
      const other = await newStream(creator.token, { title: "Morning coffee chat" });
      await expect(join(other, member.token)).rejects.toMatchObject({ code: 403 });
    });

    it("panic disconnects everyone at once, records it, and refuses new joins", async () => {
      const creator = await user("creator");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      const viewers = await Promise.all(Array.from({ length: 20 }, () => join(streamId, null)));
      const killed = viewers.map((r) => next(r, "killed"));
      const closes = viewers.map((r) => new Promise<number>((resolve) => r.onLeave((code) => resolve(code))));
      const started = performance.now();
      host.send("panic", {});
      await Promise.all(killed);
      expect(await Promise.all(closes)).toEqual(viewers.map(() => CLOSE_KILLED));
      console.log(`[measure] panic: ${viewers.length + 1} clients disconnected in ${(performance.now() - started).toFixed(0)} ms`);
      await expect(join(streamId, null)).rejects.toMatchObject({ code: 410 });
      const stream = await t.api(`/streams/${streamId}`, { token: creator.token });
      expect(stream.body.status).toBe("killed");
      const audit = await t.api(`/admin/audit?action=stream.panic`, { token: adminToken });
      expect(audit.body.items.some((a: any) => a.targetId === streamId)).toBe(true);
    });

    it("goes live on the ingest event, lists its viewer count, hides admins who watch hidden, and records stats at the end", async () => {
      const creator = await user("creator");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      const viewers = await Promise.all(Array.from({ length: 3 }, () => join(streamId, null)));
      const member = await user();
      const memRoom = await join(streamId, member.token);
      await expect(join(streamId, member.token, { hidden: true })).rejects.toMatchObject({ code: 403 });
      const hidden = await join(streamId, adminToken, { hidden: true });
      await until(() => st(host).viewerCount === 5, "count without the hidden admin");
      const denied = next(hidden, "error");
      hidden.send("chat", { text: "observing quietly" });
      expect(await denied).toMatchObject({ code: "forbidden" });

      await t.engine.services.streams.setStatus(streamId, "live");
      await t.engine.services.events.publish({ type: "stream.published", streamId, hlsUrl: `/hls/${streamId}/index.m3u8` });
      await until(() => st(memRoom).status === "live" && st(memRoom).hlsUrl.endsWith("index.m3u8"), "live status in the room");
      memRoom.send("chat", { text: "Great to see you live" });
      await until(() => st(host).chat.some((l: any) => l.text === "Great to see you live"), "chat line");

      let listed: any;
      for (let i = 0; i < 40 && listed?.viewerCount !== 5; i++) {
        const list = await t.api("/streams?status=live");
        listed = list.body.items.find((s: any) => s.id === streamId);
        if (listed?.viewerCount !== 5) await new Promise((r) => setTimeout(r, 100));
      }
      expect(listed).toMatchObject({ id: streamId, status: "live", viewerCount: 5 });

      await Promise.all([host, ...viewers, memRoom, hidden].map((r) => r.leave()));
      let stream: any;
      for (let i = 0; i < 40 && !(stream?.chatLines >= 2); i++) {
        await new Promise((r) => setTimeout(r, 100));
        stream = (await t.api(`/streams/${streamId}`, { token: creator.token })).body;
      }
      expect(stream).toMatchObject({ peakViewers: 5 });
      expect(stream.chatLines).toBeGreaterThanOrEqual(2); // the system "live" line and the member's line
    });

    it("takes tips once per key, moves the goal and leaderboard, announces menu items, and refuses what cannot be paid", async () => {
      const creator = await user("creator", "Cleo");
      const fan = await user(undefined, "Fan");
      const streamId = await newStream(creator.token);
      expect((await t.api(`/streams/${streamId}/goal`, { method: "PUT", token: creator.token, body: { label: "New guitar strings", target: 100, next: [{ label: "Extra encore", target: 50 }] } })).status).toBe(200);
      const item = await t.api("/tip-menu", { token: creator.token, body: { label: "Song request", price: 25 } });
      expect(item.status).toBe(201);
      expect((await t.api("/wallet/topups", { token: fan.token, body: { packageId: "tkn-500" } })).status).toBe(201);

      const host = await join(streamId, creator.token);
      const fanRoom = await join(streamId, fan.token);
      const guest = await join(streamId, null);
      await until(() => st(fanRoom).tipGoal?.label === "New guitar strings" && st(fanRoom).tipMenu?.length === 1, "goal and menu in state");

      const confetti = next(guest, "confetti");
      const tipped = next(fanRoom, "tipped");
      fanRoom.send("tip", { amount: 90, key: "tip-1" });
      expect(await tipped).toEqual({ amount: 90, balance: 410 });
      expect(await confetti).toMatchObject({ userId: fan.id, amount: 90 });
      // The same key again: nothing more is debited and the reply is identical.
      const again = next(fanRoom, "tipped");
      fanRoom.send("tip", { amount: 90, key: "tip-1" });
      expect(await again).toEqual({ amount: 90, balance: 410 });

      const menuTip = next(fanRoom, "tipped");
      fanRoom.send("tip", { amount: 25, key: "tip-2", itemId: item.body.id });
      expect(await menuTip).toEqual({ amount: 25, balance: 385 });
      await until(() => st(host).tipGoal.label === "Extra encore" && st(host).tipGoal.current === 15, "goal rolled over with the surplus");
      expect(st(host).leaderboard.map((r: any) => ({ userId: r.userId, total: r.total }))).toEqual([{ userId: fan.id, total: 115 }]);
      // Each client's copy arrives on its own socket: the guest's (topic) may trail the host's.
      await until(() => st(guest).chat.length >= 3, "tip lines reach the guest");
      const lines = st(guest).chat.map((l: any) => l.text);
      expect(lines).toEqual(expect.arrayContaining(["Fan tipped 90 TKN", 'Fan tipped 25 TKN for "Song request"', "Goal reached: New guitar strings!"]));
      expect(st(guest).chat.filter((l: any) => l.kind === "tip")).toHaveLength(2);

      const expectError = async (payload: unknown, code: string, room = fanRoom) => {
        const reply = next(room, "error");
        room.send("tip", payload);
        expect(await reply, JSON.stringify(payload)).toMatchObject({ code });
      };
      await expectError({ amount: 10_000, key: "tip-3" }, "insufficient_funds");
      await expectError({ amount: 30, key: "tip-4", itemId: item.body.id }, "invalid_amount");
      await expectError({ amount: 50, key: "tip-1" }, "idempotency_conflict");
      await expectError({ amount: 1.5, key: "tip-5" }, "invalid_message");
      await expectError({ amount: -5, key: "tip-6" }, "invalid_message");
      await expectError({ amount: 5 }, "invalid_message");
      await expectError({ amount: 5, key: "tip-7" }, "forbidden", guest);
      await expectError({ amount: 5, key: "tip-8" }, "forbidden", host);

      const wallet = await t.api("/wallet", { token: fan.token });
      expect(wallet.body.balance).toBe(385);
    });

    it("keeps chat history readable over HTTP after the room disposes and after a restart", async () => {
      const creator = await user("creator");
      const member = await user(undefined, "Historian");
      const streamId = await newStream(creator.token);
      const room = await join(streamId, member.token);
      const texts = ["Good evening from Lisbon", "The saxophone solo was great", "Requesting something by Coltrane", "Thanks for the show, goodnight"];
      for (const text of texts) {
        room.send("chat", { text });
        await until(() => st(room).chat?.some((l: any) => l.text === text), text);
      }
      await room.leave();
      const read = async (engine: TestEngine) => {
        const res = await engine.api(`/streams/${streamId}/chat?limit=50`, { token: member.token });
        expect(res.status).toBe(200);
        return res.body.items.filter((l: any) => l.kind === "chat").map((l: any) => l.text);
      };
      let seen: string[] = [];
      for (let i = 0; i < 50 && seen.length < 4; i++) {
        seen = await read(t);
        if (seen.length < 4) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual(texts);

      await t.stop({ keepData: true });
      t = await bootEngine(env, t.dataDir);
      expect(await read(t)).toEqual(texts);
      adminToken = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    });
  });
}
