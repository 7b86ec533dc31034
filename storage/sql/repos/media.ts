import { randomUUID } from "node:crypto";
import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { afterKey, encodeCursor, parseCursor } from "../cursor.ts";
import { MEDIA_VISIBILITIES, Media, type MediaEntity, type MediaVisibility } from "../entities.ts";
import { clampLimit, type Page } from "./paging.ts";

export interface MediaRow {
  id: string;
  userId: string;
  mediaUrl: string;
  caption: string;
  visibility: MediaVisibility;
  createdAt: Date;
  /** Pay-per-view price in tokens; 0 = free (engine/wallet decides who may see the file). */
  price: number;
}

export interface MediaListQuery {
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  /** Only this user's media; unset → everyone's. */
  userId?: string;
  /** Visibilities the caller may see. */
  visibilities: readonly MediaVisibility[];
  /** The caller's own media are listed whatever their visibility. */
  alsoOwnedBy?: string;
}

export interface NewMedia {
  userId: string;
  mediaUrl: string;
  caption?: string;
  visibility: MediaVisibility;
  price?: number;
}

function toRow(e: MediaEntity): MediaRow {
  return {
    id: e.id,
    userId: e.userId,
    mediaUrl: e.mediaUrl,
    caption: e.caption,
    visibility: e.visibility,
    createdAt: e.createdAt,
    price: Number(e.price ?? 0),
  };
}

export class MediaRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async create(input: NewMedia): Promise<MediaRow> {
    if (!(MEDIA_VISIBILITIES as readonly string[]).includes(input.visibility)) {
      throw new RangeError(`unknown visibility: ${input.visibility}`);
    }
    const row: MediaRow = {
      id: randomUUID(),
      userId: input.userId,
      mediaUrl: input.mediaUrl,
      caption: input.caption ?? "",
      visibility: input.visibility,
      createdAt: new Date(),
      price: input.price ?? 0,
    };
    await this.em().insert(Media, row);
    return row;
  }

  async byId(id: string): Promise<MediaRow | null> {
    const e = await this.em().findOne(Media, { id });
    return e ? toRow(e) : null;
  }

  /** Newest first. */
  async listByUser(userId: string): Promise<MediaRow[]> {
    const found = await this.em().find(Media, { userId }, { orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    return found.map(toRow);
  }

  /** Newest first, keyset-paged. */
  async list(query: MediaListQuery): Promise<Page<MediaRow>> {
    const limit = clampLimit(query.limit, 100);
    const where: FilterQuery<MediaEntity>[] = [];
    if (query.cursor) where.push(afterKey(parseCursor(query.cursor), "desc"));
    if (query.userId) where.push({ userId: query.userId });
    const visible: FilterQuery<MediaEntity> = { visibility: { $in: [...query.visibilities] } };
    where.push(query.alsoOwnedBy ? { $or: [visible, { userId: query.alsoOwnedBy }] } : visible);
    const found = await this.em().find(Media, { $and: where }, { orderBy: [{ createdAt: "desc" }, { id: "desc" }], limit: limit + 1 });
    const items = found.slice(0, limit).map(toRow);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : null };
  }

  async delete(id: string): Promise<boolean> {
    return (await this.em().nativeDelete(Media, { id })) > 0;
  }

  /** Returns false when no media has this id. */
  async setPrice(id: string, price: number): Promise<boolean> {
    if (!Number.isSafeInteger(price) || price < 0) throw new RangeError("price must be a non-negative integer");
    return (await this.em().nativeUpdate(Media, { id }, { price })) > 0;
  }

  /** Returns how many rows were removed (GDPR erasure). */
  async deleteForUser(userId: string): Promise<number> {
    return this.em().nativeDelete(Media, { userId });
  }
}
