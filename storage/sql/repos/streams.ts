import { randomUUID } from "node:crypto";
import type { FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { STREAM_STATUSES, Stream, User, type MediaVisibility, type StreamEntity, type StreamStatusValue } from "../entities.ts";
import { InvalidCursorError, rethrowDuplicate } from "../errors.ts";
import { clampLimit, type Page } from "./paging.ts";

export interface StreamRecord {
  id: string;
  creatorId: string;
  title: string;
  tags: string[];
  visibility: MediaVisibility;
  explicit: boolean;
  status: StreamStatusValue;
  streamKey: string;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  peakViewers: number;
  chatLines: number;
  updatedAt: Date;
}

export interface NewStream {
  creatorId: string;
  title: string;
  tags: string[];
  visibility: MediaVisibility;
  explicit: boolean;
  streamKey: string;
}

export type StreamPatch = Partial<Pick<StreamRecord, "title" | "tags" | "visibility" | "explicit">>;

export interface StreamListQuery {
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  status?: StreamStatusValue;
  creatorId?: string;
  /** Visibilities the caller may see; unset → all. */
  visibilities?: readonly MediaVisibility[];
  /** false → explicit streams are left out. */
  includeExplicit?: boolean;
  /** Streams of this user are listed whatever their visibility (the caller's own). */
  alsoOwnedBy?: string;
}

export interface SessionStats {
  startedAt: Date | null;
  endedAt: Date;
  peakViewers: number;
  chatLines: number;
}

const TERMINAL: readonly StreamStatusValue[] = ["ended", "killed"];

/** Which states a stream may move to: ended and killed are final, except that any stream can still be killed. */
function allowedFrom(target: StreamStatusValue): StreamStatusValue[] {
  if (target === "killed") return ["offline", "live", "ended"];
  return ["offline", "live"];
}

// Live streams come first; within each phase newest first. The cursor names the phase it stopped in.
const PHASES: readonly (readonly StreamStatusValue[])[] = [["live"], ["offline", "ended", "killed"]];

interface ListCursor {
  phase: number;
  /** Last row seen in that phase; absent → the phase starts from its top. */
  after?: { createdAt: Date; id: string };
}

function encodeListCursor(phase: number, row?: StreamRecord): string {
  return Buffer.from(JSON.stringify(row ? [phase, row.createdAt.getTime(), row.id] : [phase])).toString("base64url");
}

function parseListCursor(cursor: string): ListCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || !Number.isInteger(value[0]) || value[0] < 0 || value[0] >= PHASES.length) throw new InvalidCursorError();
  if (value.length === 1) return { phase: value[0] };
  if (value.length === 3 && Number.isFinite(value[1]) && typeof value[2] === "string") {
    return { phase: value[0], after: { createdAt: new Date(value[1] as number), id: value[2] } };
  }
  throw new InvalidCursorError();
}

function toRecord(e: StreamEntity): StreamRecord {
  return {
    id: e.id,
    creatorId: e.creatorId,
    title: e.title,
    tags: Array.isArray(e.tags) ? e.tags : [],
    visibility: e.visibility,
    explicit: Boolean(e.explicit),
    status: e.status,
    streamKey: e.streamKey,
    createdAt: e.createdAt,
    startedAt: e.startedAt ?? null,
    endedAt: e.endedAt ?? null,
    peakViewers: Number(e.peakViewers),
    chatLines: Number(e.chatLines),
    updatedAt: e.updatedAt,
  };
}

