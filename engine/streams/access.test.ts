import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../config/roles.ts";
import { canModerateStream, canSeeMedia, canSeeStream, streamListScope, type Caller } from "./access.ts";
import type { StreamVisibility } from "./types.ts";

const user = (role: Role, id = `u-${role}`): Caller => ({ id, role, displayName: role, isVerified: true });
const stream = (visibility: StreamVisibility, explicit: boolean) => ({ creatorId: "owner", visibility, explicit });
const STAFF: Role[] = ["mod", "admin", "super_admin"];

describe("stream and media access", () => {
  it("lets anonymous visitors and viewers see only public, non-explicit streams", () => {
    for (const caller of [undefined, user("viewer")]) {
      expect(canSeeStream(caller, stream("public", false))).toBe(true);
      expect(canSeeStream(caller, stream("public", true))).toBe(false);
      expect(canSeeStream(caller, stream("members", false))).toBe(false);
      expect(canSeeStream(caller, stream("private", false))).toBe(false);
    }
  });

  it("lets members see public and members-only streams, explicit included, but not others' private ones", () => {
    for (const role of ROLES.filter((r) => r !== "viewer" && !STAFF.includes(r))) {
      const caller = user(role);
      expect(canSeeStream(caller, stream("members", true)), role).toBe(true);
      expect(canSeeStream(caller, stream("private", false)), role).toBe(false);
    }
  });

  it("shows owners and staff everything, and lists without restriction for staff", () => {
    expect(canSeeStream(user("creator", "owner"), stream("private", true))).toBe(true);
    for (const role of STAFF) {
      expect(canSeeStream(user(role), stream("private", true)), role).toBe(true);
      expect(streamListScope(user(role))).toEqual({});
    }
    expect(streamListScope(undefined)).toEqual({ visibilities: ["public"], includeExplicit: false });
    expect(streamListScope(user("member", "m1"))).toEqual({ visibilities: ["public", "members"], includeExplicit: true, alsoOwnedBy: "m1" });
  });

  it("gives moderation of a stream to its creator and staff only", () => {
    expect(canModerateStream(user("creator", "owner"), { creatorId: "owner" })).toBe(true);
    expect(canModerateStream(user("creator", "other"), { creatorId: "owner" })).toBe(false);
    expect(canModerateStream(user("member", "owner"), { creatorId: "owner" })).toBe(false);
    expect(canModerateStream(undefined, { creatorId: "owner" })).toBe(false);
    for (const role of STAFF) expect(canModerateStream(user(role), { creatorId: "owner" }), role).toBe(true);
  });

  it("keeps private media to the owner alone, staff included", () => {
    const media = (visibility: StreamVisibility) => ({ userId: "owner", visibility });
    expect(canSeeMedia(undefined, media("public"))).toBe(true);
    expect(canSeeMedia(undefined, media("members"))).toBe(false);
    expect(canSeeMedia(user("member"), media("members"))).toBe(true);
    expect(canSeeMedia(user("admin"), media("private"))).toBe(false);
    expect(canSeeMedia(user("provider", "owner"), media("private"))).toBe(true);
  });
});
