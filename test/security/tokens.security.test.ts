// Token attacks beyond test/api/auth.suite.ts (which covers a tampered payload, a wrong key, expiry,
// alg:none and refresh reuse on HTTP): algorithm confusion, header tricks, claim tampering with a
// valid signature, tokens in the wrong place, the same attacks on room joins, refresh races, and
// login brute force from many addresses and in parallel.
import { createHmac } from "node:crypto";
import { Client as SdkClient } from "@colyseus/sdk";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { birthDateYearsAgo, uniqueEmail } from "../engine.ts";
import { PASSWORD } from "../fuzz/actors.ts";
import { SECRET, securityWorld } from "./world.ts";

const w = securityWorld("tokens", { LOGIN_MAX_ATTEMPTS: "3", LOGIN_MAX_ATTEMPTS_PER_IP: "1000" });
const key = new TextEncoder().encode(SECRET);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A token with any header and claims, HMAC-signed with the real secret using `hash`. */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, hash = "sha256", secret: string | Buffer = SECRET) {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest("base64url")}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (sub: string, extra: Record<string, unknown> = {}) => ({ sub, role: "member", use: "access", iss: "teezu-live", aud: "teezu", iat: now(), exp: now() + 300, ...extra });

describe("access tokens", () => {
  it("accepts a well-formed token for an existing user (the baseline the attacks below differ from)", async () => {
    const member = w.roles.member;
    expect((await w.t.api("/users/me", { token: handMade({ alg: "HS256", typ: "JWT" }, claimsFor(member.id)) })).status).toBe(200);
  });

  it("refuses algorithm confusion, header tricks and claim tampering with 401", async () => {
    const m = w.roles.member;
    const cases: Record<string, string> = {
      "HS512 with the right secret": handMade({ alg: "HS512" }, claimsFor(m.id), "sha512"),
      "HS384 with the right secret": handMade({ alg: "HS384" }, claimsFor(m.id), "sha384"),
      "RS256 header, HMAC signature": handMade({ alg: "RS256" }, claimsFor(m.id)),
      "alg none, empty signature": `${b64({ alg: "none" })}.${b64(claimsFor(m.id))}.`,
      "alg NONE (case)": `${b64({ alg: "NONE" })}.${b64(claimsFor(m.id))}.`,
      "jose UnsecuredJWT": new UnsecuredJWT(claimsFor(m.id)).encode(),
      "kid path injection": handMade({ alg: "HS256", kid: "../../../../dev/null" }, claimsFor(m.id), "sha256", ""),
      "jku to attacker keys": handMade({ alg: "HS256", jku: "https://evil.example/jwks.json" }, claimsFor(m.id), "sha256", "attacker"),
      "empty secret": handMade({ alg: "HS256" }, claimsFor(m.id), "sha256", ""),
      "wrong issuer": handMade({ alg: "HS256" }, claimsFor(m.id, { iss: "someone-else" })),
      "wrong audience": handMade({ alg: "HS256" }, claimsFor(m.id, { aud: "other-app" })),
      "no subject": handMade({ alg: "HS256" }, claimsFor(m.id, { sub: undefined })),
      "refresh token used as access": handMade({ alg: "HS256" }, claimsFor(m.id, { use: "refresh" })),
      "no use claim": handMade({ alg: "HS256" }, claimsFor(m.id, { use: undefined })),
      "not yet valid (nbf)": handMade({ alg: "HS256" }, claimsFor(m.id, { nbf: now() + 3600 })),
      "expired one second ago": handMade({ alg: "HS256" }, claimsFor(m.id, { exp: now() - 1 })),
      "unknown user": handMade({ alg: "HS256" }, claimsFor("00000000-0000-4000-8000-000000000000")),
      "sub is an object": handMade({ alg: "HS256" }, claimsFor(m.id, { sub: { $ne: null } })),
      "role not a role": handMade({ alg: "HS256" }, claimsFor(m.id, { role: "god" })),
      "signature of another token": `${m.token.split(".").slice(0, 2).join(".")}.${w.roles.admin.token.split(".")[2]}`,
      "payload swapped, signature kept": `${m.token.split(".")[0]}.${b64(claimsFor(w.roles.super_admin.id))}.${m.token.split(".")[2]}`,
      "two dots only": "a.b",
      "very long": `${"a".repeat(6000)}.${"b".repeat(6000)}.${"c".repeat(6000)}`,
      "NUL inside": `${m.token}\u0000`.replace("\u0000", ""),
    };
    for (const [name, token] of Object.entries(cases)) {
      if (name === "NUL inside") continue; // fetch refuses NUL in headers client-side
      const res = await w.t.api("/users/me", { token });
      expect(res.status, name).toBe(401);
      expect(res.body?.error?.code, name).toBe("unauthorized");
      w.cases.add("tampered access tokens");
    }
  });

  it("takes the role from the database, not from the token: a validly signed role claim grants nothing", async () => {
    const m = w.roles.member;
    const forged = await new SignJWT({ role: "super_admin", use: "access" }).setProtectedHeader({ alg: "HS256" }).setSubject(m.id).setIssuer("teezu-live").setAudience("teezu").setIssuedAt().setExpirationTime("5m").sign(key);
    expect((await w.t.api("/admin/users", { token: forged })).status).toBe(403);
    expect((await w.t.api("/users/me", { token: forged })).body.role).toBe("member");
    // And a demotion applies at once to a token issued before it.
    const mod = await w.actor("mod");
    expect((await w.t.api("/admin/rooms", { token: mod.token })).status).toBe(200);
    await w.t.api(`/admin/users/${mod.id}/role`, { token: w.admin.token, body: { role: "member" } });
    expect((await w.t.api("/admin/rooms", { token: mod.token })).status).toBe(403);
    w.cases.add("role from database", 3);
  });

  it("reads the token from the Authorization header only, in the Bearer form", async () => {
    const m = w.roles.member;
    const tries: Array<[string, Record<string, string>, string]> = [
      ["query string", {}, `?access_token=${m.token}&token=${m.token}`],
      ["cookie", { cookie: `token=${m.token}; accessToken=${m.token}` }, ""],
      ["Basic scheme", { authorization: `Basic ${m.token}` }, ""],
      ["no scheme", { authorization: m.token }, ""],
      ["two tokens", { authorization: `Bearer ${m.token} ${m.token}` }, ""],
      ["X-Access-Token header", { "x-access-token": m.token }, ""],
    ];
    for (const [name, headers, query] of tries) {
      expect((await w.t.api(`/users/me${query}`, { headers })).status, name).toBe(401);
      w.cases.add("token placement");
    }
    expect((await w.t.api("/users/me", { headers: { authorization: `bearer ${m.token}` } })).status, "scheme is case-insensitive").toBe(200);
  });

  it("refuses the same attacks when joining a room (an invalid token is not downgraded to anonymous)", async () => {
    const creator = w.roles.creator;
    const streamId = (await w.t.api("/streams", { token: creator.token, body: { title: "Token gate" } })).body.id as string;
    const m = w.roles.member;
    const bad = [
      handMade({ alg: "HS512" }, claimsFor(m.id), "sha512"),
      `${b64({ alg: "none" })}.${b64(claimsFor(m.id))}.`,
      handMade({ alg: "HS256" }, claimsFor(m.id, { exp: now() - 1 })),
      handMade({ alg: "HS256" }, claimsFor(m.id), "sha256", "wrong-secret-wrong-secret-wrong-secret"),
      "garbage",
    ];
    for (const token of bad) {
      for (const room of ["stream", "wheel"]) {
        const c = new SdkClient(w.t.url);
        c.auth.token = token;
        await expect(c.joinOrCreate(room, { streamId }), `${room} with ${token.slice(0, 30)}`).rejects.toMatchObject({ code: 401 });
        w.cases.add("room join tokens");
      }
    }
    // Anonymous (no token at all) may watch a public stream: the refusal above is about the bad token.
    const anon = await new SdkClient(w.t.url).joinOrCreate("stream", { streamId });
    await anon.leave();
  });
});

