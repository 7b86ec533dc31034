// The `dm` room through the real engine and the real SDK (issue 7 "Done when"), run once per store
// configuration: encrypted exchange, ciphertext-only storage, typing, pay-per-view, safeword.
import { rmSync } from "node:fs";
import { matchMaker } from "@colyseus/core";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import { CLOSE_BLOCKED, CLOSE_SAFEWORD } from "../../rooms/dm/DmRoom.ts";
import { conversationKey, generateDeviceKeys, open, openPaid, seal, sealPaid, type DeviceKeys } from "../../rooms/dm/e2ee.ts";
import { CONVERSATIONS, messagesCollection } from "../../rooms/dm/ConversationStore.ts";
import { pairKey, typingKey } from "../../rooms/dm/logic.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";

const ADMIN = { email: "dm-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";
type Env = Partial<Record<keyof RawEnv, string>>;

interface Person {
  id: string;
  token: string;
  keys: DeviceKeys;
}

export function dmSuite(label: string, overrides: () => Promise<Env>) {
  describe(`dm room (${label})`, () => {
    let t: TestEngine;
    let adminToken: string;
    const rooms: SdkRoom[] = [];

    beforeAll(async () => {
      t = await bootEngine({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WRITE_BEHIND_FLUSH_MS: "100", ...(await overrides()) });
      adminToken = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    });
    afterAll(async () => {
      await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
      await t?.stop();
      if (t) rmSync(t.dataDir, { recursive: true, force: true });
    });

    /** A registered adult with published DM keys. */
    async function person(role?: "creator" | "viewer", name = "Alex"): Promise<Person> {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail("dm"), password: PASSWORD, displayName: name, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id: string = reg.body.user.id;
      if (role) expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role } })).status).toBe(200);
      if (role === "creator") expect((await t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
      const keys = await generateDeviceKeys();
      if (role !== "viewer") expect((await t.api("/users/me/keys", { method: "PUT", token: reg.body.accessToken, body: { publicKey: keys.publicKey } })).status).toBe(200);
      return { id, token: reg.body.accessToken as string, keys };
    }

    /** What a client does before its first message: fetch the peer's public key and derive the conversation key. */
    async function keyWith(me: Person, peer: Person): Promise<CryptoKey> {
      const res = await t.api(`/users/${peer.id}/keys`, { token: me.token });
      expect(res.status).toBe(200);
      return conversationKey(me.keys.privateKey, res.body.publicKey, pairKey(me.id, peer.id));
    }

    async function join(me: Person, peer: Person | string) {
      const client = new SdkClient(t.url);
      client.auth.token = me.token;
      const room = await client.joinOrCreate("dm", { peerId: typeof peer === "string" ? peer : peer.id });
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

    async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const st = (room: SdkRoom) => room.state as any;
    const messages = (room: SdkRoom): any[] => st(room).messages?.toArray?.() ?? [];

    it("two members exchange end-to-end encrypted messages in one room; the store holds only ciphertext", async () => {
      const [ana, ben] = [await person(undefined, "Ana"), await person(undefined, "Ben")];
      const roomA = await join(ana, ben);
      const roomB = await join(ben, ana);
      expect(roomB.roomId).toBe(roomA.roomId);
      await until(() => st(roomB).participants?.length === 2, "participants");
      expect([...st(roomB).participants].sort()).toEqual([ana.id, ben.id].sort());

      const [kAna, kBen] = [await keyWith(ana, ben), await keyWith(ben, ana)];
      const lines = ["Are we still on for the pottery class on Saturday?", "Yes! I booked the 10 am slot for both of us"];
      const sent = next(roomA, "sent");
      roomA.send("send", await seal(kAna, lines[0]!));
      const { id: firstId } = await sent;
      await until(() => messages(roomB).length === 1, "first message at Ben");
      const first = messages(roomB)[0];
      expect(first).toMatchObject({ id: firstId, from: ana.id, price: 0, locked: false });
      expect(await open(kBen, first)).toBe(lines[0]);

      roomB.send("send", await seal(kBen, lines[1]!));
      await until(() => messages(roomA).length === 2, "reply at Ana");
      expect(await open(kAna, messages(roomA)[1])).toBe(lines[1]);

      // Read receipt: Ana has read Ben's reply.
      roomA.send("read", { messageId: messages(roomA)[1].id });
      await until(() => st(roomB).reads?.get?.(ana.id)?.messageId === messages(roomB)[1].id, "read receipt at Ben");

      // The stored conversation (SPEC §4 shape) and every stored message: ciphertext, never the words.
      await until(async () => (await t.engine.services.dm.conversations.page(pairKey(ana.id, ben.id), { limit: 10 })).items.length === 2, "messages stored", 8000);
      const docs = t.engine.services.stores.docs;
      await until(async () => ((await docs.get(CONVERSATIONS, pairKey(ana.id, ben.id)))?.reads as Record<string, unknown> | undefined)?.[ana.id] !== undefined, "conversation stored", 8000);
      const convo = await docs.get(CONVERSATIONS, pairKey(ana.id, ben.id));
      expect(convo).toMatchObject({ id: pairKey(ana.id, ben.id), last_message: { from: ben.id } });
      expect(convo).toHaveProperty("typing_indicator");
      expect([...(convo!.participants as string[])].sort()).toEqual([ana.id, ben.id].sort());
      const stored = JSON.stringify([convo, await docs.query(messagesCollection(pairKey(ana.id, ben.id)))]);
      for (const word of ["pottery", "Saturday", "booked", "10 am"]) expect(stored).not.toContain(word);
      expect(stored).toContain(first.ciphertext);

      // Paginated history over HTTP, and the conversation list.
      const page1 = await t.api(`/dm/${ben.id}/messages?limit=1`, { token: ana.token });
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(1);
      expect(await open(kAna, page1.body.items[0])).toBe(lines[1]);
      const page2 = await t.api(`/dm/${ben.id}/messages?limit=1&before=${page1.body.nextBefore}`, { token: ana.token });
      expect(await open(kAna, page2.body.items[0])).toBe(lines[0]);
      expect(page2.body.nextBefore).toBeNull();
      const list = await t.api("/dm", { token: ben.token });
      expect(list.body.items[0]).toMatchObject({ id: pairKey(ana.id, ben.id), peerId: ana.id });

      // A new session of the pair starts from the stored tail.
      await Promise.all([roomA.leave(), roomB.leave()]);
      await until(() => !matchMaker.getLocalRoomById(roomA.roomId), "room disposed");
      const back = await join(ben, ana);
      await until(() => messages(back).length === 2, "history in the new session");
      expect(await open(kBen, messages(back)[0])).toBe(lines[0]);
      expect(st(back).reads.get(ana.id)?.messageId).toBe(messages(back)[1].id);
    });

    it("shows typing in state and in chat:{id}:typing, and clears it by itself after 5 s", async () => {
      const [ana, ben] = [await person(), await person()];
      const roomA = await join(ana, ben);
      const roomB = await join(ben, ana);
      const cache = t.engine.services.stores.cache;
      const key = typingKey(pairKey(ana.id, ben.id));

      roomA.send("typing", {});
      await until(() => st(roomB).typing?.includes(ana.id), "typing at Ben");
      await until(async () => (await cache.zRangeByScore(key, Date.now(), Infinity)).includes(ana.id), "typing in the cache");
      expect(await cache.ttl(key)).toBeGreaterThan(0);
      const started = Date.now();
      await until(() => st(roomB).typing?.length === 0, "typing to expire", 8000);
      const lasted = Date.now() - started;
      expect(lasted).toBeGreaterThan(3500);
      expect(await cache.zRangeByScore(key, Date.now(), Infinity)).toEqual([]);

      // Sending a message ends typing at once.
      roomB.send("typing", {});
      await until(() => st(roomA).typing?.includes(ben.id), "Ben typing");
      roomB.send("send", await seal(await keyWith(ben, ana), "Done typing"));
      await until(() => st(roomA).typing?.length === 0 && messages(roomA).length === 1, "typing cleared by the message", 1500);
    });

    it("keeps a pay-per-view message unreadable until unlock, and charges it once", async () => {
      const creator = await person("creator", "Cleo");
      const fan = await person(undefined, "Fan");
      await t.engine.services.wallet.devTopup(fan.id, 500);
      const roomC = await join(creator, fan);
      const roomF = await join(fan, creator);
      const [kCreator, kFan] = [await keyWith(creator, fan), await keyWith(fan, creator)];

      const paid = await sealPaid(kCreator, "Tonight's setlist: three acoustic covers");
      const sent = next(roomC, "sent");
      roomC.send("send", { ...paid, price: 40 });
      const { id } = await sent;
      await until(() => messages(roomF).length === 1, "paid message at the fan");
      const locked = messages(roomF)[0];
      expect(locked).toMatchObject({ id, price: 40, locked: true, key: "" });
      await expect(open(kFan, locked)).rejects.toThrow();
      // History is written behind the room: wait for the line to reach the store.
      let before: any;
      await until(async () => (before = await t.api(`/dm/${creator.id}/messages`, { token: fan.token })).body.items.length === 1, "paid message stored", 8000);
      expect(before.body.items[0]).toMatchObject({ id, locked: true, wrappedKey: null });

      const unlocked = next(roomF, "unlocked");
      roomF.send("unlock", { messageId: id, key: "unlock-setlist-1" });
      const reply = await unlocked;
      expect(reply).toMatchObject({ messageId: id, charged: true, balance: 460 });
      expect(await openPaid(kFan, locked, reply.key)).toBe("Tonight's setlist: three acoustic covers");
      await until(() => messages(roomC)[0]?.locked === false, "unlocked in state");

      // The same key again, and another key: no second debit.
      for (const key of ["unlock-setlist-1", "unlock-setlist-2"]) {
        const again = next(roomF, "unlocked");
        roomF.send("unlock", { messageId: id, key });
        expect(await again).toMatchObject({ messageId: id, charged: false, key: reply.key });
      }
      expect(await t.engine.services.wallet.balanceOf(fan.id)).toBe(460);
      const after = await t.api(`/dm/${creator.id}/messages`, { token: fan.token });
      expect(after.body.items[0]).toMatchObject({ id, locked: false, wrappedKey: reply.key });

      // Only creators price messages; nobody unlocks their own; an empty wallet is refused.
      const refused = next(roomF, "error");
      roomF.send("send", { ...(await sealPaid(kFan, "Pay me back")), price: 5 });
      expect(await refused).toMatchObject({ code: "forbidden" });
      const own = next(roomC, "error");
      roomC.send("unlock", { messageId: id, key: "own-1" });
      expect(await own).toMatchObject({ code: "own_message" });
      const broke = await person(undefined, "Broke");
      const roomBC = await join(creator, broke);
      const roomB = await join(broke, creator);
      const sentToBroke = next(roomBC, "sent");
      roomBC.send("send", { ...(await sealPaid(await keyWith(creator, broke), "Bonus track notes")), price: 40 });
      const { id: brokeMsg } = await sentToBroke;
      const poor = next(roomB, "error");
      roomB.send("unlock", { messageId: brokeMsg, key: "no-money" });
      expect(await poor).toMatchObject({ code: "insufficient_funds" });
    });

    it("ends both sessions at once on the safe word and blocks the peer", async () => {
      const [ana, ben] = [await person(), await person()];
      const roomA = await join(ana, ben);
      const roomB = await join(ben, ana);
      const roomB2 = await join(ben, ana);
      const everyone = [roomA, roomB, roomB2];
      const ended = everyone.map((r) => next(r, "ended"));
      const closed = everyone.map((r) => new Promise<number>((resolve) => r.onLeave((code) => resolve(code))));
      roomA.send("safeword", {});
      expect(await Promise.all(ended)).toEqual(everyone.map(() => ({ reason: "safeword", by: ana.id })));
      expect(await Promise.all(closed)).toEqual(everyone.map(() => CLOSE_SAFEWORD));
      await expect(join(ben, ana)).rejects.toMatchObject({ code: 403 });
      await expect(join(ana, ben)).rejects.toMatchObject({ code: 403 });
      const blocks = await t.api("/users/me/blocks", { token: ana.token });
      expect(blocks.body.items).toEqual([expect.objectContaining({ userId: ben.id, reason: "safeword" })]);
    });

    it("ends a live conversation when one side blocks the other over HTTP", async () => {
      const [ana, ben] = [await person(), await person()];
      const roomA = await join(ana, ben);
      const roomB = await join(ben, ana);
      const closed = [roomA, roomB].map((r) => new Promise<number>((resolve) => r.onLeave((code) => resolve(code))));
      expect((await t.api(`/users/${ana.id}/block`, { token: ben.token, rawBody: "" })).status).toBe(204);
      expect(await Promise.all(closed)).toEqual([CLOSE_BLOCKED, CLOSE_BLOCKED]);
      await expect(join(ana, ben)).rejects.toMatchObject({ code: 403 });
      expect((await t.api(`/users/${ana.id}/block`, { method: "DELETE", token: ben.token })).status).toBe(204);
      const again = await join(ana, ben);
      expect(again.connection.isOpen).toBe(true);
    });

    it("refuses guests, viewers, self-talk and unknown peers; answers bad and unknown messages with `error`", async () => {
      const [ana, ben] = [await person(), await person()];
      const viewer = await person("viewer");
      const guest = new SdkClient(t.url);
      await expect(guest.joinOrCreate("dm", { peerId: ana.id })).rejects.toMatchObject({ code: 401 });
      await expect(join(viewer, ana)).rejects.toMatchObject({ code: 403 });
      await expect(join(ana, viewer)).rejects.toMatchObject({ code: 403 });
      await expect(join(ana, ana)).rejects.toMatchObject({ code: 400 });
      await expect(join(ana, "not-a-user-id")).rejects.toMatchObject({ code: 400 });
      await expect(join(ana, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: 404 });
      expect((await t.api(`/users/${viewer.id}/keys`, { token: ana.token })).status).toBe(404);
      expect((await t.api("/users/me/keys", { method: "PUT", token: ana.token, body: { publicKey: "too-short" } })).status).toBe(400);

      const room = await join(ana, ben);
      const cases: Array<[string, unknown, string]> = [
        ["send", {}, "invalid_message"],
        ["send", { ciphertext: "not base64 at all!", nonce: "AAAAAAAAAAAAAAAA" }, "invalid_message"],
        ["send", { ciphertext: "AAAA", nonce: "AAAA" }, "invalid_message"],
        ["send", { ciphertext: "AAAA", nonce: "AAAAAAAAAAAAAAAA", price: 5 }, "invalid_message"],
        ["send", { ciphertext: "A".repeat(20_000), nonce: "AAAAAAAAAAAAAAAA" }, "invalid_message"],
        ["typing", { who: "me" }, "invalid_message"],
        ["unlock", { messageId: "nope" }, "invalid_message"],
        ["unlock", { messageId: "nope", key: "k1" }, "invalid_message"],
        ["unlock", { messageId: "0000000000000000000", key: "k1" }, "not_found"],
        ["read", { messageId: "nope" }, "invalid_message"],
        ["read", { messageId: "zzzzzzzzzzzzzzzzzzz" }, "not_found"],
        ["read", { messageId: "messages/../abcdefgh12" }, "invalid_message"],
        ["unlock", { messageId: "a/b/c/d/e/f/g/h/i/j", key: "k1" }, "invalid_message"],
        ["hug", {}, "unknown_message"],
      ];
      for (const [type, payload, code] of cases) {
        const reply = next(room, "error");
        room.send(type, payload);
        expect(await reply, `${type} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({ code });
      }
      expect(room.connection.isOpen).toBe(true);
    });
  });
}
