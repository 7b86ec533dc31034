// The AI endpoints beyond personas: status and tier, the caller's companion memories, the creator
// AI twin (suggested replies from one's own stream chat) and icebreakers for a DM. Calls that run a
// model draw from the same hourly allowance as companion messages.
import { z } from "zod";
import { can } from "../../../config/roles.ts";
import { limitsForRole } from "../../ai/tiers.ts";
import { aiStatusSchema, icebreakerSchema, memorySchema, twinStatusSchema, twinSuggestionSchema } from "../../ai/views.ts";
import type { AuthUser } from "../../auth/AuthUser.ts";
import type { Services } from "../../services.ts";
import { forbidden, invalidRequest, notFound, tooManyRequests } from "../errors.ts";
import { route } from "../route.ts";

/** Training embeds every line again: at most once per this long per creator. */
const TRAIN_COOLDOWN_MS = 10 * 60 * 1000;

export function aiRoutes(s: Services) {
  const spend = async (user: AuthUser) => {
    const limits = limitsForRole(user.role);
    const quota = await s.ai.quota.take(user.id, limits.messagesPerHour);
    if (!quota.allowed) throw tooManyRequests(`Your ${limits.tier} AI tier allows ${quota.limit} AI calls an hour`, quota.retryAfterSeconds);
  };
  const twinOnly = (user: AuthUser) => {
    if (!limitsForRole(user.role).twin) throw forbidden("The AI twin is part of the creator tier");
  };
  const memoryView = ({ id, companionId, text, importance, ts }: z.infer<typeof memorySchema>) => ({ id, companionId, text, importance, ts });

  return [
    route({
      method: "get",
      path: "/ai/status",
      tag: "ai",
      summary: "Online or offline AI, the caller's tier, its limits and this hour's usage",
      auth: "required",
      response: { status: 200, schema: aiStatusSchema },
      handler: async ({ user }) => {
        const limits = limitsForRole(user.role);
        const usage = await s.ai.quota.peek(user.id, limits.messagesPerHour);
        const { tier, model: _class, ...rest } = limits;
        return { body: { mode: s.ai.mode, moderation: s.ai.moderation, tier, limits: { ...rest, model: s.ai.mode === "offline" ? "offline" : s.ai.modelFor(limits) }, usage } };
      },
    }),
    route({
      method: "get",
      path: "/ai/memories",
      tag: "ai",
      summary: "What companions remember about the caller, newest first; `companionId` narrows to one",
      auth: "required",
      query: z.object({ companionId: z.uuid().optional() }),
      response: { status: 200, schema: z.object({ items: z.array(memorySchema) }) },
      handler: async ({ user, query }) => ({ body: { items: (await s.ai.memories.list(user.id, query.companionId)).map(memoryView) } }),
    }),
    route({
      method: "delete",
      path: "/ai/memories/:id",
      tag: "ai",
      summary: "Forget one memory (from the document store and the vector index)",
      auth: "required",
      params: z.object({ id: z.string().regex(/^mem_[0-9a-f]{32}$/, "a memory id") }),
      response: { status: 204 },
      errors: [404],
      handler: async ({ user, params }) => {
        if (!(await s.ai.memories.forget(user.id, params.id))) throw notFound("Memory");
        return { status: 204, body: undefined };
      },
    }),
    route({
      method: "delete",
      path: "/ai/memories",
      tag: "ai",
      summary: "Forget every memory (of one companion with `companionId`)",
      auth: "required",
      query: z.object({ companionId: z.uuid().optional() }),
      response: { status: 200, schema: z.object({ deleted: z.number().int() }) },
      handler: async ({ user, query }) => ({ body: { deleted: await s.ai.memories.forgetAll(user.id, query.companionId) } }),
    }),
    route({
      method: "get",
      path: "/ai/twin",
      tag: "ai",
      summary: "Creator AI twin: how many of the caller's chat lines it learned from, and when",
      auth: "required",
      response: { status: 200, schema: twinStatusSchema },
      errors: [403],
      handler: async ({ user }) => {
        twinOnly(user);
        return { body: await s.ai.twin.status(user.id) };
      },
    }),
    route({
      method: "post",
      path: "/ai/twin/train",
      tag: "ai",
      summary: "Creator AI twin: learn from the caller's past stream chat lines (once per 10 min)",
      auth: "required",
      response: { status: 200, schema: twinStatusSchema },
      errors: [403, 429],
      handler: async ({ user }) => {
        twinOnly(user);
        if (!(await s.stores.cache.setIfAbsent(`ai:twin:train:${user.id}`, "1", TRAIN_COOLDOWN_MS))) {
          throw tooManyRequests("The twin was trained recently; try again later", Math.ceil(TRAIN_COOLDOWN_MS / 1000));
        }
        return { body: await s.ai.twin.train(user.id) };
      },
    }),
    route({
      method: "post",
      path: "/ai/twin/suggestions",
      tag: "ai",
      summary: "Creator AI twin: suggested replies to a fan's message, from the caller's own past lines",
      auth: "required",
      body: z.object({ message: z.string().trim().min(1).max(500), count: z.number().int().min(1).max(10).default(3) }).strict(),
      response: { status: 200, schema: z.object({ suggestions: z.array(twinSuggestionSchema), status: twinStatusSchema }) },
      errors: [403, 429],
      handler: async ({ user, body }) => {
        twinOnly(user);
        const screened = await s.ai.guard.screenInput(body.message);
        if (!screened.ok) return { body: { suggestions: [], status: await s.ai.twin.status(user.id) } };
        await spend(user);
        return { body: await s.ai.twin.suggest(user, screened.text, body.count) };
      },
    }),
    route({
      method: "post",
      path: "/ai/icebreakers",
      tag: "ai",
      summary: "Opening-line suggestions for a DM with another member",
      auth: "required",
      action: "dm.send",
      body: z.object({ peerId: z.uuid(), count: z.number().int().min(1).max(5).default(3) }).strict(),
      response: { status: 200, schema: z.object({ peer: z.object({ id: z.string(), displayName: z.string() }), suggestions: z.array(icebreakerSchema) }) },
      errors: [400, 404, 429],
      handler: async ({ user, body }) => {
        if (body.peerId === user.id) throw invalidRequest("body.peerId: pick someone other than yourself");
        const peer = await s.stores.sql.users.byId(body.peerId);
        if (!peer || !can(peer.role, "dm.send")) throw notFound("Member");
        await spend(user);
        const streams = (await s.stores.sql.streams.listByCreator(peer.id)).filter((st) => st.visibility === "public" && !st.explicit);
        const suggestions = await s.ai.icebreakers.suggest(user.id, {
          id: peer.id,
          displayName: peer.displayName,
          socialMode: peer.socialMode,
          streamTitles: streams.map((st) => st.title),
          tags: [...new Set(streams.flatMap((st) => st.tags))],
        }, body.count);
        return { body: { peer: { id: peer.id, displayName: peer.displayName }, suggestions } };
      },
    }),
  ];
}
