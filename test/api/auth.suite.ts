// The auth & users acceptance suite (issue 2 "Done when"), run once per store configuration:
// embedded (SQLite, memory cache) and real (MariaDB, Redis).
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";

const SECRET = "test-secret-that-is-long-enough-0123456789";
const ADMIN = { email: "root-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";

export function authSuite(label: string, overrides: () => Promise<Partial<Record<keyof RawEnv, string>>>) {
  describe(`auth & users API (${label})`, () => {
    let t: TestEngine;

    beforeAll(async () => {
      t = await bootEngine({
        JWT_SECRET: SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOGIN_MAX_ATTEMPTS: "3",
        LOGIN_MAX_ATTEMPTS_PER_IP: "5",
        ...(await overrides()),
      });
    });
    afterAll(async () => {
      await t?.stop();
    });

    async function register(extra: Record<string, unknown> = {}) {
      const email = uniqueEmail();
      const res = await t.api("/auth/register", {
        body: { email, password: PASSWORD, displayName: "Sam Doe", birthDate: birthDateYearsAgo(30), ...extra },
      });
      return { email, ...res };
    }

    async function loginAdmin() {
      const res = await t.api("/auth/login", { body: ADMIN });
      expect(res.status).toBe(200);
      return res.body.accessToken as string;
    }

    it("reports healthy and ready", async () => {
      const health = await t.api("/health");
      expect(health.status).toBe(200);
      expect(health.body.status).toBe("ok");
      expect((await t.api("/ready")).status).toBe(200);
    });

    it("registers an adult, logs in and reads /users/me", async () => {
      const reg = await register();
      expect(reg.status).toBe(201);
      expect(reg.body.user).toMatchObject({ email: reg.email, role: "member", walletBalance: 0, isVerified: false, socialMode: null });
      expect(reg.body.user).not.toHaveProperty("passwordHash");
      const login = await t.api("/auth/login", { body: { email: reg.email.toUpperCase(), password: PASSWORD } });
      expect(login.status).toBe(200);
      const me = await t.api("/users/me", { token: login.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: reg.body.user.id, email: reg.email, displayName: "Sam Doe", role: "member", walletBalance: 0, isVerified: false });
    });

    it("refuses anyone under 18 with 403 underage, and accepts an 18th birthday today", async () => {
      const young = await register({ birthDate: birthDateYearsAgo(18, 1) });
      expect(young.status).toBe(403);
      expect(young.body.error.code).toBe("underage");
      const exactly = await register({ birthDate: birthDateYearsAgo(18) });
      expect(exactly.status).toBe(201);
    });

    it("rejects bad input with 400 invalid_request, never a 500", async () => {
      const cases: Array<[string, Parameters<TestEngine["api"]>[1]]> = [
        ["/auth/register", { body: { email: "not-an-email", password: PASSWORD, displayName: "X Y", birthDate: "1990-01-01" } }],
        ["/auth/register", { body: { email: uniqueEmail(), password: "short", displayName: "Sam", birthDate: "1990-01-01" } }],
        ["/auth/register", { body: { email: uniqueEmail(), password: PASSWORD, displayName: "Sam", birthDate: "1990-02-30" } }],
        ["/auth/register", { body: { email: uniqueEmail(), password: PASSWORD, displayName: "Sam", birthDate: "1990-01-01", role: "admin" } }],
        ["/auth/register", { rawBody: "{not json" }],
        ["/auth/register", { body: [1, 2, 3] }],
        ["/auth/login", { body: { email: 5, password: null } }],
        ["/auth/refresh", { body: {} }],
      ];
      for (const [path, init] of cases) {
        const res = await t.api(path, init);
        expect(res.status, JSON.stringify(init)).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(typeof res.body.error.message).toBe("string");
      }
    });

    it("answers unknown routes with a JSON 404", async () => {
      const res = await t.api("/no/such/route");
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    });

    it("refuses a duplicate email, whatever its case, with 409", async () => {
      const first = await register();
      const again = await t.api("/auth/register", {
        body: { email: first.email.toUpperCase(), password: PASSWORD, displayName: "Other", birthDate: "1990-01-01" },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("email_taken");
    });

    // Each test below logs in from its own client address (X-Forwarded-For is trusted from loopback only).
    const from = (ip: string) => ({ "x-forwarded-for": ip });

    it("answers a wrong password with 401 and locks the account after too many failures with 429", async () => {
      const reg = await register();
      for (let i = 0; i < 3; i++) {
        const res = await t.api("/auth/login", { body: { email: reg.email, password: "WrongPass999" }, headers: from(`198.51.100.${i + 1}`) });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe("invalid_credentials");
      }
      // Locked for every address, even with the right password.
      const blocked = await t.api("/auth/login", { body: { email: reg.email, password: PASSWORD }, headers: from("198.51.100.50") });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("limits failed logins per client address across accounts", async () => {
      const ip = from("203.0.113.7");
      for (let i = 0; i < 5; i++) {
        expect((await t.api("/auth/login", { body: { email: uniqueEmail("ghost"), password: "WrongPass999" }, headers: ip })).status).toBe(401);
      }
      const reg = await register();
      expect((await t.api("/auth/login", { body: { email: reg.email, password: PASSWORD }, headers: ip })).status).toBe(429);
      expect((await t.api("/auth/login", { body: { email: reg.email, password: PASSWORD }, headers: from("203.0.113.8") })).status).toBe(200);
    });

    it("refuses tampered, wrongly signed, expired and alg:none tokens with 401", async () => {
      const reg = await register();
      const token: string = reg.body.accessToken;
      const [h, p, s] = token.split(".") as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, "base64url").toString());
      const forged = Buffer.from(JSON.stringify({ ...payload, role: "super_admin" })).toString("base64url");
      const key = new TextEncoder().encode(SECRET);
      const base = () => new SignJWT({ role: "member", use: "access" }).setSubject(reg.body.user.id).setIssuer("teezu-live").setAudience("teezu").setIssuedAt();
      const bad = {
        tampered: `${h}.${forged}.${s}`,
        wrongKey: await base().setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode("another-secret-another-secret-12345")),
        expired: await base().setProtectedHeader({ alg: "HS256" }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key),
        algNone: new UnsecuredJWT({ role: "super_admin", use: "access" }).setSubject(reg.body.user.id).setIssuer("teezu-live").setAudience("teezu").setExpirationTime("5m").encode(),
        garbage: "abc.def.ghi",
      };
      expect((await t.api("/users/me", { token: await base().setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(key) })).status).toBe(200);
      for (const [name, bogus] of Object.entries(bad)) {
        const res = await t.api("/users/me", { token: bogus });
        expect(res.status, name).toBe(401);
      }
      expect((await t.api("/users/me")).status).toBe(401);
    });

    it("rotates refresh tokens and revokes the whole family when one is reused", async () => {
      const reg = await register();
      const first = await t.api("/auth/refresh", { body: { refreshToken: reg.body.refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(reg.body.refreshToken);
      const reuse = await t.api("/auth/refresh", { body: { refreshToken: reg.body.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.error.code).toBe("token_reused");
      // The attacker's reuse also kills the legitimate successor.
      const successor = await t.api("/auth/refresh", { body: { refreshToken: first.body.refreshToken } });
      expect(successor.status).toBe(401);
      // An access token is not a refresh token.
      expect((await t.api("/auth/refresh", { body: { refreshToken: reg.body.accessToken } })).status).toBe(401);
    });

    it("logs out: the refresh token stops working", async () => {
      const reg = await register();
      expect((await t.api("/auth/logout", { body: { refreshToken: reg.body.refreshToken } })).status).toBe(204);
      expect((await t.api("/auth/refresh", { body: { refreshToken: reg.body.refreshToken } })).status).toBe(401);
    });

    it("updates profile and settings, and rejects an unknown social mode", async () => {
      const reg = await register();
      const token = reg.body.accessToken;
      const bad = await t.api("/users/me", { method: "PATCH", token, body: { socialMode: "astronaut" } });
      expect(bad.status).toBe(400);
      const ok = await t.api("/users/me", {
        method: "PATCH",
        token,
        body: { displayName: "Sam Renamed", socialMode: "curious", moodSettings: { mood: "chill" }, notificationPrefs: { marketing: true } },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ displayName: "Sam Renamed", socialMode: "curious" });
      const me = await t.api("/users/me", { token });
      expect(me.body.settings.moodSettings.mood).toBe("chill");
      expect(me.body.settings.notificationPrefs).toMatchObject({ marketing: true, tips: true });
      const profile = await t.api(`/users/${reg.body.user.id}`);
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ displayName: "Sam Renamed", socialMode: "curious" });
      expect(profile.body).not.toHaveProperty("email");
    });

    it("changes the password and signs out other sessions", async () => {
      const reg = await register();
      const wrong = await t.api("/users/me/password", { token: reg.body.accessToken, body: { currentPassword: "Nope12345678", newPassword: "Moonlight2025" } });
      expect(wrong.status).toBe(401);
      const changed = await t.api("/users/me/password", { token: reg.body.accessToken, body: { currentPassword: PASSWORD, newPassword: "Moonlight2025" } });
      expect(changed.status).toBe(200);
      expect((await t.api("/auth/refresh", { body: { refreshToken: reg.body.refreshToken } })).status).toBe(401);
      expect((await t.api("/auth/login", { body: { email: reg.email, password: "Moonlight2025" } })).status).toBe(200);
    });

    it("lets admins manage roles and verification within their rank, audit-logged", async () => {
      const superToken = await loginAdmin();
      const member = await register();
      const memberToken = member.body.accessToken;
      const id = member.body.user.id;
      expect((await t.api("/admin/users", { token: memberToken })).status).toBe(403);
      expect((await t.api(`/admin/users/${id}/role`, { token: memberToken, body: { role: "creator" } })).status).toBe(403);

      const adminUser = await register();
      const promoted = await t.api(`/admin/users/${adminUser.body.user.id}/role`, { token: superToken, body: { role: "admin" } });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe("admin");
      const adminToken = adminUser.body.accessToken; // role is read fresh on every request

      const toCreator = await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role: "creator" } });
      expect(toCreator.status).toBe(200);
      expect((await t.api("/users/me", { token: memberToken })).body.role).toBe("creator");
      expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role: "admin" } })).status).toBe(403);
      expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role: "wizard" } })).status).toBe(400);

      const verified = await t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" });
      expect(verified.status).toBe(200);
      expect(verified.body.isVerified).toBe(true);
      expect((await t.api(`/admin/users/00000000-0000-4000-8000-000000000000/verify`, { token: adminToken, rawBody: "" })).status).toBe(404);

      const list = await t.api(`/admin/users?role=creator&limit=200`, { token: adminToken });
      expect(list.status).toBe(200);
      expect(list.body.items.map((u: { id: string }) => u.id)).toContain(id);

      const audit = await t.api(`/admin/audit?actorId=${adminUser.body.user.id}`, { token: superToken });
      expect(audit.status).toBe(200);
      const actions = audit.body.items.map((a: { action: string }) => a.action);
      expect(actions).toEqual(expect.arrayContaining(["admin.user.role", "admin.user.verify"]));
    });

    it("exports and then erases a user from every store", async () => {
      const reg = await register();
      const token = reg.body.accessToken;
      await t.api("/users/me", { method: "PATCH", token, body: { feedFilters: { safeOnly: true } } });
      const exported = await t.api("/users/me/export", { token });
      expect(exported.status).toBe(200);
      expect(exported.body.data.account.email).toBe(reg.email);
      expect(exported.body.data.settings.feedFilters.safeOnly).toBe(true);

      const del = await t.api("/users/me", { method: "DELETE", token });
      expect(del.status).toBe(202);
      expect((await t.api("/users/me", { token })).status).toBe(401);
      expect((await t.api("/auth/login", { body: { email: reg.email, password: PASSWORD } })).status).toBe(401);
      expect((await t.api(`/users/${reg.body.user.id}`)).status).toBe(404);
      expect(await t.engine.services.stores.docs.get("user_settings", reg.body.user.id)).toBeNull();
      expect((await t.api("/auth/refresh", { body: { refreshToken: reg.body.refreshToken } })).status).toBe(401);
    });

    it("publishes an OpenAPI 3.1 document of every route", async () => {
      const res = await t.api("/openapi.json");
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe("3.1.0");
      for (const path of ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/users/me", "/api/v1/admin/users/{id}/role", "/api/v1/health"]) {
        expect(res.body.paths, path).toHaveProperty([path]);
      }
      const register = res.body.paths["/api/v1/auth/register"].post;
      expect(register.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["email", "password", "birthDate"]));
      expect(register.responses).toHaveProperty("403");
    });
  });
}