export class StreamsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  /** Throws DuplicateError("streamKey") if the key is already in use. */
  async create(input: NewStream): Promise<StreamRecord> {
    const now = new Date();
    const row: StreamRecord = {
      id: randomUUID(),
      ...input,
      tags: [...input.tags],
      status: "offline",
      createdAt: now,
      startedAt: null,
      endedAt: null,
      peakViewers: 0,
      chatLines: 0,
      updatedAt: now,
    };
    await rethrowDuplicate("streamKey", () => this.em().insert(Stream, row));
    return row;
  }

  async byId(id: string): Promise<StreamRecord | null> {
    const e = await this.em().findOne(Stream, { id });
    return e ? toRecord(e) : null;
  }

  async byKey(streamKey: string): Promise<StreamRecord | null> {
    const e = await this.em().findOne(Stream, { streamKey });
    return e ? toRecord(e) : null;
  }

  /** Returns the updated row, or null when no stream has this id. */
  async update(id: string, patch: StreamPatch): Promise<StreamRecord | null> {
    const data: Partial<StreamRecord> = {};
    if (patch.title !== undefined) data.title = patch.title;
    if (patch.tags !== undefined) data.tags = [...patch.tags];
    if (patch.visibility !== undefined) data.visibility = patch.visibility;
    if (patch.explicit !== undefined) data.explicit = patch.explicit;
    if (Object.keys(data).length > 0) {
      const changed = await this.em().nativeUpdate(Stream, { id }, { ...data, updatedAt: new Date() });
      if (changed === 0) return null;
    }
    return this.byId(id);
  }

  /**
   * Moves the stream to `status` when that transition is allowed; false otherwise (unknown id, or
   * a final state). Going live stamps started_at once; ending or killing stamps ended_at once.
   */
  async setStatus(id: string, status: StreamStatusValue, at: Date = new Date()): Promise<boolean> {
    if (!(STREAM_STATUSES as readonly string[]).includes(status)) throw new RangeError(`unknown status: ${status}`);
    return this.em().transactional(async (em) => {
      const changed = await em.nativeUpdate(Stream, { id, status: { $in: allowedFrom(status) } }, { status, updatedAt: at });
      if (changed === 0) return false;
      if (status === "live") await em.nativeUpdate(Stream, { id, startedAt: null }, { startedAt: at });
      if (TERMINAL.includes(status)) await em.nativeUpdate(Stream, { id, endedAt: null }, { endedAt: at });
      return true;
    });
  }

  /** Replaces the key; false when no stream has this id. Throws DuplicateError on a (practically impossible) collision. */
  async setKey(id: string, streamKey: string): Promise<boolean> {
    const changed = await rethrowDuplicate("streamKey", () => this.em().nativeUpdate(Stream, { id }, { streamKey, updatedAt: new Date() }));
    return changed > 0;
  }

  /**
   * Folds one room session into the totals: the higher peak wins, chat lines add up, the first
   * start is kept, and the end is stamped only once the stream itself has ended.
   */
  async recordSession(id: string, stats: SessionStats): Promise<boolean> {
    return this.em().transactional(async (em) => {
      const e = await em.findOne(Stream, { id });
      if (!e) return false;
      const data: Partial<StreamRecord> = {
        peakViewers: Math.max(Number(e.peakViewers), Math.max(0, Math.floor(stats.peakViewers))),
        chatLines: Number(e.chatLines) + Math.max(0, Math.floor(stats.chatLines)),
        updatedAt: new Date(),
      };
      if (!e.startedAt && stats.startedAt) data.startedAt = stats.startedAt;
      if (!e.endedAt && TERMINAL.includes(e.status)) data.endedAt = stats.endedAt;
      await em.nativeUpdate(Stream, { id }, data);
      return true;
    });
  }

  /** Live streams first, then the rest; newest first within each. */
  async list(query: StreamListQuery): Promise<Page<StreamRecord>> {
    const limit = clampLimit(query.limit, 100);
    const start = query.cursor ? parseListCursor(query.cursor) : undefined;
    const phases = PHASES.map((statuses) => statuses.filter((s) => query.status === undefined || s === query.status));
    const lastPhase = phases.findLastIndex((statuses) => statuses.length > 0);
    const items: StreamRecord[] = [];
    let nextCursor: string | null = null;
    for (let phase = start?.phase ?? 0; phase <= lastPhase && nextCursor === null; phase++) {
      const statuses = phases[phase]!;
      if (statuses.length === 0) continue;
      const where: FilterQuery<StreamEntity>[] = [{ status: { $in: statuses } }, ...this.audience(query)];
      const after = start?.phase === phase ? start.after : undefined;
      if (after) where.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }] });
      const want = limit - items.length;
      const found = await this.em().find(Stream, { $and: where }, { orderBy: [{ createdAt: "desc" }, { id: "desc" }], limit: want + 1 });
      items.push(...found.slice(0, want).map(toRecord));
      if (found.length > want) nextCursor = encodeListCursor(phase, items[items.length - 1]!);
      // Full exactly at a phase boundary: the next page starts the next phase (it may turn out empty).
      else if (items.length === limit && phase < lastPhase) nextCursor = encodeListCursor(phase + 1);
    }
    return { items, nextCursor };
  }

  /** Newest first (GDPR export). */
  async listByCreator(creatorId: string): Promise<StreamRecord[]> {
    const found = await this.em().find(Stream, { creatorId }, { orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    return found.map(toRecord);
  }

  /** Removes the creator's streams; returns their ids so the caller can remove what hangs off them. */
  async deleteForCreator(creatorId: string): Promise<string[]> {
    const ids = (await this.em().find(Stream, { creatorId }, { fields: ["id"] })).map((e) => e.id);
    if (ids.length > 0) await this.em().nativeDelete(Stream, { id: { $in: ids } });
    return ids;
  }

  /** Display names of the given users (creators shown beside their streams); unknown ids are absent. */
  async creatorNames(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const found = await this.em().find(User, { id: { $in: unique } }, { fields: ["id", "displayName"] });
    return new Map(found.map((u) => [u.id, u.displayName]));
  }

  private audience(query: StreamListQuery): FilterQuery<StreamEntity>[] {
    const where: FilterQuery<StreamEntity>[] = [];
    if (query.creatorId) where.push({ creatorId: query.creatorId });
    const limits: FilterQuery<StreamEntity>[] = [];
    if (query.visibilities) limits.push({ visibility: { $in: [...query.visibilities] } });
    if (query.includeExplicit === false) limits.push({ explicit: false });
    if (limits.length > 0) {
      where.push(query.alsoOwnedBy ? { $or: [{ $and: limits }, { creatorId: query.alsoOwnedBy }] } : { $and: limits });
    }
    return where;
  }
}
