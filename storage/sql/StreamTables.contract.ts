// The streams, creator bans and reports repositories (migration 0002) on every SQL engine, and
// the media listing with visibility. Registered beside sqlStoreContract by libsql/mysql tests.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DuplicateError, InvalidCursorError } from "./errors.ts";
import type { NewStream, StreamRecord } from "./repos/streams.ts";
import type { SqlContractTarget } from "./SqlStore.contract.ts";
import type { SqlStore } from "./SqlStore.ts";

const key = () => randomBytes(24).toString("base64url");

export function streamTablesContract(name: string, target: SqlContractTarget): void {
  describe(`stream tables contract: ${name}`, () => {
    let store: SqlStore;

    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    const newStream = (over: Partial<NewStream> = {}) =>
      store.streams.create({ creatorId: randomUUID(), title: "Evening show", tags: ["chat", "music"], visibility: "public", explicit: false, streamKey: key(), ...over });

    async function at<T>(iso: string, fn: () => Promise<T>): Promise<T> {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date(iso));
      try {
        return await fn();
      } finally {
        vi.useRealTimers();
      }
    }

    describe("streams", () => {
      it("creates an offline stream and finds it by id and by key", async () => {
        const s = await newStream({ tags: ["a", "ü ñ"], explicit: true, visibility: "members" });
        expect(s).toMatchObject({ status: "offline", startedAt: null, endedAt: null, peakViewers: 0, chatLines: 0, explicit: true, tags: ["a", "ü ñ"] });
        expect(await store.streams.byId(s.id)).toEqual(s);
        expect(await store.streams.byKey(s.streamKey)).toEqual(s);
        expect(await store.streams.byKey(key())).toBeNull();
        expect(await store.streams.byId(randomUUID())).toBeNull();
      });

      it("refuses a stream key that is already in use", async () => {
        const s = await newStream();
        await expect(newStream({ streamKey: s.streamKey })).rejects.toBeInstanceOf(DuplicateError);
      });

      it("patches title, tags, visibility and explicit, and replaces the key", async () => {
        const s = await newStream();
        const updated = await store.streams.update(s.id, { title: "Late show", tags: [], visibility: "private", explicit: true });
        expect(updated).toMatchObject({ title: "Late show", tags: [], visibility: "private", explicit: true, streamKey: s.streamKey });
        expect(await store.streams.update(randomUUID(), { title: "x" })).toBeNull();
        const next = key();
        expect(await store.streams.setKey(s.id, next)).toBe(true);
        expect(await store.streams.byKey(s.streamKey)).toBeNull();
        expect((await store.streams.byKey(next))?.id).toBe(s.id);
        expect(await store.streams.setKey(randomUUID(), key())).toBe(false);
      });

      it("moves through offline → live → ended, stamping start and end once; ended and killed are final", async () => {
        const s = await newStream();
        const t1 = new Date("2024-09-01T20:00:00.000Z");
        expect(await store.streams.setStatus(s.id, "live", t1)).toBe(true);
        expect(await store.streams.setStatus(s.id, "offline", new Date("2024-09-01T20:05:00.000Z"))).toBe(true);
        expect(await store.streams.setStatus(s.id, "live", new Date("2024-09-01T20:06:00.000Z"))).toBe(true);
        expect((await store.streams.byId(s.id))?.startedAt).toEqual(t1);
        const t2 = new Date("2024-09-01T22:00:00.000Z");
        expect(await store.streams.setStatus(s.id, "ended", t2)).toBe(true);
        expect(await store.streams.setStatus(s.id, "live")).toBe(false);
        expect(await store.streams.setStatus(s.id, "offline")).toBe(false);
        expect(await store.streams.setStatus(s.id, "killed", new Date("2024-09-01T23:00:00.000Z"))).toBe(true);
        expect(await store.streams.byId(s.id)).toMatchObject({ status: "killed", startedAt: t1, endedAt: t2 });
        expect(await store.streams.setStatus(s.id, "ended")).toBe(false);
        expect(await store.streams.setStatus(s.id, "killed")).toBe(false);
        expect(await store.streams.setStatus(randomUUID(), "live")).toBe(false);
      });

      it("folds room sessions into the stats: highest peak, summed chat lines, end only once ended", async () => {
        const s = await newStream();
        const start = new Date("2024-09-02T20:00:00.000Z");
        await store.streams.recordSession(s.id, { startedAt: start, endedAt: new Date("2024-09-02T20:30:00.000Z"), peakViewers: 40, chatLines: 100 });
        expect(await store.streams.byId(s.id)).toMatchObject({ peakViewers: 40, chatLines: 100, startedAt: start, endedAt: null });
        await store.streams.setStatus(s.id, "ended", new Date("2024-09-02T21:00:00.000Z"));
        await store.streams.recordSession(s.id, { startedAt: new Date("2024-09-02T20:40:00.000Z"), endedAt: new Date("2024-09-02T21:01:00.000Z"), peakViewers: 12, chatLines: 5 });
        expect(await store.streams.byId(s.id)).toMatchObject({ peakViewers: 40, chatLines: 105, startedAt: start, endedAt: new Date("2024-09-02T21:00:00.000Z") });
        expect(await store.streams.recordSession(randomUUID(), { startedAt: null, endedAt: new Date(), peakViewers: 1, chatLines: 1 })).toBe(false);
      });

      it("lists live streams first, newest first, paging without gaps even when created_at ties", async () => {
        const creatorId = randomUUID();
        const made: StreamRecord[] = [];
        for (const instant of ["2024-10-01T10:00:00.000Z", "2024-10-01T10:00:00.000Z", "2024-10-01T10:00:01.000Z"]) {
          for (let i = 0; i < 3; i++) made.push(await at(instant, () => newStream({ creatorId })));
        }
        const live = [made[1]!, made[4]!, made[8]!];
        for (const s of live) await store.streams.setStatus(s.id, "live");
        await store.streams.setStatus(made[0]!.id, "ended");
        const byNewest = (a: StreamRecord, b: StreamRecord) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);
        const liveIds = new Set(live.map((s) => s.id));
        const expected = [...made.filter((s) => liveIds.has(s.id)).sort(byNewest), ...made.filter((s) => !liveIds.has(s.id)).sort(byNewest)].map((s) => s.id);

        for (const pageSize of [2, 3, 4, 9, 50]) {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.streams.list({ limit: pageSize, cursor, creatorId });
            seen.push(...page.items.map((s) => s.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(seen, `page size ${pageSize}`).toEqual(expected);
        }
        const onlyLive = await store.streams.list({ limit: 2, creatorId, status: "live" });
        expect(onlyLive.items.every((s) => s.status === "live")).toBe(true);
        const rest = await store.streams.list({ limit: 2, creatorId, status: "live", cursor: onlyLive.nextCursor! });
        expect([...onlyLive.items, ...rest.items].map((s) => s.id)).toEqual(expected.slice(0, 3));
        expect(rest.nextCursor).toBeNull();
        expect((await store.streams.list({ limit: 50, creatorId, status: "ended" })).items.map((s) => s.id)).toEqual([made[0]!.id]);
        await expect(store.streams.list({ limit: 5, cursor: "garbage" })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.streams.list({ limit: 5, cursor: Buffer.from("[7]").toString("base64url") })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("filters the list by visibility and explicitness, except for the caller's own streams", async () => {
        const creatorId = randomUUID();
        const open = await newStream({ creatorId });
        const explicit = await newStream({ creatorId, explicit: true });
        const members = await newStream({ creatorId, visibility: "members" });
        const priv = await newStream({ creatorId, visibility: "private" });
        const ids = async (q: Partial<Parameters<SqlStore["streams"]["list"]>[0]>) =>
          new Set((await store.streams.list({ limit: 50, creatorId, ...q })).items.map((s) => s.id));
        expect(await ids({ visibilities: ["public"], includeExplicit: false })).toEqual(new Set([open.id]));
        expect(await ids({ visibilities: ["public", "members"] })).toEqual(new Set([open.id, explicit.id, members.id]));
        expect(await ids({ visibilities: ["public"], includeExplicit: false, alsoOwnedBy: creatorId })).toEqual(new Set([open.id, explicit.id, members.id, priv.id]));
        expect(await ids({})).toEqual(new Set([open.id, explicit.id, members.id, priv.id]));
      });

      it("names the creators of streams", async () => {
        const user = await store.users.create({ email: `${randomUUID()}@example.com`, passwordHash: "h", role: "creator", displayName: "Nova", birthDate: "1990-01-01" });
        const names = await store.streams.creatorNames([user.id, user.id, randomUUID()]);
        expect([...names]).toEqual([[user.id, "Nova"]]);
        expect((await store.streams.creatorNames([])).size).toBe(0);
      });

      it("lists and deletes a creator's streams", async () => {
        const creatorId = randomUUID();
        const a = await at("2024-11-01T00:00:00.000Z", () => newStream({ creatorId }));
        const b = await newStream({ creatorId });
        const other = await newStream();
        expect((await store.streams.listByCreator(creatorId)).map((s) => s.id)).toEqual([b.id, a.id]);
        expect(new Set(await store.streams.deleteForCreator(creatorId))).toEqual(new Set([a.id, b.id]));
        expect(await store.streams.listByCreator(creatorId)).toEqual([]);
        expect(await store.streams.byId(other.id)).not.toBeNull();
      });
    });

    describe("creator bans", () => {
      it("bans once per creator, answers isBanned, unbans and lists", async () => {
        const creator = randomUUID();
        const user = randomUUID();
        const mod = randomUUID();
        expect(await store.creatorBans.ban(creator, user, mod)).toBe(true);
        expect(await store.creatorBans.ban(creator, user, creator)).toBe(false);
        expect(await store.creatorBans.isBanned(creator, user)).toBe(true);
        expect(await store.creatorBans.isBanned(randomUUID(), user)).toBe(false);
        expect(await store.creatorBans.listForCreator(creator)).toEqual([expect.objectContaining({ creatorId: creator, userId: user, byUserId: mod })]);
        expect(await store.creatorBans.unban(creator, user)).toBe(true);
        expect(await store.creatorBans.unban(creator, user)).toBe(false);
        expect(await store.creatorBans.isBanned(creator, user)).toBe(false);
      });

      it("erases a user as creator and as banned user, and forgets them as the one who banned", async () => {
        const user = randomUUID();
        const other = randomUUID();
        const third = randomUUID();
        await store.creatorBans.ban(user, other, user);
        await store.creatorBans.ban(other, user, other);
        await store.creatorBans.ban(other, third, user);
        expect(await store.creatorBans.listInvolving(user)).toHaveLength(3);
        await store.creatorBans.eraseUser(user);
        expect(await store.creatorBans.listInvolving(user)).toEqual([]);
        expect(await store.creatorBans.listForCreator(other)).toEqual([expect.objectContaining({ userId: third, byUserId: null })]);
      });
    });

    describe("reports", () => {
      it("files, lists open ones oldest first, and closes each exactly once", async () => {
        const streamId = randomUUID();
        const first = await at("2024-12-01T00:00:00.000Z", () => store.reports.create({ streamId, reporterId: randomUUID(), reason: "spam" }));
        const second = await store.reports.create({ streamId, reporterId: randomUUID(), targetUserId: randomUUID(), messageId: "m-1", reason: "x".repeat(600) });
        expect(second.reason).toHaveLength(500);
        expect(await store.reports.byId(second.id)).toEqual(second);
        expect((await store.reports.listForStream(streamId, "open")).map((r) => r.id)).toEqual([first.id, second.id]);
        const mod = randomUUID();
        expect(await store.reports.close(first.id, "dismissed", mod)).toBe(true);
        expect(await store.reports.close(first.id, "resolved", mod)).toBe(false);
        expect(await store.reports.byId(first.id)).toMatchObject({ status: "dismissed", resolvedBy: mod });
        expect((await store.reports.listForStream(streamId, "open")).map((r) => r.id)).toEqual([second.id]);
        expect(await store.reports.listForStream(streamId, undefined)).toHaveLength(2);
        expect(await store.reports.close(randomUUID(), "resolved", mod)).toBe(false);
      });

      it("erases a reporter's reports and unnames an erased target", async () => {
        const user = randomUUID();
        const streamId = randomUUID();
        await store.reports.create({ streamId, reporterId: user, reason: "mine" });
        const about = await store.reports.create({ streamId, reporterId: randomUUID(), targetUserId: user, reason: "about" });
        expect(await store.reports.listByReporter(user)).toHaveLength(1);
        await store.reports.eraseUser(user);
        expect(await store.reports.listByReporter(user)).toEqual([]);
        expect(await store.reports.byId(about.id)).toMatchObject({ targetUserId: null, reason: "about" });
        expect(await store.reports.deleteForStreams([streamId])).toBe(1);
      });
    });

    describe("media listing", () => {
      it("lists newest first by the visibilities given, the owner's own always, paged", async () => {
        const userId = randomUUID();
        const made = [];
        for (const visibility of ["public", "members", "private", "public", "members"] as const) {
          made.push(await store.media.create({ userId, mediaUrl: "https://cdn.example/x.jpg", visibility }));
        }
        const ids = async (q: Partial<Parameters<SqlStore["media"]["list"]>[0]>) => {
          const out: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.media.list({ limit: 2, userId, visibilities: ["public"], ...q, cursor });
            out.push(...page.items.map((m) => m.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          return out;
        };
        const newestFirst = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
        expect(await ids({})).toEqual(newestFirst.filter((m) => m.visibility === "public").map((m) => m.id));
        expect(await ids({ visibilities: ["public", "members"] })).toEqual(newestFirst.filter((m) => m.visibility !== "private").map((m) => m.id));
        expect(await ids({ alsoOwnedBy: userId })).toEqual(newestFirst.map((m) => m.id));
      });
    });
  });
}
