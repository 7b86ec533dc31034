// Walks every role × action against SPEC §9 as transcribed here independently of config/roles.ts.
import { describe, expect, it } from "vitest";
import { ACTIONS, ROLES, aiTierOf, can, type Action, type Role } from "./roles.ts";

// y = always, o = only on own resources, l = only on lower-ranked targets, - = never.
// Columns: viewer member member_plus provider creator mod admin super_admin
const SPEC: Record<Action, string> = {
  "content.view_safe": "y y y y y y y y",
  "content.view_explicit": "- y y y y y y y",
  "chat.send": "- y y y y y y y",
  "dm.send": "- y y y y y y y",
  "ai.use": "- y y y y y y y",
  "services.offer": "- - - y y - - y",
  "media.upload": "- - - y y - - y",
  "stream.go_live": "- - - - y - - y",
  "moderation.report": "- y y y y y y y",
  "moderation.act": "- - - o o y y y",
  "admin.users.read": "- - - - - - y y",
  "admin.users.role": "- - - - - - l y",
  "admin.users.verify": "- - - - - - y y",
  "admin.rooms.read": "- - - - - y y y",
  "admin.audit.read": "- - - - - - y y",
  "system.config": "- - - - - - - y",
};

describe("RBAC matrix (SPEC §9)", () => {
  it("covers every action", () => {
    expect(Object.keys(SPEC).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    const marks = SPEC[action].split(" ");
    ROLES.forEach((role, i) => {
      const mark = marks[i];
      it(`${role} ${action}: ${mark}`, () => {
        const me = "user-1";
        const someoneElse = "user-2";
        switch (mark) {
          case "y":
            expect(can(role, action, { actorId: me, ownerId: someoneElse, targetRole: "member", newRole: "member_plus" })).toBe(true);
            break;
          case "-":
            expect(can(role, action, { actorId: me, ownerId: me, targetRole: "viewer", newRole: "member" })).toBe(false);
            break;
          case "o":
            expect(can(role, action, { actorId: me, ownerId: me })).toBe(true);
            expect(can(role, action, { actorId: me, ownerId: someoneElse })).toBe(false);
            expect(can(role, action, { ownerId: me })).toBe(false);
            break;
          case "l":
            expect(can(role, action, { actorId: me, targetRole: "member", newRole: "creator" })).toBe(true);
            expect(can(role, action, { actorId: me, targetRole: "member", newRole: role })).toBe(false);
            expect(can(role, action, { actorId: me, targetRole: role, newRole: "member" })).toBe(false);
            expect(can(role, action, { actorId: me, targetRole: "member", newRole: "super_admin" })).toBe(false);
            break;
          default:
            throw new Error(`bad mark ${mark}`);
        }
      });
    });
  }

  it("gives each role its AI tier", () => {
    const tiers: Record<Role, string> = {
      viewer: "none",
      member: "basic",
      member_plus: "full",
      provider: "pro",
      creator: "creator",
      mod: "full",
      admin: "full",
      super_admin: "debug",
    };
    for (const role of ROLES) expect(aiTierOf(role)).toBe(tiers[role]);
  });
});
