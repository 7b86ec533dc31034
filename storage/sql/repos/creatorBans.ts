import type { SqlEntityManager } from "@mikro-orm/sql";
import { CreatorBan, type CreatorBanEntity } from "../entities.ts";
import { DuplicateError, rethrowDuplicate } from "../errors.ts";

export interface CreatorBanRow {
  creatorId: string;
  userId: string;
  byUserId: string | null;
  createdAt: Date;
}

function toRow(e: CreatorBanEntity): CreatorBanRow {
  return { creatorId: e.creatorId, userId: e.userId, byUserId: e.byUserId ?? null, createdAt: e.createdAt };
}

/** Bans hold per creator: a user banned by a creator is kept out of every room of that creator. */
export class CreatorBansRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  /** Idempotent: banning twice keeps the first ban (who and when). Returns true when a ban was added. */
  async ban(creatorId: string, userId: string, byUserId: string | null): Promise<boolean> {
    try {
      await rethrowDuplicate("ban", () => this.em().insert(CreatorBan, { creatorId, userId, byUserId, createdAt: new Date() }));
      return true;
    } catch (err) {
      if (err instanceof DuplicateError) return false;
      throw err;
    }
  }

  async unban(creatorId: string, userId: string): Promise<boolean> {
    return (await this.em().nativeDelete(CreatorBan, { creatorId, userId })) > 0;
  }

  async isBanned(creatorId: string, userId: string): Promise<boolean> {
    return (await this.em().count(CreatorBan, { creatorId, userId })) > 0;
  }

  /** Newest first. */
  async listForCreator(creatorId: string): Promise<CreatorBanRow[]> {
    const found = await this.em().find(CreatorBan, { creatorId }, { orderBy: [{ createdAt: "desc" }, { userId: "asc" }] });
    return found.map(toRow);
  }

  /** Every ban naming the user, as creator, as banned user or as the one who banned (GDPR export). */
  async listInvolving(userId: string): Promise<CreatorBanRow[]> {
    const found = await this.em().find(CreatorBan, { $or: [{ creatorId: userId }, { userId }, { byUserId: userId }] }, { orderBy: { createdAt: "desc" } });
    return found.map(toRow);
  }

  /** GDPR erasure: drops bans by or against the user and forgets them as the banning moderator. */
  async eraseUser(userId: string): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.nativeDelete(CreatorBan, { $or: [{ creatorId: userId }, { userId }] });
      await em.nativeUpdate(CreatorBan, { byUserId: userId }, { byUserId: null });
    });
  }
}
