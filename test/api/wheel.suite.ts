// The `wheel` room through the real engine and the real SDK (issue 7 "Done when"), run once per
// store configuration: commit before spin, pay once per key, confetti, verification from revealed
// seeds, XP and leaderboards.
import { rmSync } from "node:fs";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import { commitmentOf, verifySpin } from "../../rooms/wheel/fairness.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";

const ADMIN = { email: "wheel-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";
const SEGMENTS = [
  { label: "Song request", weight: 50 },
  { label: "Dance move", weight: 30 },
  { label: "Shout-out", weight: 20 },
];
type Env = Partial<Record<keyof RawEnv, string>>;

export function wheelSuite(label: string, overrides: () => Promise<Env>) {
  describe(`wheel room (${label})`, () => {
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

    async function user(role?: "creator", name = "Alex") {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail("wheel"), password: PASSWORD, displayName: name, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id: string = reg.body.user.id;
      if (role) {
        expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role } })).status).toBe(200);
        expect((await t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
      }
      return { id, token: reg.body.accessToken as string, name };
    }

    async function newStream(creatorToken: string) {
      const res = await t.api("/streams", { token: creatorToken, body: { title: "Sunday acoustic hour" } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    async function join(streamId: string, token: string | null) {
      const client = new SdkClient(t.url);
      if (token) client.auth.token = token;
      const room = await client.joinOrCreate("wheel", { streamId });
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

    /** A configured wheel with its creator's room open. */
    async function wheel(price = 25) {
      const creator = await user("creator", "Cleo");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      await until(() => /^[0-9a-f]{64}$/.test(st(host).commitment ?? ""), "commitment in state");
      const configured = next(host, "configured");
      host.send("configure", { segments: SEGMENTS, price, multiplier: { min: 1, max: 2 } });
      await configured;
      return { creator, streamId, host };
    }

    /** Spins and waits for the reply; a client pacing itself retries after `rate_limited`. */
    async function spin(room: SdkRoom, payload: Record<string, unknown>): Promise<any> {
      for (;;) {
        const outcome = await new Promise<{ type: string; body: any }>((resolve) => {
          const offs = ["spun", "error"].map((type) =>
            room.onMessage(type, (body: any) => {
              offs.forEach((off) => off());
              resolve({ type, body });
            }),
          );
          room.send("spin", payload);
        });
        if (outcome.type === "spun") return outcome.body;
        if (outcome.body.code !== "rate_limited") throw new Error(`spin refused: ${JSON.stringify(outcome.body)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    it("publishes a commitment before any spin, lets only the creator configure, and publishes odds", async () => {
      const creator = await user("creator", "Cleo");
      const streamId = await newStream(creator.token);
      const host = await join(streamId, creator.token);
      await until(() => /^[0-9a-f]{64}$/.test(st(host).commitment ?? ""), "commitment in state");
      expect(st(host)).toMatchObject({ streamId, creatorId: creator.id, price: 0 });
      const member = await user();
      const memberRoom = await join(streamId, member.token);
      const refused = next(memberRoom, "error");
      memberRoom.send("configure", { segments: SEGMENTS, price: 10 });
      expect(await refused).toMatchObject({ code: "forbidden" });
      const early = next(memberRoom, "error");
      memberRoom.send("spin", { key: "too-early" });
      expect(await early).toMatchObject({ code: "not_configured" });

      const commitment = st(host).commitment;
      host.send("configure", { segments: SEGMENTS, price: 10 });
      await until(() => st(memberRoom).segments?.length === 3 && st(memberRoom).price === 10, "configuration in state");
      // No spin used the seed yet, so the commitment stands.
      expect(st(memberRoom).commitment).toBe(commitment);
      expect(st(memberRoom).segments.toArray().map((x: any) => x.odds)).toEqual([0.5, 0.3, 0.2]);
      const http = await t.api(`/wheels/${streamId}`);
      expect(http.body).toMatchObject({ configured: true, price: 10, segments: [{ label: "Song request", odds: 0.5 }, { label: "Dance move", odds: 0.3 }, { label: "Shout-out", odds: 0.2 }] });
      const seeds = await t.api(`/wheels/${streamId}/seeds`);
      expect(seeds.body.items[0]).toMatchObject({ commitment, revealed: false, serverSeed: null });
    });

    it("charges a spin once per key, replies `spun`, sends everyone confetti, and every spin verifies from the revealed seed", async () => {
      const { creator, streamId, host } = await wheel(25);
      const fan = await user(undefined, "Fan");
      await t.engine.services.wallet.devTopup(fan.id, 1000);
      const fanRoom = await join(streamId, fan.token);
      const guest = await join(streamId, null);
      const commitment = st(fanRoom).commitment;

      const confetti = [next(host, "confetti"), next(guest, "confetti"), next(fanRoom, "confetti")];
      const first = await spin(fanRoom, { key: "spin-0001", clientSeed: "my-lucky-seed" });
      expect(first).toMatchObject({ nonce: 0, round: st(fanRoom).round, commitment, clientSeed: "my-lucky-seed", balance: 975, replayed: false });
      expect(first.multiplier).toBeGreaterThanOrEqual(1);
      expect(first.multiplier).toBeLessThanOrEqual(2);
      expect(SEGMENTS[first.segment]!.label).toBe(first.label);
      for (const c of await Promise.all(confetti)) expect(c).toMatchObject({ userId: fan.id, segment: first.segment, label: first.label });

      // The same key again: the same result, no second debit.
      const again = await spin(fanRoom, { key: "spin-0001", clientSeed: "my-lucky-seed" });
      expect(again).toMatchObject({ id: first.id, segment: first.segment, nonce: 0, replayed: true, balance: 975 });
      // The same key twice at once: one debit.
      const [a, b] = await Promise.all([spin(fanRoom, { key: "spin-0002" }), spin(fanRoom, { key: "spin-0002" })]);
      expect(a.id).toBe(b.id);
      for (let i = 3; i <= 10; i++) await spin(fanRoom, { key: `spin-${String(i).padStart(4, "0")}` });
      expect(await t.engine.services.wallet.balanceOf(fan.id)).toBe(1000 - 10 * 25);
      await until(() => st(guest).spins?.length === 10, "ten spins in state");
      expect(st(guest).spins.toArray().map((x: any) => x.nonce)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

      // Rotation reveals the seed; anyone can now recompute every spin from the winner log.
      const rotated = next(host, "rotated");
      host.send("rotate", {});
      const r = await rotated;
      expect(r.commitment).not.toBe(commitment);
      await until(() => st(guest).commitment === r.commitment, "new commitment in state");
      const seeds = (await t.api(`/wheels/${streamId}/seeds`)).body;
      const revealed = seeds.items.find((x: any) => x.round === r.revealedRound);
      expect(revealed).toMatchObject({ commitment, revealed: true, spins: 10 });
      expect(commitmentOf(revealed.serverSeed)).toBe(commitment);
      expect(seeds.items.find((x: any) => x.round === r.round)).toMatchObject({ serverSeed: null, revealed: false });
      const log = (await t.api(`/wheels/${streamId}/spins?limit=50`)).body.items;
      expect(log).toHaveLength(10);
      for (const s of log) {
        expect(s.userId).toBe(fan.id);
        expect(verifySpin({ serverSeed: revealed.serverSeed, commitment: s.commitment, clientSeed: s.clientSeed, nonce: s.nonce, weights: revealed.segments.map((x: any) => x.weight), segment: s.segment }), `spin ${s.nonce}`).toBe(true);
      }
      expect(creator.id).toBe(st(host).creatorId);
    });

    it("refuses spins without funds, by the creator, by guests, and bad or unknown messages, with `error`", async () => {
      const { creator, streamId, host } = await wheel(25);
      const broke = await user(undefined, "Broke");
      const brokeRoom = await join(streamId, broke.token);
      const guest = await join(streamId, null);
      const cases: Array<[SdkRoom, string, unknown, string]> = [
        [brokeRoom, "spin", { key: "no-money" }, "insufficient_funds"],
        [host, "spin", { key: "own-wheel" }, "forbidden"],
        [guest, "spin", { key: "guest" }, "forbidden"],
        [brokeRoom, "spin", {}, "invalid_message"],
        [brokeRoom, "spin", { key: "has spaces" }, "invalid_message"],
        [brokeRoom, "spin", { key: "k".repeat(81) }, "invalid_message"],
        [host, "configure", { segments: [{ label: "Only one", weight: 1 }], price: 5 }, "invalid_message"],
        [host, "configure", { segments: SEGMENTS, price: 0 }, "invalid_message"],
        [host, "configure", { segments: SEGMENTS, price: 5, multiplier: { min: 3, max: 2 } }, "invalid_message"],
        [host, "configure", { segments: [{ label: "Song request", weight: -1 }, { label: "Wave", weight: 1 }], price: 5 }, "invalid_message"],
        [brokeRoom, "rotate", {}, "forbidden"],
        [brokeRoom, "jackpot", {}, "unknown_message"],
      ];
      for (const [room, type, payload, code] of cases) {
        const reply = next(room, "error");
        room.send(type, payload);
        expect(await reply, `${type} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({ code });
      }
      expect(brokeRoom.connection.isOpen && host.connection.isOpen && guest.connection.isOpen).toBe(true);
      await expect(join("00000000-0000-4000-8000-000000000000", broke.token)).rejects.toMatchObject({ code: 404 });
      await expect(join("", broke.token)).rejects.toMatchObject({ code: 400 });
      expect(st(host).spins.length).toBe(0);
      expect(creator.id).toBe(st(host).creatorId);
    });

    it("rotates the seed on a new configuration after spins, so each seed verifies against its own segments", async () => {
      const { streamId, host } = await wheel(10);
      const fan = await user();
      await t.engine.services.wallet.devTopup(fan.id, 100);
      const fanRoom = await join(streamId, fan.token);
      await until(() => st(fanRoom).round > 0, "state at the fan");
      const before = st(fanRoom).round;
      await spin(fanRoom, { key: "before-change" });
      host.send("configure", { segments: [...SEGMENTS, { label: "Wave to the camera", weight: 100 }], price: 10 });
      await until(() => st(fanRoom).round === before + 1 && st(fanRoom).segments.length === 4, "rotation on configure");
      await spin(fanRoom, { key: "after-change" });
      const seeds = (await t.api(`/wheels/${streamId}/seeds`)).body.items;
      expect(seeds.find((x: any) => x.round === before)).toMatchObject({ revealed: true, spins: 1, segments: SEGMENTS });
      expect(seeds.find((x: any) => x.round === before + 1)).toMatchObject({ revealed: false, segments: [...SEGMENTS, { label: "Wave to the camera", weight: 100 }] });
    });

    it("earns XP for spins: tier, achievements, the stream and global leaderboards, and the wheel's state", async () => {
      const { streamId, host } = await wheel(5);
      const fan = await user(undefined, "Lucky Fan");
      await t.engine.services.wallet.devTopup(fan.id, 100);
      const fanRoom = await join(streamId, fan.token);
      const xp = next(fanRoom, "xp");
      await spin(fanRoom, { key: "xp-1" });
      const award = await xp;
      expect(award).toMatchObject({ userId: fan.id, achievements: [expect.objectContaining({ id: "first_spin" })] });
      expect(award.xp).toBeGreaterThanOrEqual(10);
      await spin(fanRoom, { key: "xp-2" });
      await spin(fanRoom, { key: "xp-3" });

      let profile: any;
      await until(async () => (profile = (await t.api("/users/me/gamification", { token: fan.token })).body).counters?.spins === 3, "three spins counted");
      expect(profile.xp).toBeGreaterThanOrEqual(30);
      expect(profile.tier.id).toBe("newcomer");
      expect(profile.achievements.find((a: any) => a.id === "first_spin").unlocked).toBe(true);
      expect(profile.achievements.find((a: any) => a.id === "hot_streak").unlocked).toBe(true);
      const board = await t.api(`/leaderboards/streams/${streamId}`);
      expect(board.body.items[0]).toMatchObject({ rank: 1, userId: fan.id, name: "Lucky Fan", xp: profile.xp });
      const global = await t.api("/leaderboards/global?limit=100");
      expect(global.body.items.some((r: any) => r.userId === fan.id)).toBe(true);
      await until(() => st(host).leaderboard?.[0]?.userId === fan.id, "leaders in the wheel's state");
      const config = await t.api("/gamification");
      expect(config.body.tiers.length).toBeGreaterThan(1);
    });
  });
}
