// One engine per security file with a known JWT secret, a user of every role, and a few owned
// resources to attack, plus a tally of the cases each file checked (for the README figures).
import { afterAll, beforeAll } from "vitest";
import type { Role } from "../../config/roles.ts";
import { bootEngine, type TestEngine } from "../engine.ts";
import { actorsByRole, adminEnv, loginAdmin, makeActor, type Actor } from "../fuzz/actors.ts";
import { recordReliability, Tally } from "../fuzz/reliability.ts";

export const SECRET = "security-suite-secret-0123456789-abcdefgh";

export interface World {
  t: TestEngine;
  admin: Actor;
  roles: Record<Role, Actor>;
  /** Counts checked cases by topic; recorded as `security-<name>` in test-artifacts/reliability.json. */
  cases: Tally;
  actor(role: Role, options?: { verified?: boolean; name?: string }): Promise<Actor>;
}

/** Boots the engine in beforeAll and stops it in afterAll; fields are filled in before tests run. */
export function securityWorld(name: string, env: Record<string, string> = {}): World {
  const world = { cases: new Tally() } as World;
  beforeAll(async () => {
    world.t = await bootEngine({ ...adminEnv, JWT_SECRET: SECRET, INGEST: "off", ...env });
    world.admin = await loginAdmin(world.t);
    world.roles = await actorsByRole(world.t, world.admin);
    world.actor = (role, options) => makeActor(world.t, world.admin, role, options);
  });
  afterAll(async () => {
    recordReliability(`security-${name}`, { cases: world.cases.total, byTopic: world.cases.counts });
    console.log(`[security] ${name}: ${world.cases.total} cases ${JSON.stringify(world.cases.counts)}`);
    await world.t?.stop();
  });
  return world;
}
