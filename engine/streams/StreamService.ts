// Streams: creation (creators with passed KYC), listing with live viewer counts, owner actions
// (edit, end, key rotation), chat history, reports, bans and the panic kill. The stream room and
// the RTMP ingest use the same service (StreamRoomDeps, byStreamKey).
import { randomBytes } from "node:crypto";
import { can } from "../../config/roles.ts";
import type { Cache } from "../../storage/ports.ts";
import { InvalidCursorError, type SqlStore, type StreamRecord } from "../../storage/sql/index.ts";
import { conflict, forbidden, invalidRequest, notFound, tooManyRequests } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import { canModerateStream, canSeeStream, isOwner, isStaff, streamListScope, type Caller } from "./access.ts";
import type { ChatHistory, ChatPage } from "./ChatHistory.ts";
import type { NewReport, ReportRow, StreamChange, StreamRoomDeps, StreamRow, StreamStats, StreamStatus, StreamVisibility } from "./types.ts";
import { streamView, type StreamView } from "./views.ts";

/** Cache key the stream room keeps the live viewer count under (a decimal string). */
export const viewerCountKey = (streamId: string) => `stream:${streamId}`;

/** 24 random bytes: unguessable, and short enough to paste into OBS. */
export const newStreamKey = () => randomBytes(24).toString("base64url");

const REPORTS_PER_HOUR = 30;

export interface StreamServiceOptions {
  sql: SqlStore;
  cache: Cache;
  chat: ChatHistory;
  logger: Logger;
  /** Where OBS publishes, e.g. rtmp://host:1935/live. */
  rtmpUrl: string;
  /** Told about changes made outside the room (HTTP end, rotation, edits, HTTP panic). */
  notify?: (change: StreamChange) => void;
}

export interface NewStreamInput {
  title: string;
  tags?: string[];
  visibility?: StreamVisibility;
  explicit?: boolean;
}

export type StreamEdit = Partial<Pick<StreamRow, "title" | "tags" | "visibility" | "explicit">>;

export interface StreamListInput {
  status?: StreamStatus;
  creatorId?: string;
  limit: number;
  cursor?: string;
}

const isClosed = (row: StreamRow) => row.status === "ended" || row.status === "killed";

function toRow(r: StreamRecord): StreamRow {
  const { updatedAt: _updatedAt, ...row } = r;
  return row;
}

export class StreamService implements StreamRoomDeps {
  private readonly sql: SqlStore;

  constructor(private readonly o: StreamServiceOptions) {
    this.sql = o.sql;
  }

  // ------------------------------------------------------------------ room and ingest

  async get(id: string): Promise<StreamRow | null> {
    const r = await this.sql.streams.byId(id);
    return r ? toRow(r) : null;
  }

  /** The stream this key may publish to; null for an unknown key or a stream that has ended or been killed. */
  async byStreamKey(streamKey: string): Promise<StreamRow | null> {
    const r = await this.sql.streams.byKey(streamKey);
    return r && !isClosed(r) ? toRow(r) : null;
  }

  /** Ignores transitions out of ended/killed, so a late ingest callback cannot revive a stopped stream. */
  async setStatus(id: string, status: StreamStatus): Promise<void> {
    await this.sql.streams.setStatus(id, status);
  }

  async kill(id: string, actorId: string, reason: string): Promise<void> {
    await this.sql.streams.setStatus(id, "killed");
    // A new key nobody knows: the old one can never publish to this stream again.
    await this.sql.streams.setKey(id, newStreamKey());
    await this.sql.audit.record({ actorId, action: "stream.panic", targetType: "stream", targetId: id, details: { reason: reason.slice(0, 200) } });
  }

  /** One room session's numbers: the higher peak is kept and chat lines add up. */
  async recordStats(id: string, stats: StreamStats): Promise<void> {
    await this.sql.streams.recordSession(id, stats);
  }

  isBanned(creatorId: string, userId: string): Promise<boolean> {
    return this.sql.creatorBans.isBanned(creatorId, userId);
  }

  async ban(creatorId: string, userId: string, byUserId: string): Promise<void> {
    if (await this.sql.creatorBans.ban(creatorId, userId, byUserId)) {
      await this.sql.audit.record({ actorId: byUserId, action: "stream.ban", targetType: "user", targetId: userId, details: { creatorId } });
    }
  }

