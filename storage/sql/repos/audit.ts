import { randomUUID } from "node:crypto";
import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { afterKey, decodeCursor, encodeCursor } from "../cursor.ts";
import { AuditLog, type AuditLogEntity } from "../entities.ts";
import { InvalidCursorError } from "../errors.ts";
import { clampLimit, type Page } from "./paging.ts";

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
  /** nextCursor of the previous page, or an ISO instant (entries strictly older than it). */
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

function beforeFilter(before: string): FilterQuery<AuditLogEntity> {
  const key = decodeCursor(before);
  if (key) return afterKey(key, "desc");
  const at = new Date(before);
  if (Number.isNaN(at.getTime())) throw new InvalidCursorError();
  return { createdAt: { $lt: at } };
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

  /** Newest first. */
  async list(query: AuditListQuery): Promise<Page<AuditRow>> {
    const limit = clampLimit(query.limit);
    const where: FilterQuery<AuditLogEntity>[] = [];
    if (query.before) where.push(beforeFilter(query.before));
    if (query.actorId) where.push({ actorId: query.actorId });
    if (query.action) where.push({ action: query.action });
    const found = await this.em().find(AuditLog, where.length > 0 ? { $and: where } : {}, {
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      limit: limit + 1,
    });
    const items = found.slice(0, limit).map(toRow);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : null };
  }
}
