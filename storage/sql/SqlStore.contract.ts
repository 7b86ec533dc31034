// The behaviour every SqlStore must show, whatever the engine. libsql.test.ts and mysql.test.ts
// register this suite against their own database.
import { randomUUID } from "node:crypto";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROLES } from "../../config/roles.ts";
import { Transaction, User } from "./entities.ts";
import { DuplicateError, InvalidCursorError } from "./errors.ts";
import { schemaDrift } from "./migrations/drift.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import type { SqlMigration } from "./migrations/types.ts";
import type { UserPatch, UserRow } from "./repos/users.ts";
import type { SqlStore } from "./SqlStore.ts";

export interface SqlContractTarget {
  /** Opens the suite's database — the same one on every call — applying `migrations` (default: all). */
  open(migrations?: readonly SqlMigration[]): Promise<SqlStore>;
  /** Server URL for scratch databases (MySQL); unset → libSQL temp files. */
  serverUrl?: string;
}

const tag = () => randomUUID().slice(0, 8);

export function sqlStoreContract(name: string, target: SqlContractTarget): void {
  describe(`SqlStore contract: ${name}`, () => {
    let store: SqlStore;

    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    const newUser = (over: Partial<Parameters<SqlStore["users"]["create"]>[0]> = {}) =>
      store.users.create({
        email: `${tag()}@example.com`,
        passwordHash: "$2b$10$hash",
        role: "member",
        displayName: "Someone",
        birthDate: "1990-04-05",
        ...over,
      });

    /** Runs fn with Date frozen at `at` (timers stay real, so I/O is unaffected). */
    async function at<T>(iso: string, fn: () => Promise<T>): Promise<T> {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date(iso));
      try {
        return await fn();
      } finally {
        vi.useRealTimers();
      }
    }

    describe("migrations", () => {
      it("records the applied migrations and a second start changes nothing", async () => {
        const before = (await store.orm.migrator.getExecuted()).map((m) => m.name);
        expect(before).toEqual(MIGRATIONS.map((m) => m.name));
        const user = await newUser();
        await store.close();
        store = await target.open();
        expect((await store.orm.migrator.getExecuted()).map((m) => m.name)).toEqual(before);
        expect(await store.users.byId(user.id)).toEqual(user);
      });

      it("applies a migration added later to the existing database, once", async () => {
        const probe: SqlMigration = {
          name: "9999_contract_probe",
          libsql: ["create table `contract_probe` (`id` integer not null primary key)"],
          mysql: ["create table `contract_probe` (`id` integer not null primary key)"],
        };
        await store.close();
        store = await target.open([...MIGRATIONS, probe]);
        await store.em().execute("insert into contract_probe (id) values (1)");
        await store.close();
        store = await target.open([...MIGRATIONS, probe]);
        expect(await store.em().execute("select id from contract_probe")).toHaveLength(1);
        expect((await store.orm.migrator.getExecuted()).map((m) => m.name)).toContain(probe.name);
      });

      it("builds exactly the schema the entities describe", async () => {
        expect(await schemaDrift(target.serverUrl)).toEqual([]);
      });
    });

    describe("users", () => {
      it("creates a user with platform defaults and reads it back as a plain row", async () => {
        const user = await newUser({ email: `  Mixed.${tag()}@Example.COM `, socialMode: "Dater" });
        expect(user).toMatchObject({
          email: user.email.toLowerCase(),
          role: "member",
          walletBalance: 0,
          isVerified: false,
          walletLocked: false,
          birthDate: "1990-04-05",
          socialMode: "Dater",
        });
        expect(user.email).toBe(user.email.trim());
        const read = await store.users.byId(user.id);
        expect(read).toEqual(user);
        expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
        expect(read!.createdAt).toBeInstanceOf(Date);
        expect(await store.users.byEmail(user.email.toUpperCase())).toEqual(user);
        expect(await store.users.byEmail("nobody@example.com")).toBeNull();
        expect(await store.users.byId(randomUUID())).toBeNull();
      });

      it("rejects a duplicate email, whatever its case, with DuplicateError", async () => {
        const user = await newUser();
        await expect(newUser({ email: user.email })).rejects.toBeInstanceOf(DuplicateError);
        await expect(newUser({ email: user.email.toUpperCase() })).rejects.toMatchObject({
          name: "DuplicateError",
          field: "email",
        });
      });

      it("updates the editable fields and reports unknown ids", async () => {
        const user = await newUser();
        const updated = await store.users.update(user.id, {
          displayName: "Renamed",
          socialMode: "Curious",
          role: "creator",
          isVerified: true,
          walletLocked: true,
          passwordHash: "new-hash",
        });
        expect(updated).toMatchObject({
          displayName: "Renamed",
          socialMode: "Curious",
          role: "creator",
          isVerified: true,
          walletLocked: true,
          passwordHash: "new-hash",
        });
        expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
        expect((await store.users.update(user.id, { socialMode: null }))!.socialMode).toBeNull();
        // Writing the same values in the same millisecond changes no row, yet the user exists.
        const same = await at("2024-07-01T00:00:00.000Z", async () => {
          await store.users.update(user.id, { displayName: "Renamed" });
          return store.users.update(user.id, { displayName: "Renamed" });
        });
        expect(same?.displayName).toBe("Renamed");
        const smuggled = { email: "other@example.com", walletBalance: 99 } as UserPatch;
        expect(await store.users.update(user.id, smuggled)).toMatchObject({ email: user.email, walletBalance: 0 });
        expect(await store.users.update(randomUUID(), { displayName: "x" })).toBeNull();
      });

      it("returns wallet_balance as a JS number, also beyond 32 bits", async () => {
        const user = await newUser();
        const big = 2 ** 40 + 7;
        await store.em().nativeUpdate(User, { id: user.id }, { walletBalance: big });
        const read = await store.users.byId(user.id);
        expect(typeof read!.walletBalance).toBe("number");
        expect(read!.walletBalance).toBe(big);
      });

      it("pages through users without gaps or duplicates, even when created_at ties", async () => {
        const t = `page${tag()}`;
        const created: UserRow[] = [];
        for (const instant of ["2024-03-01T10:00:00.000Z", "2024-03-01T10:00:00.001Z"]) {
          await at(instant, async () => {
            for (let i = 0; i < 6; i++) created.push(await newUser({ displayName: `${t} ${i}` }));
          });
        }
        created.push(await newUser({ displayName: `${t} late` }));
        const expected = [...created]
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
          .map((u) => u.id);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.users.list({ limit: 4, cursor, q: t });
          seen.push(...page.items.map((u) => u.id));
          cursor = page.nextCursor ?? undefined;
          // A sign-up during paging lands after the cursor and is picked up, not duplicated.
          if (pages++ === 0) expected.push((await newUser({ displayName: `${t} during` })).id);
        } while (cursor);
        expect(seen).toEqual(expected);
        expect(pages).toBe(4);
      });

      it("filters the list by role and by a search text taken literally", async () => {
        const t = `q${tag()}`;
        const mod = await newUser({ role: "mod", displayName: `${t} 100%_sure` });
        await newUser({ role: "member", displayName: `${t} 1000 sure` });
        const mods = await store.users.list({ limit: 50, role: "mod", q: t });
        expect(mods.items.map((u) => u.id)).toEqual([mod.id]);
        const literal = await store.users.list({ limit: 50, q: `${t} 100%_` });
        expect(literal.items.map((u) => u.id)).toEqual([mod.id]);
        const byEmail = await store.users.list({ limit: 50, q: mod.email.slice(0, 6).toUpperCase() });
        expect(byEmail.items.map((u) => u.id)).toContain(mod.id);
        await expect(store.users.list({ limit: 5, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("counts users per role, listing every role", async () => {
        const before = await store.users.countByRole();
        expect(Object.keys(before).sort()).toEqual([...ROLES].sort());
        await newUser({ role: "provider" });
        await newUser({ role: "provider" });
        const after = await store.users.countByRole();
        expect(after.provider).toBe(before.provider + 2);
        expect(after.viewer).toBe(before.viewer);
      });

      it("counts sign-ups per UTC day for the user-growth panel", async () => {
        await at("2001-02-03T00:00:00.000Z", () => newUser());
        await at("2001-02-03T23:59:59.999Z", () => newUser());
        await at("2001-02-04T12:00:00.000Z", () => newUser());
        const days = await store.users.signupsPerDay("2001-02-03T00:00:00.000Z");
        expect(days.slice(0, 2)).toEqual([
          { day: "2001-02-03", count: 2 },
          { day: "2001-02-04", count: 1 },
        ]);
        const later = await store.users.signupsPerDay("2001-02-04T00:00:00.000Z");
        expect(later[0]).toEqual({ day: "2001-02-04", count: 1 });
      });

      it("deletes a user", async () => {
        const user = await newUser();
        expect(await store.users.delete(user.id)).toBe(true);
        expect(await store.users.byId(user.id)).toBeNull();
        expect(await store.users.delete(user.id)).toBe(false);
      });
    });

    describe("refresh tokens", () => {
      const inAMinute = () => new Date(Date.now() + 60_000);

      async function issued(userId = randomUUID(), familyId?: string) {
        const family = familyId ?? (await store.refreshTokens.createFamily(userId));
        const id = randomUUID();
        await store.refreshTokens.issue({ id, familyId: family, userId, expiresAt: inAMinute() });
        return { id, userId, familyId: family };
      }

      it("rotates once and reports a second use of the same token as reuse", async () => {
        const t = await issued();
        expect(await store.refreshTokens.consume(t.id)).toEqual({ status: "ok", userId: t.userId, familyId: t.familyId });
        expect(await store.refreshTokens.consume(t.id)).toEqual({
          status: "reused",
          userId: t.userId,
          familyId: t.familyId,
        });
      });

      it("lets exactly one of many concurrent consumes win", async () => {
        const t = await issued();
        const results = await Promise.all(Array.from({ length: 12 }, () => store.refreshTokens.consume(t.id)));
        expect(results.filter((r) => r.status === "ok")).toHaveLength(1);
        expect(results.filter((r) => r.status === "reused")).toHaveLength(11);
      });

      it("rejects tokens of a revoked family, expired tokens and unknown tokens", async () => {
        const t = await issued();
        const sibling = await issued(t.userId, t.familyId);
        await store.refreshTokens.consume(t.id);
        await store.refreshTokens.revokeFamily(t.familyId, "reuse detected");
        expect(await store.refreshTokens.consume(sibling.id)).toEqual({ status: "revoked" });
        expect(await store.refreshTokens.consume(t.id)).toEqual({ status: "revoked" });

        const old = await issued();
        expect(await store.refreshTokens.consume(old.id, new Date(Date.now() + 120_000))).toEqual({ status: "expired" });
        expect(await store.refreshTokens.consume(randomUUID())).toEqual({ status: "missing" });
      });

      it("revokes every family of a user and erases them", async () => {
        const userId = randomUUID();
        const a = await issued(userId);
        const b = await issued(userId);
        const other = await issued();
        await store.refreshTokens.revokeAllForUser(userId, "password changed");
        expect(await store.refreshTokens.consume(a.id)).toEqual({ status: "revoked" });
        expect(await store.refreshTokens.consume(b.id)).toEqual({ status: "revoked" });
        await store.refreshTokens.deleteForUser(userId);
        expect(await store.refreshTokens.consume(a.id)).toEqual({ status: "missing" });
        expect((await store.refreshTokens.consume(other.id)).status).toBe("ok");
      });
    });

    describe("media", () => {
      it("stores, lists newest first and erases a user's media", async () => {
        const userId = randomUUID();
        const first = await at("2024-05-01T00:00:00.000Z", () =>
          store.media.create({ userId, mediaUrl: "https://cdn.example/a.jpg", visibility: "public" }),
        );
        const second = await store.media.create({
          userId,
          mediaUrl: "https://cdn.example/b.jpg",
          caption: "sunset",
          visibility: "members",
        });
        expect(first.caption).toBe("");
        expect(await store.media.byId(second.id)).toEqual(second);
        expect((await store.media.listByUser(userId)).map((m) => m.id)).toEqual([second.id, first.id]);
        expect(await store.media.delete(first.id)).toBe(true);
        expect(await store.media.byId(first.id)).toBeNull();
        expect(await store.media.deleteForUser(userId)).toBe(1);
        expect(await store.media.listByUser(userId)).toEqual([]);
      });
    });

    describe("audit log", () => {
      it("lists entries newest first, filtered, and pages by the last id seen", async () => {
        const actorId = randomUUID();
        const entries = [];
        for (let i = 0; i < 5; i++) {
          // The last two share an instant, so paging must break the tie by id.
          const instant = `2024-06-01T00:00:0${Math.min(i, 3)}.000Z`;
          entries.push(
            await at(instant, () =>
              store.audit.record({
                actorId,
                action: i % 2 ? "user.verify" : "user.role",
                targetType: "user",
                targetId: `u${i}`,
                details: { step: i, nested: { ok: true } },
                ip: "203.0.113.9",
              }),
            ),
          );
        }
        const newestFirst = [...entries].sort(
          (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
        );
        expect(await store.audit.list({ limit: 10, actorId })).toEqual(newestFirst);

        const paged = [];
        let before: string | undefined;
        for (;;) {
          const page = await store.audit.list({ limit: 2, actorId, before });
          if (page.length === 0) break;
          paged.push(...page);
          before = page[page.length - 1]!.id;
        }
        expect(paged).toEqual(newestFirst);

        const verifies = await store.audit.list({ limit: 10, actorId, action: "user.verify" });
        expect(verifies.map((e) => e.targetId)).toEqual(["u3", "u1"]);
        const older = await store.audit.list({ limit: 10, actorId, before: "2024-06-01T00:00:02.000Z" });
        expect(older.map((e) => e.targetId)).toEqual(["u1", "u0"]);
        await expect(store.audit.list({ limit: 1, before: "neither" })).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe("transactions and lifecycle", () => {
      const txRow = (idempotencyKey: string) => ({
        id: randomUUID(),
        senderId: null,
        receiverId: randomUUID(),
        amount: 500,
        status: "completed",
        kind: "topup",
        idempotencyKey,
        createdAt: new Date(),
      });

      it("commits or rolls back as a unit, and keeps idempotency keys unique", async () => {
        const key = `idem-${tag()}`;
        await expect(
          store.transaction(async (em) => {
            await em.insert(Transaction, txRow(key));
            throw new Error("abort");
          }),
        ).rejects.toThrow("abort");
        expect(await store.em().count(Transaction, { idempotencyKey: key })).toBe(0);

        await store.transaction((em) => em.insert(Transaction, txRow(key)));
        const saved = await store.em().findOneOrFail(Transaction, { idempotencyKey: key });
        expect(saved.currency).toBe("TKN");
        expect(saved.amount).toBe(500);
        await expect(store.em().insert(Transaction, txRow(key))).rejects.toBeInstanceOf(
          UniqueConstraintViolationException,
        );
      });

      it("answers ping, and keeps data across close and reopen", async () => {
        await store.ping();
        const user = await newUser();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
        store = await target.open();
        expect(await store.users.byEmail(user.email)).toEqual(user);
      });
    });
  });
}