  async unban(creatorId: string, userId: string): Promise<void> {
    await this.sql.creatorBans.unban(creatorId, userId);
  }

  report(report: NewReport): Promise<ReportRow> {
    return this.sql.reports.create(report);
  }

  openReports(streamId: string): Promise<ReportRow[]> {
    return this.sql.reports.listForStream(streamId, "open");
  }

  // ------------------------------------------------------------------ HTTP: streams

  async create(caller: Caller, input: NewStreamInput): Promise<StreamView & { streamKey: string; rtmpUrl: string }> {
    if (!caller || !can(caller.role, "stream.go_live")) throw forbidden("Only creators can go live");
    if (!caller.isVerified) throw forbidden("Identity verification (KYC) must pass before you can go live", "kyc_required");
    const row = await this.sql.streams.create({
      creatorId: caller.id,
      title: input.title,
      tags: input.tags ?? [],
      visibility: input.visibility ?? "public",
      explicit: input.explicit ?? false,
      streamKey: newStreamKey(),
    });
    return { ...(await this.view(caller, toRow(row))), streamKey: row.streamKey, rtmpUrl: this.o.rtmpUrl };
  }

  async list(caller: Caller, input: StreamListInput): Promise<{ items: StreamView[]; nextCursor: string | null }> {
    try {
      const page = await this.sql.streams.list({ ...input, ...streamListScope(caller) });
      return { items: await this.views(caller, page.items.map(toRow)), nextCursor: page.nextCursor };
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalidRequest("query.cursor: not a cursor this list issued");
      throw err;
    }
  }

  async read(caller: Caller, id: string): Promise<StreamView> {
    return this.view(caller, await this.visible(caller, id));
  }

  /** Owner or staff. */
  async update(caller: Caller, id: string, edit: StreamEdit): Promise<StreamView> {
    const row = await this.visible(caller, id);
    if (!isOwner(caller, row.creatorId) && !isStaff(caller)) throw forbidden("Only the stream's creator or a moderator can edit it");
    const updated = await this.sql.streams.update(id, edit);
    if (!updated) throw notFound("Stream");
    this.announce("stream.updated", id, caller);
    return this.view(caller, toRow(updated));
  }

  async end(caller: Caller, id: string): Promise<StreamView> {
    const row = await this.owned(caller, id);
    if (isClosed(row) || !(await this.sql.streams.setStatus(id, "ended"))) throw conflict(`The stream has already ${row.status}`, "stream_closed");
    this.announce("stream.ended", id, caller);
    return this.read(caller, id);
  }

  async rotateKey(caller: Caller, id: string): Promise<{ id: string; streamKey: string; rtmpUrl: string }> {
    const row = await this.owned(caller, id);
    if (isClosed(row)) throw conflict(`The stream has ${row.status}; create a new one`, "stream_closed");
    const streamKey = newStreamKey();
    if (!(await this.sql.streams.setKey(id, streamKey))) throw notFound("Stream");
    this.announce("stream.key_rotated", id, caller);
    return { id, streamKey, rtmpUrl: this.o.rtmpUrl };
  }

  /** The panic button over HTTP, for when the studio's room connection is gone. */
  async panic(caller: Caller, id: string): Promise<StreamView> {
    const row = await this.visible(caller, id);
    if (!caller || !canModerateStream(caller, row)) throw forbidden("Only the stream's creator or a moderator can stop it");
    await this.kill(id, caller.id, "panic (http)");
    this.announce("stream.killed", id, caller);
    return this.read(caller, id);
  }

  async chat(caller: Caller, id: string, options: { before?: string; limit: number }): Promise<ChatPage> {
    await this.visible(caller, id);
    return this.o.chat.page(id, options);
  }

  // ------------------------------------------------------------------ HTTP: reports and bans

  async fileReport(caller: Caller, streamId: string, input: Omit<NewReport, "streamId" | "reporterId">): Promise<ReportRow> {
    if (!caller || !can(caller.role, "moderation.report")) throw forbidden("Only members can report");
    await this.visible(caller, streamId);
    if (!(await this.underReportLimit(caller.id))) throw tooManyRequests("Too many reports in the last hour", 3600);
    return this.report({ ...input, streamId, reporterId: caller.id });
  }

