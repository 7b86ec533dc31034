// The winner log: one document per spin, written (awaited) right after the ledger commit so a paid
// spin's result is never lost, and found again by its key when a client retries.
import { createHash } from "node:crypto";
import type { DocStore } from "../../storage/ports.ts";
import { WHEELS, spinsCollection } from "./paths.ts";

export interface SpinRecord {
  [field: string]: unknown;
  id: string;
  streamId: string;
  userId: string;
  name: string;
  round: number;
  commitment: string;
  nonce: number;
  clientSeed: string;
  segment: number;
  label: string;
  /** The weights the spin was mapped onto, so it can be verified on its own. */
  weights: number[];
  multiplier: number;
  price: number;
  transactionId: string;
  ts: number;
  seq: string;
}

export interface SpinPage {
  items: SpinRecord[];
  nextBefore: string | null;
}

export class SpinLog {
  constructor(private readonly docs: DocStore) {}

  /** Derived from the spin key, so a retry finds the spin it paid for. */
  static spinId(streamId: string, userId: string, key: string): string {
    return `sp${createHash("sha256").update(`${streamId}\n${userId}\n${key}`).digest("hex").slice(0, 30)}`;
  }

  async record(spin: SpinRecord): Promise<void> {
    await this.docs.set(spinsCollection(spin.streamId), spin.id, spin);
  }

  find(streamId: string, id: string): Promise<SpinRecord | null> {
    return this.docs.get<SpinRecord>(spinsCollection(streamId), id);
  }

  /** Spins with seq < before, the newest `limit` of them, oldest first. */
  async page(streamId: string, options: { before?: string; limit: number }): Promise<SpinPage> {
    const found = await this.docs.query<SpinRecord>(spinsCollection(streamId), {
      where: options.before === undefined ? [] : [["seq", "<", options.before]],
      orderBy: { field: "seq", direction: "desc" },
      limit: options.limit + 1,
    });
    const page = found.slice(0, options.limit);
    const oldest = page[page.length - 1];
    return { items: page.reverse().map((s) => s.data), nextBefore: found.length > options.limit && oldest ? oldest.data.seq : null };
  }

  /** GDPR: a person's spins on every wheel (an erasure path: it walks all wheels). */
  async eraseUser(userId: string): Promise<void> {
    for (const wheel of await this.docs.query(WHEELS, {})) await this.docs.deleteWhere(spinsCollection(wheel.id), [["userId", "==", userId]]);
  }

  async exportFor(userId: string): Promise<SpinRecord[]> {
    const out: SpinRecord[] = [];
    for (const wheel of await this.docs.query(WHEELS, {})) {
      out.push(...(await this.docs.query<SpinRecord>(spinsCollection(wheel.id), { where: [["userId", "==", userId]] })).map((s) => s.data));
    }
    return out;
  }
}
