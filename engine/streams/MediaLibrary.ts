// Media metadata (SPEC §4 `media`): providers and creators register uploads; visibility decides
// who may list or open them. The files themselves live elsewhere (CDN or /media/).
import { can } from "../../config/roles.ts";
import { InvalidCursorError, type MediaRow, type MediaVisibility, type SqlStore } from "../../storage/sql/index.ts";
import { forbidden, invalidRequest, notFound } from "../http/errors.ts";
import { canSeeMedia, isOwner, isStaff, mediaVisibilitiesFor, type Caller } from "./access.ts";

export interface NewMediaInput {
  mediaUrl: string;
  caption?: string;
  visibility: MediaVisibility;
}

export class MediaLibrary {
  constructor(private readonly sql: SqlStore) {}

  async create(caller: Caller, input: NewMediaInput): Promise<MediaRow> {
    if (!caller || !can(caller.role, "media.upload")) throw forbidden("Only providers and creators can publish media");
    return this.sql.media.create({ userId: caller.id, ...input });
  }

  /** Newest first; one user's media when userId is given, else everyone's the caller may see. */
  async list(caller: Caller, query: { userId?: string; limit: number; cursor?: string }) {
    try {
      return await this.sql.media.list({ ...query, visibilities: mediaVisibilitiesFor(caller), ...(caller ? { alsoOwnedBy: caller.id } : {}) });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalidRequest("query.cursor: not a cursor this list issued");
      throw err;
    }
  }

  /** 404 for missing and for not visible alike, so ids cannot be probed. */
  async read(caller: Caller, id: string): Promise<MediaRow> {
    const media = await this.sql.media.byId(id);
    if (!media || !canSeeMedia(caller, media)) throw notFound("Media");
    return media;
  }

  /** The owner, or a moderator (audited). */
  async remove(caller: Caller, id: string, ip: string): Promise<void> {
    const media = await this.sql.media.byId(id);
    if (!media || !caller) throw notFound("Media");
    const owner = isOwner(caller, media.userId);
    if (!owner && !isStaff(caller)) {
      if (!canSeeMedia(caller, media)) throw notFound("Media");
      throw forbidden("Only the owner or a moderator can delete this");
    }
    await this.sql.media.delete(id);
    if (!owner) {
      await this.sql.audit.record({ actorId: caller.id, action: "media.delete", targetType: "media", targetId: id, details: { ownerId: media.userId }, ip });
    }
  }
}
