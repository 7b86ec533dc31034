// A stream's tip goal and the goals that follow it. The room keeps the running total
// (tipGoal.current) and rolls over; this stores the configuration and tells rooms it changed.
import type { SqlStore, StreamGoalsRepo } from "../../storage/sql/index.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import type { EngineEvents } from "../events/EngineEvents.ts";
import { forbidden, notFound } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import { canSeeStream } from "../streams/access.ts";
import type { TipGoalConfig } from "./types.ts";

export interface GoalInput {
  label: string;
  target: number;
  next?: Array<{ label: string; target: number }>;
}

export class StreamGoalService {
  constructor(
    private readonly repo: StreamGoalsRepo,
    private readonly deps: { sql: SqlStore; events: EngineEvents; logger: Logger },
  ) {}

  async get(streamId: string): Promise<TipGoalConfig | null> {
    const row = await this.repo.get(streamId);
    return row ? { streamId: row.streamId, label: row.label, target: row.target, next: row.next } : null;
  }

  /** The stream's creator only; a stream the caller cannot see is a 404 like a missing one. */
  async set(caller: AuthUser, streamId: string, input: GoalInput): Promise<TipGoalConfig> {
    await this.ownStream(caller, streamId);
    const row = await this.repo.set({ streamId, label: input.label, target: input.target, next: input.next ?? [] });
    this.changed(streamId);
    return { streamId, label: row.label, target: row.target, next: row.next };
  }

  async clear(caller: AuthUser, streamId: string): Promise<void> {
    await this.ownStream(caller, streamId);
    if (await this.repo.delete(streamId)) this.changed(streamId);
  }

  async eraseStreams(streamIds: readonly string[]): Promise<void> {
    await this.repo.deleteForStreams(streamIds);
  }

  private async ownStream(caller: AuthUser, streamId: string): Promise<void> {
    const stream = await this.deps.sql.streams.byId(streamId);
    if (!stream || !canSeeStream(caller, stream)) throw notFound("Stream");
    if (stream.creatorId !== caller.id) throw forbidden("Only the stream's creator can set its goal");
  }

  private changed(streamId: string): void {
    this.deps.events.publish({ type: "goal.updated", streamId }).catch((err: unknown) => this.deps.logger.error({ err, streamId }, "goal.updated not published"));
  }
}
