// Who may see and act on streams and media (SPEC §9). Pure functions over the caller and the row,
// shared by the HTTP routes; the stream room applies the same reading at join.
import { can } from "../../config/roles.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import type { StreamVisibility } from "./types.ts";

/** The caller of a request: a logged-in user, or undefined for an anonymous visitor. */
export type Caller = AuthUser | undefined;

interface Owned {
  creatorId: string;
  visibility: StreamVisibility;
  explicit: boolean;
}

/** Moderators and above act on every stream; `moderation.act` without an owner is granted only to them. */
export const isStaff = (caller: Caller): boolean => caller !== undefined && can(caller.role, "moderation.act");

/** Logged in with more than the safe-content "viewer" role. */
export const isMember = (caller: Caller): boolean => caller !== undefined && can(caller.role, "content.view_explicit");

export const isOwner = (caller: Caller, ownerId: string): boolean => caller !== undefined && caller.id === ownerId;

/** Owner and staff see everything; others see public (members: also members-only), never explicit as viewers. */
export function canSeeStream(caller: Caller, stream: Owned): boolean {
  if (isOwner(caller, stream.creatorId) || isStaff(caller)) return true;
  if (stream.explicit && !isMember(caller)) return false;
  if (stream.visibility === "public") return true;
  return stream.visibility === "members" && isMember(caller);
}

/** The stream's creator (while they hold moderation rights on their own rooms) and staff. */
export function canModerateStream(caller: Caller, stream: { creatorId: string }): boolean {
  return caller !== undefined && can(caller.role, "moderation.act", { actorId: caller.id, ownerId: stream.creatorId });
}

/** What a listing may include for this caller; undefined fields mean "no restriction". */
export function streamListScope(caller: Caller): { visibilities?: StreamVisibility[]; includeExplicit?: boolean; alsoOwnedBy?: string } {
  if (isStaff(caller)) return {};
  return {
    visibilities: isMember(caller) ? ["public", "members"] : ["public"],
    includeExplicit: isMember(caller),
    ...(caller ? { alsoOwnedBy: caller.id } : {}),
  };
}

/** Media: public to all, members-only to members, private to the owner alone. */
export function canSeeMedia(caller: Caller, media: { userId: string; visibility: StreamVisibility }): boolean {
  if (isOwner(caller, media.userId)) return true;
  if (media.visibility === "public") return true;
  return media.visibility === "members" && isMember(caller);
}

export function mediaVisibilitiesFor(caller: Caller): StreamVisibility[] {
  return isMember(caller) ? ["public", "members"] : ["public"];
}
