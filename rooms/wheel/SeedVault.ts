// The wheel's server seeds: created and stored (awaited) before their commitment is published,
// revealed when they rotate. A seed is never used for a spin before it is durable, so every spin
// can be verified later even if the process dies right after it.
import { randomBytes } from "node:crypto";
import type { DocStore } from "../../storage/ports.ts";
import { commitmentOf } from "./fairness.ts";
import { roundId, seedsCollection } from "./paths.ts";

export interface SegmentDef {
  label: string;
  weight: number;
}

export interface ActiveSeed {
  round: number;
  serverSeed: string;
  commitment: string;
}

interface SeedDoc {
  [field: string]: unknown;
  streamId: string;
  round: number;
  commitment: string;
  /** Secret until `revealed`; never leaves the server before that. */
  serverSeed: string;
  revealed: boolean;
  createdAt: number;
  revealedAt: number | null;
  spins: number;
  /** The configuration every spin of this seed used (it rotates on a new configuration). */
  segments: SegmentDef[];
}

export interface SeedView {
  round: number;
  commitment: string;
  /** null while the seed is in use. */
  serverSeed: string | null;
  revealed: boolean;
  createdAt: string;
  revealedAt: string | null;
  spins: number;
  segments: SegmentDef[];
}

export class SeedVault {
  constructor(
    private readonly docs: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** A wheel opening: reveals what an earlier session left in use, then commits to a new seed. */
  async open(streamId: string, segments: SegmentDef[]): Promise<ActiveSeed> {
    const pending = await this.docs.query<SeedDoc>(seedsCollection(streamId), { where: [["revealed", "==", false]] });
    for (const p of pending) await this.markRevealed(streamId, p.data.round, p.data.spins);
    const last = await this.docs.query<SeedDoc>(seedsCollection(streamId), { orderBy: { field: "round", direction: "desc" }, limit: 1 });
    return this.create(streamId, (last[0]?.data.round ?? 0) + 1, segments);
  }

  /** Reveals the current seed and commits to the next one. */
  async rotate(streamId: string, current: ActiveSeed, spins: number, segments: SegmentDef[]): Promise<ActiveSeed> {
    const next = await this.create(streamId, current.round + 1, segments);
    await this.reveal(streamId, current, spins);
    return next;
  }

  async reveal(streamId: string, seed: ActiveSeed, spins: number): Promise<void> {
    await this.markRevealed(streamId, seed.round, spins);
  }

  /** A new configuration before any spin used the seed keeps the seed. */
  async setSegments(streamId: string, seed: ActiveSeed, segments: SegmentDef[]): Promise<void> {
    await this.docs.set(seedsCollection(streamId), roundId(seed.round), { segments }, { merge: true });
  }

  /** Newest first. Seeds still in use show their commitment only. */
  async list(streamId: string, limit: number): Promise<SeedView[]> {
    const found = await this.docs.query<SeedDoc>(seedsCollection(streamId), { orderBy: { field: "round", direction: "desc" }, limit });
    return found.map(({ data: d }) => ({
      round: d.round,
      commitment: d.commitment,
      serverSeed: d.revealed ? d.serverSeed : null,
      revealed: d.revealed,
      createdAt: new Date(d.createdAt).toISOString(),
      revealedAt: d.revealedAt === null ? null : new Date(d.revealedAt).toISOString(),
      spins: d.spins,
      segments: d.segments,
    }));
  }

  async eraseStream(streamId: string): Promise<void> {
    await this.docs.deleteWhere(seedsCollection(streamId), []);
  }

  private async create(streamId: string, round: number, segments: SegmentDef[]): Promise<ActiveSeed> {
    const serverSeed = randomBytes(32).toString("hex");
    const seed: ActiveSeed = { round, serverSeed, commitment: commitmentOf(serverSeed) };
    const doc: SeedDoc = { streamId, round, commitment: seed.commitment, serverSeed, revealed: false, createdAt: this.now(), revealedAt: null, spins: 0, segments };
    await this.docs.set(seedsCollection(streamId), roundId(round), doc);
    return seed;
  }

  private async markRevealed(streamId: string, round: number, spins: number): Promise<void> {
    await this.docs.set(seedsCollection(streamId), roundId(round), { revealed: true, revealedAt: this.now(), spins }, { merge: true });
  }
}
