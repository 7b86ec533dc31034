// XP, tiers, achievements and leaderboards over HTTP (the wheel room also shows its stream's
// leaders in state). Rules and thresholds are config (config/gamification.ts), served as-is.
import { z } from "zod";
import { ACHIEVEMENTS, LEADERBOARD, TIERS, XP_RULES } from "../../../config/gamification.ts";
import type { Services } from "../../services.ts";
import { notFound } from "../errors.ts";
import { route } from "../route.ts";

const tierSchema = z.object({ id: z.string(), name: z.string(), minXp: z.number().int(), color: z.string() });
const achievementSchema = z.object({ id: z.string(), name: z.string(), description: z.string(), counter: z.string(), atLeast: z.number().int() });
const profileSchema = z.object({
  userId: z.string(),
  xp: z.number().int(),
  tier: tierSchema,
  next: z.object({ tier: tierSchema, remaining: z.number().int(), fraction: z.number() }).nullable(),
  counters: z.record(z.string(), z.number()),
  achievements: z.array(achievementSchema.extend({ unlocked: z.boolean() })),
});
const boardSchema = z.object({ items: z.array(z.object({ rank: z.number().int(), userId: z.string(), name: z.string(), xp: z.number().int(), tier: z.string() })) });
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(LEADERBOARD.maxLimit).default(LEADERBOARD.defaultLimit) });

export function gamificationRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/gamification",
      tag: "gamification",
      summary: "How XP is earned, the tiers and the achievements",
      auth: "none",
      response: { status: 200, schema: z.object({ xp: z.record(z.string(), z.number()), tiers: z.array(tierSchema), achievements: z.array(achievementSchema) }) },
      handler: async () => ({ body: { xp: { ...XP_RULES }, tiers: [...TIERS], achievements: [...ACHIEVEMENTS] } }),
    }),
    route({
      method: "get",
      path: "/users/:id/gamification",
      tag: "gamification",
      summary: "A user's XP, tier, progress, counters and achievements (`me` for the caller)",
      auth: "optional",
      params: z.object({ id: z.union([z.uuid(), z.literal("me")]) }),
      response: { status: 200, schema: profileSchema },
      errors: [401, 404],
      handler: async ({ user, params }) => {
        const id = params.id === "me" ? user?.id : params.id;
        if (!id || !(await s.stores.sql.users.byId(id))) throw notFound("User");
        return { body: await s.gamification.profile(id) };
      },
    }),
    route({
      method: "get",
      path: "/leaderboards/global",
      tag: "gamification",
      summary: "Top users by XP across the platform",
      auth: "none",
      query: limitQuery,
      response: { status: 200, schema: boardSchema },
      handler: async ({ query }) => ({ body: { items: await s.gamification.leaderboard({}, query.limit) } }),
    }),
    route({
      method: "get",
      path: "/leaderboards/streams/:streamId",
      tag: "gamification",
      summary: "Top users by XP earned in one stream",
      auth: "optional",
      params: z.object({ streamId: z.uuid() }),
      query: limitQuery,
      response: { status: 200, schema: boardSchema },
      errors: [404],
      handler: async ({ user, params, query }) => {
        await s.streams.read(user, params.streamId);
        return { body: { items: await s.gamification.leaderboard({ streamId: params.streamId }, query.limit) } };
      },
    }),
  ];
}
