import { randomUUID } from "node:crypto";
import type { SqlEntityManager } from "@mikro-orm/sql";
import type { SqlDialect } from "../dialect.ts";
import { TipMenuItem, type TipMenuItemEntity } from "../entities.ts";

export interface TipMenuRow {
  id: string;
  creatorId: string;
  label: string;
  price: number;
  createdAt: Date;
  updatedAt: Date;
}

function toRow(e: TipMenuItemEntity): TipMenuRow {
  return { id: e.id, creatorId: e.creatorId, label: e.label, price: Number(e.price), createdAt: e.createdAt, updatedAt: e.updatedAt };
}

export class TipMenuRepo {
  constructor(
    private readonly em: () => SqlEntityManager,
    private readonly dialect: SqlDialect,
  ) {}

  /** In the order the creator added them. */
  async listByCreator(creatorId: string): Promise<TipMenuRow[]> {
    const found = await this.em().find(TipMenuItem, { creatorId }, { orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return found.map(toRow);
  }

  async byId(id: string): Promise<TipMenuRow | null> {
    const e = await this.em().findOne(TipMenuItem, { id });
    return e ? toRow(e) : null;
  }

  /** Adds an item unless the creator already has `maxItems`; null when full. */
  async create(input: { creatorId: string; label: string; price: number }, maxItems: number): Promise<TipMenuRow | null> {
    return this.em().transactional(async (em) => {
      // Locking the creator's row makes count-then-insert atomic on MySQL; SQLite writers are serial.
      if (this.dialect === "mysql") await em.execute("select id from users where id = ? for update", [input.creatorId]);
      if ((await em.count(TipMenuItem, { creatorId: input.creatorId })) >= maxItems) return null;
      const now = new Date();
      const row: TipMenuRow = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
      await em.insert(TipMenuItem, row);
      return row;
    });
  }

  async update(id: string, patch: { label?: string; price?: number }): Promise<TipMenuRow | null> {
    const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if ((await this.em().nativeUpdate(TipMenuItem, { id }, { ...data, updatedAt: new Date() })) === 0) return null;
    return this.byId(id);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.em().nativeDelete(TipMenuItem, { id })) > 0;
  }

  async deleteForCreator(creatorId: string): Promise<number> {
    return this.em().nativeDelete(TipMenuItem, { creatorId });
  }
}
