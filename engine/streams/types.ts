// What the stream room and the HTTP routes need from the streams service (engine/streams/StreamService.ts).

export const STREAM_STATUSES = ["offline", "live", "ended", "killed"] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];
export const STREAM_VISIBILITIES = ["public", "members", "private"] as const;
export type StreamVisibility = (typeof STREAM_VISIBILITIES)[number];

export interface StreamRow {
  id: string;
  creatorId: string;
  title: string;
  tags: string[];
  visibility: StreamVisibility;
  /** Explicit streams are hidden from viewers (anonymous/unverified): SPEC §9 "safe only". */
  explicit: boolean;
  status: StreamStatus;
  streamKey: string;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  peakViewers: number;
  chatLines: number;
}

export interface StreamStats {
  startedAt: Date | null;
  endedAt: Date;
  peakViewers: number;
  chatLines: number;
}

export interface NewReport {
  streamId: string;
  reporterId: string;
  targetUserId?: string | null;
  messageId?: string | null;
  reason: string;
}

export interface ReportRow extends Required<NewReport> {
  id: string;
  status: "open" | "resolved" | "dismissed";
  createdAt: Date;
}

/** The slice of the streams service a stream room uses. Everything here is awaited outside chat handlers. */
export interface StreamRoomDeps {
  get(id: string): Promise<StreamRow | null>;
  setStatus(id: string, status: StreamStatus): Promise<void>;
  /** Records a panic kill: status killed, stream key revoked, audit entry. */
  kill(id: string, actorId: string, reason: string): Promise<void>;
  recordStats(id: string, stats: StreamStats): Promise<void>;
  isBanned(creatorId: string, userId: string): Promise<boolean>;
  /** A ban holds in every room of that creator. */
  ban(creatorId: string, userId: string, byUserId: string): Promise<void>;
  unban(creatorId: string, userId: string): Promise<void>;
  report(report: NewReport): Promise<ReportRow>;
  openReports(streamId: string): Promise<ReportRow[]>;
}

/**
 * What the streams service announces after a change made outside the room (HTTP end, key
 * rotation, edits, a kill): the engine forwards it to the room and the ingest.
 */
export interface StreamChange {
  type: "stream.updated" | "stream.ended" | "stream.key_rotated" | "stream.killed";
  streamId: string;
  /** Who made the change. */
  by: string;
}
