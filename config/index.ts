export * from "./env.ts";
export * from "./roles.ts";
export * from "./social-modes.ts";
export * from "./moods.ts";
export * from "./tokens.ts";
export * from "./gamification.ts";
