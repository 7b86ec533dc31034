import { randomUUID } from "node:crypto";
import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { afterKey } from "../cursor.ts";
import { AuditLog, type AuditLogEntity } from "../entities.ts";
import { InvalidCursorError } from "../errors.ts";
import { clampLimit } from "./paging.ts";

export interface AuditRow {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
}

export interface NewAuditEntry {
  /** null for system actions. */
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export interface AuditListQuery {
  limit: number;
  /**
   * Entries strictly older than this: the id of the last entry of the previous page (gap-free
   * paging, ties on created_at included), or an ISO instant.
   */
  before?: string;
  actorId?: string;
  action?: string;
}

function toRow(e: AuditLogEntity): AuditRow {
  return {
    id: e.id,
    actorId: e.actorId ?? null,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    details: e.details ?? {},
    ip: e.ip ?? null,
    createdAt: e.createdAt,
  };
}

export class AuditRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async record(entry: NewAuditEntry): Promise<AuditRow> {
    const row: AuditRow = {
      id: randomUUID(),
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
      createdAt: new Date(),
    };
    await this.em().insert(AuditLog, row);
    return row;
  }

  /** Newest first, at most 500. Throws InvalidCursorError when `before` is neither a known id nor an instant. */
  async list(query: AuditListQuery): Promise<AuditRow[]> {
    const em = this.em();
    const where: FilterQuery<AuditLogEntity>[] = [];
    if (query.before) where.push(await this.olderThan(em, query.before));
    if (query.actorId) where.push({ actorId: query.actorId });
    if (query.action) where.push({ action: query.action });
    const found = await em.find(AuditLog, where.length > 0 ? { $and: where } : {}, {
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      limit: clampLimit(query.limit, 500),
    });
    return found.map(toRow);
  }

  private async olderThan(em: SqlEntityManager, before: string): Promise<FilterQuery<AuditLogEntity>> {
    const entry = await em.findOne(AuditLog, { id: before }, { fields: ["id", "createdAt"] });
    if (entry) return afterKey({ createdAt: entry.createdAt, id: entry.id }, "desc");
    const at = new Date(before);
    if (Number.isNaN(at.getTime())) throw new InvalidCursorError();
    return { createdAt: { $lt: at } };
  }
}
