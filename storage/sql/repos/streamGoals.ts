import type { SqlEntityManager } from "@mikro-orm/sql";
import { StreamGoal, type StreamGoalEntity } from "../entities.ts";

export interface StreamGoalRow {
  streamId: string;
  label: string;
  target: number;
  next: Array<{ label: string; target: number }>;
  updatedAt: Date;
}

function toRow(e: StreamGoalEntity): StreamGoalRow {
  return { streamId: e.streamId, label: e.label, target: Number(e.target), next: Array.isArray(e.next) ? e.next : [], updatedAt: e.updatedAt };
}

export class StreamGoalsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async get(streamId: string): Promise<StreamGoalRow | null> {
    const e = await this.em().findOne(StreamGoal, { streamId });
    return e ? toRow(e) : null;
  }

  /** Replaces the stream's goal (one per stream). */
  async set(goal: Omit<StreamGoalRow, "updatedAt">): Promise<StreamGoalRow> {
    const row: StreamGoalRow = { ...goal, updatedAt: new Date() };
    await this.em().transactional(async (em) => {
      await em.nativeDelete(StreamGoal, { streamId: goal.streamId });
      await em.insert(StreamGoal, row);
    });
    return row;
  }

  async delete(streamId: string): Promise<boolean> {
    return (await this.em().nativeDelete(StreamGoal, { streamId })) > 0;
  }

  async deleteForStreams(streamIds: readonly string[]): Promise<number> {
    if (streamIds.length === 0) return 0;
    return this.em().nativeDelete(StreamGoal, { streamId: { $in: [...streamIds] } });
  }
}
