import { randomUUID } from "node:crypto";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { Report, type ReportEntity, type ReportStatus } from "../entities.ts";
import { clampLimit } from "./paging.ts";

export interface ReportRecord {
  id: string;
  streamId: string;
  reporterId: string;
  targetUserId: string | null;
  messageId: string | null;
  reason: string;
  status: ReportStatus;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

export interface NewReportRecord {
  streamId: string;
  reporterId: string;
  targetUserId?: string | null;
  messageId?: string | null;
  reason: string;
}

function toRecord(e: ReportEntity): ReportRecord {
  return {
    id: e.id,
    streamId: e.streamId,
    reporterId: e.reporterId,
    targetUserId: e.targetUserId ?? null,
    messageId: e.messageId ?? null,
    reason: e.reason,
    status: e.status,
    resolvedBy: e.resolvedBy ?? null,
    resolvedAt: e.resolvedAt ?? null,
    createdAt: e.createdAt,
  };
}

export class ReportsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async create(input: NewReportRecord): Promise<ReportRecord> {
    const row: ReportRecord = {
      id: randomUUID(),
      streamId: input.streamId,
      reporterId: input.reporterId,
      targetUserId: input.targetUserId ?? null,
      messageId: input.messageId ?? null,
      // Fits the varchar(500) column: MySQL in strict mode rejects longer values.
      reason: input.reason.slice(0, 500),
      status: "open",
      resolvedBy: null,
      resolvedAt: null,
      createdAt: new Date(),
    };
    await this.em().insert(Report, row);
    return row;
  }

  async byId(id: string): Promise<ReportRecord | null> {
    const e = await this.em().findOne(Report, { id });
    return e ? toRecord(e) : null;
  }

  /** Oldest first, so a moderator works the queue in arrival order. */
  async listForStream(streamId: string, status: ReportStatus | undefined, limit = 200): Promise<ReportRecord[]> {
    const found = await this.em().find(Report, status ? { streamId, status } : { streamId }, {
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      limit: clampLimit(limit, 500),
    });
    return found.map(toRecord);
  }

  /** Closes an open report; false when it is missing or already closed (first decision wins). */
  async close(id: string, status: Exclude<ReportStatus, "open">, byUserId: string): Promise<boolean> {
    return (await this.em().nativeUpdate(Report, { id, status: "open" }, { status, resolvedBy: byUserId, resolvedAt: new Date() })) > 0;
  }

  /** Reports the user filed (GDPR export). */
  async listByReporter(reporterId: string): Promise<ReportRecord[]> {
    const found = await this.em().find(Report, { reporterId }, { orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    return found.map(toRecord);
  }

  /**
   * GDPR erasure: removes the reports the user filed; reports about the user stay for moderation
   * but no longer name them; a moderator's decisions stay without their name.
   */
  async eraseUser(userId: string): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.nativeDelete(Report, { reporterId: userId });
      await em.nativeUpdate(Report, { targetUserId: userId }, { targetUserId: null });
      await em.nativeUpdate(Report, { resolvedBy: userId }, { resolvedBy: null });
    });
  }

  async deleteForStreams(streamIds: readonly string[]): Promise<number> {
    if (streamIds.length === 0) return 0;
    return this.em().nativeDelete(Report, { streamId: { $in: [...streamIds] } });
  }
}
