import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { Entitlement, type EntitlementEntity } from "../entities.ts";

export interface EntitlementRow {
  userId: string;
  resourceType: string;
  resourceId: string;
  transactionId: string | null;
  createdAt: Date;
}

function toRow(e: EntitlementEntity): EntitlementRow {
  return { userId: e.userId, resourceType: e.resourceType, resourceId: e.resourceId, transactionId: e.transactionId ?? null, createdAt: e.createdAt };
}

export class EntitlementsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  /**
   * Inserts the entitlement; pass `em` to write inside a ledger transaction. Throws
   * UniqueConstraintViolationException when it exists (so a ledger posting rolls back).
   */
  async insert(row: Omit<EntitlementRow, "createdAt">, em: SqlEntityManager = this.em()): Promise<void> {
    await em.insert(Entitlement, { ...row, createdAt: new Date() });
  }

  /** True when granted now, false when the user had it already. */
  async grant(row: Omit<EntitlementRow, "createdAt">): Promise<boolean> {
    try {
      await this.insert(row);
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  async has(userId: string, resourceType: string, resourceId: string): Promise<boolean> {
    return (await this.em().count(Entitlement, { userId, resourceType, resourceId })) > 0;
  }

  /** Which of `resourceIds` the user holds. */
  async heldAmong(userId: string, resourceType: string, resourceIds: readonly string[]): Promise<Set<string>> {
    if (resourceIds.length === 0) return new Set();
    const found = await this.em().find(Entitlement, { userId, resourceType, resourceId: { $in: [...resourceIds] } }, { fields: ["resourceId"] });
    return new Set(found.map((e) => e.resourceId));
  }

  async listByUser(userId: string): Promise<EntitlementRow[]> {
    const found = await this.em().find(Entitlement, { userId }, { orderBy: { createdAt: "desc" } });
    return found.map(toRow);
  }

  async deleteForUser(userId: string): Promise<number> {
    return this.em().nativeDelete(Entitlement, { userId });
  }
}