describe("refresh tokens", () => {
  it("lets at most one of many concurrent refreshes with the same token succeed, then revokes the family", async () => {
    const m = await w.actor("member");
    const results = await Promise.all(Array.from({ length: 12 }, () => w.t.api("/auth/refresh", { body: { refreshToken: m.refreshToken } })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length, "concurrent refreshes that succeeded").toBeLessThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.status).toBe(401);
    // Reuse was detected, so even the winner's new refresh token is dead.
    for (const winner of ok) expect((await w.t.api("/auth/refresh", { body: { refreshToken: winner.body.refreshToken } })).status).toBe(401);
    w.cases.add("refresh race", results.length);
  });

  it("refuses expired, forged and access-typed refresh tokens", async () => {
    const m = await w.actor("member");
    const [h, p] = m.refreshToken.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const cases = {
      expired: handMade(JSON.parse(Buffer.from(h, "base64url").toString()), { ...claims, exp: now() - 1 }),
      "made-up jti": handMade({ alg: "HS256" }, { ...claims, jti: "00000000-0000-4000-8000-000000000000" }),
      "access token": m.token,
    };
    for (const [name, refreshToken] of Object.entries(cases)) {
      expect((await w.t.api("/auth/refresh", { body: { refreshToken } })).status, name).toBe(401);
      w.cases.add("refresh tampering");
    }
    // None of that burned the real one.
    const real = await w.t.api("/auth/refresh", { body: { refreshToken: m.refreshToken } });
    expect(real.status).toBe(200);
    // A refresh token is bound to its stored jti: even re-signed (with the server's own secret) to
    // name another user, it renews its owner's session, never the named one's.
    const next = real.body.refreshToken as string;
    const [h2, p2] = next.split(".") as [string, string];
    const renamed = handMade(JSON.parse(Buffer.from(h2, "base64url").toString()), { ...JSON.parse(Buffer.from(p2, "base64url").toString()), sub: w.roles.super_admin.id });
    const res = await w.t.api("/auth/refresh", { body: { refreshToken: renamed } });
    expect(res.status === 401 || res.body.user.id === m.id, `renamed refresh → ${res.status} ${res.body?.user?.id}`).toBe(true);
    w.cases.add("refresh tampering", 2);
  });
});

