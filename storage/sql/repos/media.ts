import { randomUUID } from "node:crypto";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { MEDIA_VISIBILITIES, Media, type MediaEntity, type MediaVisibility } from "../entities.ts";

export interface MediaRow {
  id: string;
  userId: string;
  mediaUrl: string;
  caption: string;
  visibility: MediaVisibility;
  createdAt: Date;
}

export interface NewMedia {
  userId: string;
  mediaUrl: string;
  caption?: string;
  visibility: MediaVisibility;
}

function toRow(e: MediaEntity): MediaRow {
  return {
    id: e.id,
    userId: e.userId,
    mediaUrl: e.mediaUrl,
    caption: e.caption,
    visibility: e.visibility,
    createdAt: e.createdAt,
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

  async delete(id: string): Promise<boolean> {
    return (await this.em().nativeDelete(Media, { id })) > 0;
  }

  /** Returns how many rows were removed (GDPR erasure). */
  async deleteForUser(userId: string): Promise<number> {
    return this.em().nativeDelete(Media, { userId });
  }
}
