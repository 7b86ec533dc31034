// Refresh-token rotation with reuse detection. Each login starts a family; every refresh consumes
// one token and issues the next in the same family. Presenting an already-used token means it
// leaked, so the caller revokes the whole family.
import { randomUUID } from "node:crypto";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { RefreshToken, RefreshTokenFamily } from "../entities.ts";

export type ConsumeResult =
  | { status: "ok"; userId: string; familyId: string }
  | { status: "reused"; userId: string; familyId: string }
  | { status: "revoked" | "expired" | "missing" };

export interface IssueToken {
  /** The JWT's jti. */
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

// Fits the varchar(64) column: MySQL in strict mode rejects longer values instead of truncating.
const reasonColumn = (reason: string) => reason.slice(0, 64);

export class RefreshTokensRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async createFamily(userId: string): Promise<string> {
    const id = randomUUID();
    await this.em().insert(RefreshTokenFamily, { id, userId, createdAt: new Date() });
    return id;
  }

  async issue(token: IssueToken): Promise<void> {
    await this.em().insert(RefreshToken, { ...token, createdAt: new Date() });
  }

  /**
   * Marks the token used, at most once across all processes. Precedence: missing, revoked
   * (family), expired, reused. An expired token is not reported as reused: replaying it grants
   * nothing, so it need not log the owner out.
   */
  async consume(id: string, now: Date = new Date()): Promise<ConsumeResult> {
    const token = await this.em().findOne(RefreshToken, { id });
    if (!token) return { status: "missing" };
    const { userId, familyId } = token;
    if (await this.familyRevoked(familyId)) return { status: "revoked" };
    if (token.expiresAt.getTime() <= now.getTime()) return { status: "expired" };
    if (token.usedAt) return { status: "reused", userId, familyId };
    // The conditional update is the only race-safe step: of concurrent consumers exactly one
    // changes the row; the others saw it unused a moment ago, so for them it is a reuse.
    const won = await this.em().nativeUpdate(RefreshToken, { id, usedAt: null }, { usedAt: now });
    if (won === 0) return { status: "reused", userId, familyId };
    // A revocation that landed between the first check and the update must still win.
    if (await this.familyRevoked(familyId)) return { status: "revoked" };
    return { status: "ok", userId, familyId };
  }

  /** Revokes the family (idempotent: the first reason is kept). */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.em().nativeUpdate(
      RefreshTokenFamily,
      { id: familyId, revokedAt: null },
      { revokedAt: new Date(), revokeReason: reasonColumn(reason) },
    );
  }

  /** Logs the user out everywhere (password change, ban). */
  async revokeAllForUser(userId: string, reason: string): Promise<void> {
    await this.em().nativeUpdate(
      RefreshTokenFamily,
      { userId, revokedAt: null },
      { revokedAt: new Date(), revokeReason: reasonColumn(reason) },
    );
  }

  /** GDPR erasure: removes the user's tokens and families. */
  async deleteForUser(userId: string): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.nativeDelete(RefreshToken, { userId });
      await em.nativeDelete(RefreshTokenFamily, { userId });
    });
  }

  private async familyRevoked(familyId: string): Promise<boolean> {
    const family = await this.em().findOne(RefreshTokenFamily, { id: familyId });
    return !family || family.revokedAt != null;
  }
}