  async reports(caller: Caller, streamId: string, status: ReportRow["status"] | undefined): Promise<ReportRow[]> {
    const row = await this.visible(caller, streamId);
    if (!canModerateStream(caller, row)) throw forbidden("Only the stream's creator or a moderator can read its reports");
    return this.sql.reports.listForStream(streamId, status);
  }

  async closeReport(caller: Caller, reportId: string, status: "resolved" | "dismissed", ip: string): Promise<ReportRow> {
    const report = await this.sql.reports.byId(reportId);
    if (!report || !caller) throw notFound("Report");
    const stream = await this.sql.streams.byId(report.streamId);
    if (!canModerateStream(caller, stream ?? { creatorId: "" })) throw forbidden("Only the stream's creator or a moderator can close this report");
    if (!(await this.sql.reports.close(reportId, status, caller.id))) throw conflict(`The report is already ${report.status}`, "report_closed");
    await this.sql.audit.record({ actorId: caller.id, action: "report.close", targetType: "report", targetId: reportId, details: { status, streamId: report.streamId }, ip });
    return (await this.sql.reports.byId(reportId)) ?? { ...report, status };
  }

  bansOf(creatorId: string) {
    return this.sql.creatorBans.listForCreator(creatorId);
  }

  async liftBan(creatorId: string, userId: string): Promise<void> {
    if (!(await this.sql.creatorBans.unban(creatorId, userId))) throw notFound("Ban");
    await this.sql.audit.record({ actorId: creatorId, action: "stream.unban", targetType: "user", targetId: userId, details: { creatorId } });
  }

  // ------------------------------------------------------------------ helpers

  /** 404 both for a missing stream and for one the caller may not see, so ids cannot be probed. */
  private async visible(caller: Caller, id: string): Promise<StreamRow> {
    const row = await this.get(id);
    if (!row || !canSeeStream(caller, row)) throw notFound("Stream");
    return row;
  }

  private async owned(caller: Caller, id: string): Promise<StreamRow> {
    const row = await this.visible(caller, id);
    if (!isOwner(caller, row.creatorId)) throw forbidden("Only the stream's creator can do this");
    return row;
  }

  private async view(caller: Caller, row: StreamRow): Promise<StreamView> {
    const [view] = await this.views(caller, [row]);
    return view!;
  }

  private async views(caller: Caller, rows: StreamRow[]): Promise<StreamView[]> {
    const [names, counts] = await Promise.all([this.sql.streams.creatorNames(rows.map((r) => r.creatorId)), Promise.all(rows.map((r) => this.viewerCount(r)))]);
    return rows.map((row, i) =>
      streamView(row, {
        viewerCount: counts[i] ?? 0,
        creatorName: names.get(row.creatorId) ?? null,
        ...(isOwner(caller, row.creatorId) ? { owner: { rtmpUrl: this.o.rtmpUrl } } : {}),
      }),
    );
  }

  /** A missing key or an unreachable cache reads as 0: a listing should not fail over a counter. */
  private async viewerCount(row: StreamRow): Promise<number> {
    if (row.status !== "live") return 0;
    try {
      const n = Number.parseInt((await this.o.cache.get(viewerCountKey(row.id))) ?? "0", 10);
      return Number.isFinite(n) && n > 0 ? n : 0;
    } catch (err) {
      this.o.logger.warn({ err, streamId: row.id }, "viewer count unavailable");
      return 0;
    }
  }

  private async underReportLimit(userId: string): Promise<boolean> {
    try {
      return (await this.o.cache.incrBy(`reports:${userId}`, 1, 3_600_000)) <= REPORTS_PER_HOUR;
    } catch (err) {
      this.o.logger.warn({ err }, "report limiter unavailable; allowing");
      return true;
    }
  }

  private announce(type: StreamChange["type"], streamId: string, caller: Caller) {
    try {
      this.o.notify?.({ type, streamId, by: caller?.id ?? "system" });
    } catch (err) {
      this.o.logger.error({ err, type, streamId }, "stream change listener failed");
    }
  }
}
