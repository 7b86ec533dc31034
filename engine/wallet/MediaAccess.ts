// Pay-per-view media: a priced item's file URL reaches only its owner and those who unlocked it.
// The media routes call this for every item they return, single or listed.
import { z } from "zod";
import type { EntitlementsRepo, MediaRow } from "../../storage/sql/index.ts";
import type { Caller } from "../streams/access.ts";
import { mediaSchema, mediaView } from "../streams/views.ts";

export const MEDIA_RESOURCE = "media";

export const pricedMediaSchema = mediaSchema.extend({
  /** null while the item is locked for the caller. */
  mediaUrl: z.string().nullable(),
  price: z.number().int(),
  locked: z.boolean(),
});
export type PricedMediaView = z.infer<typeof pricedMediaSchema>;

type PricedMedia = Pick<MediaRow, "id" | "userId" | "price">;

export class MediaAccess {
  constructor(private readonly entitlements: EntitlementsRepo) {}

  /** Free media, the owner, or someone holding the entitlement. */
  async canAccessMedia(userId: string | undefined, media: PricedMedia): Promise<boolean> {
    if (media.price <= 0 || userId === media.userId) return true;
    return userId !== undefined && this.entitlements.has(userId, MEDIA_RESOURCE, media.id);
  }

  async view(caller: Caller, media: MediaRow): Promise<PricedMediaView> {
    return (await this.views(caller, [media]))[0]!;
  }

  /** One entitlement query for the whole page. */
  async views(caller: Caller, items: readonly MediaRow[]): Promise<PricedMediaView[]> {
    const priced = items.filter((m) => m.price > 0 && m.userId !== caller?.id).map((m) => m.id);
    const held = caller && priced.length ? await this.entitlements.heldAmong(caller.id, MEDIA_RESOURCE, priced) : new Set<string>();
    return items.map((m) => {
      const locked = priced.includes(m.id) && !held.has(m.id);
      return { ...mediaView(m), mediaUrl: locked ? null : m.mediaUrl, price: m.price, locked };
    });
  }
}
