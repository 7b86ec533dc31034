import { z } from "zod";
import { MEDIA_VISIBILITIES } from "../../../storage/sql/index.ts";
import type { Services } from "../../services.ts";
import { pricedMediaSchema } from "../../wallet/MediaAccess.ts";
import { route } from "../route.ts";

const idParam = z.object({ id: z.uuid() });

/** https on a real host without credentials, or a path under our own /media/ (no traversal). */
export function isAllowedMediaUrl(value: string): boolean {
  if (value.startsWith("/")) return /^\/media\/[A-Za-z0-9._~\-/]+$/.test(value) && !value.includes("..") && !value.includes("//");
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0 && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

export function mediaRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/media",
      tag: "media",
      summary: "Register an uploaded photo or video (providers and creators)",
      auth: "required",
      action: "media.upload",
      body: z
        .object({
          mediaUrl: z.string().trim().max(2048).refine(isAllowedMediaUrl, "must be an https URL or a /media/ path"),
          caption: z.string().trim().max(2000).optional(),
          visibility: z.enum(MEDIA_VISIBILITIES),
        })
        .strict(),
      response: { status: 201, schema: pricedMediaSchema },
      handler: async ({ user, body }) => ({ status: 201, body: await s.wallet.media.view(user, await s.media.create(user, body)) }),
    }),
    route({
      method: "get",
      path: "/media",
      tag: "media",
      summary: "Media the caller may see (one user's with userId), newest first; cursor-paginated",
      auth: "optional",
      query: z.object({
        userId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(200).optional(),
      }),
      response: { status: 200, schema: z.object({ items: z.array(pricedMediaSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ user, query }) => {
        const page = await s.media.list(user, query);
        // Priced items keep mediaUrl null until the caller has unlocked them (engine/wallet).
        return { body: { items: await s.wallet.media.views(user, page.items), nextCursor: page.nextCursor } };
      },
    }),
    route({
      method: "get",
      path: "/media/:id",
      tag: "media",
      summary: "One media item, if its visibility allows the caller; a priced one has mediaUrl null until unlocked",
      auth: "optional",
      params: idParam,
      response: { status: 200, schema: pricedMediaSchema },
      errors: [404],
      handler: async ({ user, params }) => ({ body: await s.wallet.media.view(user, await s.media.read(user, params.id)) }),
    }),
    route({
      method: "delete",
      path: "/media/:id",
      tag: "media",
      summary: "Delete a media item (its owner, or a moderator)",
      auth: "required",
      params: idParam,
      response: { status: 204 },
      errors: [403, 404],
      handler: async ({ user, params, ip }) => {
        await s.media.remove(user, params.id, ip);
        return { status: 204, body: undefined };
      },
    }),
  ];
}