describe("login brute force", () => {
  const register = async () => {
    const email = uniqueEmail("brute");
    const res = await w.t.api("/auth/register", { body: { email, password: PASSWORD, displayName: "Brute Target", birthDate: birthDateYearsAgo(30) } });
    expect(res.status).toBe(201);
    return email;
  };

  it("locks an account after its limit even when every attempt comes from a different address", async () => {
    const email = await register();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await w.t.api("/auth/login", { body: { email, password: `Wrong${i}Pass99` }, headers: { "x-forwarded-for": `198.18.${i}.7` } })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
    expect((await w.t.api("/auth/login", { body: { email, password: PASSWORD }, headers: { "x-forwarded-for": "198.18.200.1" } })).status, "the right password is refused while locked").toBe(429);
    w.cases.add("login lockout", 11);
  });

  it("answers a wrong password and an unknown email the same way (no account enumeration)", async () => {
    const email = await register();
    const a = await w.t.api("/auth/login", { body: { email, password: "Wrong0Pass99" }, headers: { "x-forwarded-for": "198.19.0.1" } });
    const b = await w.t.api("/auth/login", { body: { email: uniqueEmail("nobody"), password: "Wrong0Pass99" }, headers: { "x-forwarded-for": "198.19.0.2" } });
    expect([a.status, a.body.error.code, a.body.error.message]).toEqual([b.status, b.body.error.code, b.body.error.message]);
    w.cases.add("enumeration");
  });

  // LoginLimiter counts an attempt atomically before bcrypt runs, so a parallel burst cannot outrun it.
  it("holds a parallel burst of guesses to the per-account limit", async () => {
    const email = await register();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => w.t.api("/auth/login", { body: { email, password: `Wrong${i}Pass99` }, headers: { "x-forwarded-for": `198.20.${i}.9` } })));
    const checked = results.filter((r) => r.status === 401).length;
    console.log(`[security] parallel login burst: ${checked} of 40 guesses were checked against the password (limit 3)`);
    expect(checked).toBeLessThanOrEqual(3);
  });
});
