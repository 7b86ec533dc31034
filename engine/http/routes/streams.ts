import { z } from "zod";
import type { Services } from "../../services.ts";
import { STREAM_STATUSES, STREAM_VISIBILITIES } from "../../streams/types.ts";
import { chatPageSchema, createdStreamSchema, reportSchema, reportView, streamSchema } from "../../streams/views.ts";
import { route } from "../route.ts";

const idParam = z.object({ id: z.uuid() });
const title = z.string().trim().min(1).max(200);
// Tags are labels for discovery: short, de-duplicated, a handful per stream.
const tags = z
  .array(z.string().trim().min(1).max(32))
  .max(10)
  .transform((list) => [...new Set(list)]);
const streamPage = z.object({ items: z.array(streamSchema), nextCursor: z.string().nullable() });

export function streamRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/streams",
      tag: "streams",
      summary: "Create a stream (creator with passed KYC); returns the stream key and ingest URL",
      auth: "required",
      action: "stream.go_live",
      body: z.object({ title, tags: tags.optional(), visibility: z.enum(STREAM_VISIBILITIES).optional(), explicit: z.boolean().optional() }).strict(),
      response: { status: 201, schema: createdStreamSchema },
      handler: async ({ user, body }) => ({ status: 201, body: await s.streams.create(user, body) }),
    }),
    route({
      method: "get",
      path: "/streams",
      tag: "streams",
      summary: "List streams visible to the caller, live first, with viewer counts; cursor-paginated",
      auth: "optional",
      query: z.object({
        status: z.enum(STREAM_STATUSES).optional(),
        creatorId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(200).optional(),
      }),
      response: { status: 200, schema: streamPage },
      handler: async ({ user, query }) => ({ body: await s.streams.list(user, query) }),
    }),
    route({
      method: "get",
      path: "/streams/:id",
      tag: "streams",
      summary: "One stream (the owner also gets its stream key and ingest URL)",
      auth: "optional",
      params: idParam,
      response: { status: 200, schema: streamSchema },
      errors: [404],
      handler: async ({ user, params }) => ({ body: await s.streams.read(user, params.id) }),
    }),
    route({
      method: "patch",
      path: "/streams/:id",
      tag: "streams",
      summary: "Edit title, tags, visibility or the explicit flag (creator or moderator)",
      auth: "required",
      params: idParam,
      body: z
        .object({ title: title.optional(), tags: tags.optional(), visibility: z.enum(STREAM_VISIBILITIES).optional(), explicit: z.boolean().optional() })
        .strict()
        .refine((b) => Object.values(b).some((v) => v !== undefined), "give at least one field to change"),
      response: { status: 200, schema: streamSchema },
      errors: [403, 404],
      handler: async ({ user, params, body }) => ({ body: await s.streams.update(user, params.id, body) }),
    }),
    route({
      method: "post",
      path: "/streams/:id/end",
      tag: "streams",
      summary: "End the stream (its creator); final",
      auth: "required",
      params: idParam,
      response: { status: 200, schema: streamSchema },
      errors: [403, 404, 409],
      handler: async ({ user, params }) => ({ body: await s.streams.end(user, params.id) }),
    }),
    route({
      method: "post",
      path: "/streams/:id/key",
      tag: "streams",
      summary: "Rotate the stream key (its creator); the old key stops working at once",
      auth: "required",
      params: idParam,
      response: { status: 200, schema: z.object({ id: z.string(), streamKey: z.string(), rtmpUrl: z.string() }) },
      errors: [403, 404, 409],
      handler: async ({ user, params }) => ({ body: await s.streams.rotateKey(user, params.id) }),
    }),
    route({
      method: "post",
      path: "/streams/:id/panic",
      tag: "streams",
      summary: "Panic button over HTTP (creator or moderator): the stream is killed and its key revoked",
      auth: "required",
      params: idParam,
      response: { status: 200, schema: streamSchema },
      errors: [403, 404],
      handler: async ({ user, params }) => ({ body: await s.streams.panic(user, params.id) }),
    }),
    route({
      method: "get",
      path: "/streams/:id/chat",
      tag: "streams",
      summary: "Persisted chat history, oldest first; pass nextBefore as `before` for older lines",
      auth: "optional",
      params: idParam,
      query: z.object({
        before: z.string().regex(/^[0-9:]{1,40}$/, "must be a nextBefore value").optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { status: 200, schema: chatPageSchema },
      errors: [404],
      handler: async ({ user, params, query }) => ({ body: await s.streams.chat(user, params.id, query) }),
    }),
    route({
      method: "post",
      path: "/streams/:id/reports",
      tag: "streams",
      summary: "Report a stream, a user in it or one chat message (members and up)",
      auth: "required",
      action: "moderation.report",
      params: idParam,
      body: z.object({ reason: z.string().trim().min(1).max(500), targetUserId: z.uuid().optional(), messageId: z.string().min(1).max(64).optional() }).strict(),
      response: { status: 201, schema: reportSchema },
      errors: [404, 429],
      handler: async ({ user, params, body }) => ({ status: 201, body: reportView(await s.streams.fileReport(user, params.id, body)) }),
    }),
    route({
      method: "get",
      path: "/streams/:id/reports",
      tag: "streams",
      summary: "The stream's reports, oldest first (its creator and moderators); open ones by default",
      auth: "required",
      params: idParam,
      query: z.object({ status: z.enum(["open", "resolved", "dismissed"]).default("open") }),
      response: { status: 200, schema: z.object({ items: z.array(reportSchema) }) },
      errors: [403, 404],
      handler: async ({ user, params, query }) => ({ body: { items: (await s.streams.reports(user, params.id, query.status)).map(reportView) } }),
    }),
    route({
      method: "post",
      path: "/reports/:id/resolve",
      tag: "streams",
      summary: "Close a report as resolved (default) or dismissed (the stream's creator or a moderator)",
      auth: "required",
      params: idParam,
      body: z.object({ status: z.enum(["resolved", "dismissed"]).default("resolved") }).strict().optional(),
      response: { status: 200, schema: reportSchema },
      errors: [403, 404, 409],
      handler: async ({ user, params, body, ip }) => ({ body: reportView(await s.streams.closeReport(user, params.id, body?.status ?? "resolved", ip)) }),
    }),
    route({
      method: "get",
      path: "/creators/me/bans",
      tag: "streams",
      summary: "Users banned from the caller's streams, newest first",
      auth: "required",
      response: { status: 200, schema: z.object({ items: z.array(z.object({ userId: z.string(), byUserId: z.string().nullable(), createdAt: z.string() })) }) },
      handler: async ({ user }) => ({
        body: { items: (await s.streams.bansOf(user.id)).map((b) => ({ userId: b.userId, byUserId: b.byUserId, createdAt: b.createdAt.toISOString() })) },
      }),
    }),
    route({
      method: "delete",
      path: "/creators/me/bans/:userId",
      tag: "streams",
      summary: "Lift a ban from the caller's streams",
      auth: "required",
      params: z.object({ userId: z.uuid() }),
      response: { status: 204 },
      errors: [404],
      handler: async ({ user, params }) => {
        await s.streams.liftBan(user.id, params.userId);
        return { status: 204, body: undefined };
      },
    }),
  ];
}
