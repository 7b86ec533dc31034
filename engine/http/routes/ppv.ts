import { z } from "zod";
import { WALLET_RULES } from "../../../config/packages.ts";
import type { Services } from "../../services.ts";
import { walletHttpError } from "../../wallet/httpErrors.ts";
import { MEDIA_RESOURCE, pricedMediaSchema } from "../../wallet/MediaAccess.ts";
import { forbidden, notFound } from "../errors.ts";
import { route } from "../route.ts";
import { idempotencyKey } from "./walletSchemas.ts";

const idParam = z.object({ id: z.uuid() });

const unlockSchema = z.object({
  mediaId: z.string(),
  mediaUrl: z.string(),
  price: z.number().int(),
  /** Tokens this purchase cost (0 when the caller had access without paying now); a replay repeats it. */
  charged: z.number().int(),
  transactionId: z.string().nullable(),
  balance: z.number().int(),
  replayed: z.boolean(),
});

export function ppvRoutes(s: Services) {
  return [
    route({
      method: "put",
      path: "/media/:id/price",
      tag: "media",
      summary: "Set a media item's pay-per-view price in tokens (its owner; 0 = free)",
      auth: "required",
      params: idParam,
      body: z.object({ price: z.number().int().min(0).max(WALLET_RULES.ppvMaxPrice) }).strict(),
      response: { status: 200, schema: pricedMediaSchema },
      errors: [400, 403, 404],
      handler: async ({ user, params, body }) => {
        const media = await s.media.read(user, params.id);
        if (media.userId !== user.id) throw forbidden("Only the owner can price this media");
        if (!(await s.stores.sql.media.setPrice(media.id, body.price))) throw notFound("Media");
        return { body: await s.wallet.media.view(user, { ...media, price: body.price }) };
      },
    }),
    route({
      method: "post",
      path: "/media/:id/unlock",
      tag: "media",
      summary: "Pay a media item's price once (idempotent by key) and get its URL; owners and earlier buyers pay nothing",
      auth: "required",
      params: idParam,
      body: z.object({ key: idempotencyKey }).strict(),
      response: { status: 200, schema: unlockSchema },
      errors: [400, 403, 404, 409],
      handler: async ({ user, params, body }) => {
        const media = await s.media.read(user, params.id);
        const free = { mediaId: media.id, mediaUrl: media.mediaUrl, price: media.price, charged: 0, transactionId: null, replayed: false };
        if (media.price <= 0 || media.userId === user.id) return { body: { ...free, balance: await s.wallet.balanceOf(user.id) } };
        try {
          const result = await s.wallet.unlock({
            key: body.key,
            fromUserId: user.id,
            toUserId: media.userId,
            amount: media.price,
            resourceType: MEDIA_RESOURCE,
            resourceId: media.id,
            reference: {},
          });
          if (!result.transfer) return { body: { ...free, balance: result.balance } };
          const t = result.transfer;
          return { body: { ...free, charged: t.amount, transactionId: t.transactionId, balance: t.balance, replayed: t.replayed } };
        } catch (err) {
          throw walletHttpError(err);
        }
      },
    }),
  ];
}
