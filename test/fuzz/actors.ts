// Users of every role on a booted engine, made through the public API (register, then the
// bootstrapped super_admin sets the role and KYC), for suites that call routes and rooms as each role.
import { ROLES, type Role } from "../../config/roles.ts";
import { apiAt, birthDateYearsAgo, uniqueEmail, type TestEngine } from "../engine.ts";

export { apiAt };

/** Anything with the test engine's `api` (an in-process engine, or apiAt() for a child process). */
export type Api = Pick<TestEngine, "api">;

export const ADMIN = { email: "hardening-admin@example.com", password: "HardenAdmin123" };
export const PASSWORD = "Sunshine2024";
export const adminEnv = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

export interface Actor {
  role: Role;
  id: string;
  email: string;
  token: string;
  refreshToken: string;
  name: string;
}

export async function loginAdmin(t: Api): Promise<Actor> {
  const res = await t.api("/auth/login", { body: ADMIN, headers: { "x-forwarded-for": "192.0.2.250" } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { role: "super_admin", id: res.body.user.id, email: ADMIN.email, token: res.body.accessToken, refreshToken: res.body.refreshToken, name: res.body.user.displayName };
}

/** A new user with `role` (verified unless `verified: false`). super_admin → another super_admin. */
export async function makeActor(t: Api, admin: Actor, role: Role, options: { verified?: boolean; name?: string } = {}): Promise<Actor> {
  const email = uniqueEmail(role.replace("_", ""));
  const name = options.name ?? `${role} tester`;
  const reg = await t.api("/auth/register", { body: { email, password: PASSWORD, displayName: name, birthDate: birthDateYearsAgo(30) } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const id: string = reg.body.user.id;
  if (role !== "member") {
    const set = await t.api(`/admin/users/${id}/role`, { token: admin.token, body: { role } });
    if (set.status !== 200) throw new Error(`set role ${role} failed: ${set.status} ${JSON.stringify(set.body)}`);
  }
  if (options.verified !== false) {
    const ver = await t.api(`/admin/users/${id}/verify`, { token: admin.token, rawBody: "" });
    if (ver.status !== 200) throw new Error(`verify failed: ${ver.status}`);
  }
  return { role, id, email, token: reg.body.accessToken, refreshToken: reg.body.refreshToken, name };
}

/** One actor per role (the roles are read fresh on every request, so the register-time token works). */
export async function actorsByRole(t: Api, admin: Actor): Promise<Record<Role, Actor>> {
  const list = await Promise.all(ROLES.map((r) => makeActor(t, admin, r)));
  return Object.fromEntries(list.map((a) => [a.role, a])) as Record<Role, Actor>;
}

/** True while the token still authenticates (fuzzing may erase or sign out its own user). */
export async function stillValid(t: Api, actor: Actor): Promise<boolean> {
  return (await t.api("/users/me", { token: actor.token })).status === 200;
}
