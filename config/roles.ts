// The 8-role permission matrix of SPEC §9 as data. HTTP routes and room messages both ask `can()`.
// Decisions where the board was ambiguous:
// - "Viewer" is the anonymous or unverified visitor: safe content only, no chat, no AI.
// - Provider "Limited" upload/stream: may upload media (quota below) but not go live.
// - "Self" moderation (provider, creator): only on content/rooms they own (`ownerId` in context).
// - Admin "Limited" system config: may manage users and inspect rooms, but may not grant
//   admin or super_admin, nor change another admin; super_admin may do everything.

export const ROLES = ["viewer", "member", "member_plus", "provider", "creator", "mod", "admin", "super_admin"] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  "content.view_safe",
  "content.view_explicit",
  "chat.send",
  "dm.send",
  "ai.use",
  "services.offer",
  "media.upload",
  "stream.go_live",
  "moderation.report",
  "moderation.act",
  "admin.users.read",
  "admin.users.role",
  "admin.users.verify",
  "admin.rooms.read",
  "admin.audit.read",
  "system.config",
] as const;
export type Action = (typeof ACTIONS)[number];

/** AI-tool tier per role (SPEC §9 "AI tools" row). */
export const AI_TIERS = ["none", "basic", "full", "pro", "creator", "debug"] as const;
export type AiTier = (typeof AI_TIERS)[number];

/**
 * How a role holds an action: "all" = always; "own" = only on resources it owns
 * (context.ownerId === context.actorId); "lower" = only on targets whose role ranks below its own.
 */
type Grant = "all" | "own" | "lower";

// Member and Member+ differ only in their AI tier (below), not in what they may do.
const memberGrants: Partial<Record<Action, Grant>> = {
  "content.view_safe": "all",
  "content.view_explicit": "all",
  "chat.send": "all",
  "dm.send": "all",
  "ai.use": "all",
  "moderation.report": "all",
};

const matrix: Record<Role, Partial<Record<Action, Grant>>> = {
  viewer: { "content.view_safe": "all" },
  member: memberGrants,
  member_plus: memberGrants,
  provider: {
    "content.view_safe": "all",
    "content.view_explicit": "all",
    "chat.send": "all",
    "dm.send": "all",
    "ai.use": "all",
    "services.offer": "all",
    "media.upload": "all",
    "moderation.report": "all",
    "moderation.act": "own",
  },
  creator: {
    "content.view_safe": "all",
    "content.view_explicit": "all",
    "chat.send": "all",
    "dm.send": "all",
    "ai.use": "all",
    "services.offer": "all",
    "media.upload": "all",
    "stream.go_live": "all",
    "moderation.report": "all",
    "moderation.act": "own",
  },
  mod: {
    "content.view_safe": "all",
    "content.view_explicit": "all",
    "chat.send": "all",
    "dm.send": "all",
    "ai.use": "all",
    "moderation.report": "all",
    "moderation.act": "all",
    "admin.rooms.read": "all",
  },
  admin: {
    "content.view_safe": "all",
    "content.view_explicit": "all",
    "chat.send": "all",
    "dm.send": "all",
    "ai.use": "all",
    "moderation.report": "all",
    "moderation.act": "all",
    "admin.users.read": "all",
    "admin.users.role": "lower",
    "admin.users.verify": "all",
    "admin.rooms.read": "all",
    "admin.audit.read": "all",
  },
  super_admin: Object.fromEntries(ACTIONS.map((a) => [a, "all"])) as Record<Action, Grant>,
};

const aiTier: Record<Role, AiTier> = {
  viewer: "none",
  member: "basic",
  member_plus: "full",
  provider: "pro",
  creator: "creator",
  mod: "full",
  admin: "full",
  super_admin: "debug",
};

/** Rank for "lower" grants: a role may only act on roles ranked strictly below it. */
const rank: Record<Role, number> = {
  viewer: 0,
  member: 1,
  member_plus: 2,
  provider: 3,
  creator: 3,
  mod: 4,
  admin: 5,
  super_admin: 6,
};

export interface CanContext {
  /** The acting user's id (absent for anonymous visitors). */
  actorId?: string;
  /** Owner of the resource acted on, for "self" rights. */
  ownerId?: string;
  /** For role changes: the target user's current role and the role to be given. */
  targetRole?: Role;
  newRole?: Role;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The one permission check for routes and rooms. */
export function can(role: Role, action: Action, context: CanContext = {}): boolean {
  const grant = matrix[role][action];
  switch (grant) {
    case undefined:
      return false;
    case "all":
      return true;
    case "own":
      return context.actorId !== undefined && context.ownerId !== undefined && context.actorId === context.ownerId;
    case "lower": {
      if (context.targetRole === undefined) return false;
      const mine = rank[role];
      return rank[context.targetRole] < mine && (context.newRole === undefined || rank[context.newRole] < mine);
    }
  }
}

/** How a role holds an action, for docs, the admin UI and the matrix test. */
export function grantOf(role: Role, action: Action): Grant | "none" {
  return matrix[role][action] ?? "none";
}

export function aiTierOf(role: Role): AiTier {
  return aiTier[role];
}
