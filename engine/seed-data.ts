// Demo data is SFW: plain personas and ordinary stream titles.
import type { Role } from "../config/roles.ts";
import type { SocialMode } from "../config/social-modes.ts";

export const SEED_PASSWORD = "DemoPass2024";
export const SEED_DOMAIN = "demo.teezu.local";

export interface SeedUser {
  role: Role;
  displayName: string;
  socialMode: SocialMode | null;
  verified: boolean;
}

export const SEED_USERS: SeedUser[] = [
  { role: "viewer", displayName: "Vera Viewer", socialMode: "viewer", verified: false },
  { role: "member", displayName: "Max Member", socialMode: "curious", verified: false },
  { role: "member_plus", displayName: "Mia Plus", socialMode: "dater", verified: false },
  { role: "provider", displayName: "Paul Provider", socialMode: "content_creator", verified: true },
  { role: "creator", displayName: "Cleo Creator", socialMode: "content_creator", verified: true },
  { role: "mod", displayName: "Mo Moderator", socialMode: null, verified: true },
  { role: "admin", displayName: "Ada Admin", socialMode: null, verified: true },
  { role: "super_admin", displayName: "Sol Superadmin", socialMode: null, verified: true },
];

export const SEED_COMPANION = {
  id: "demo-companion-nova",
  name: "Nova",
  personality_traits: ["warm", "curious", "witty", "good listener", "loves astronomy and jazz"],
  conversation_history: [],
  model_config: { tier: "basic", temperature: 0.8, style: "friendly small talk, asks follow-up questions" },
};

export const SEED_STREAM = { title: "Sunday evening jazz and chat" };

export const seedEmail = (role: Role) => `${role.replace("_", "-")}@${SEED_DOMAIN}`;
