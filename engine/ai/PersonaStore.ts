// Companion personas in the document store (`companions`, SPEC §4). Written directly, not through
// the write-behind queue: a creator who saves a persona expects to open a session with it at once.
import { randomUUID } from "node:crypto";
import type { DocStore } from "../../storage/ports.ts";
import type { ModelConfig, Persona } from "./types.ts";

export const PERSONAS = "companions";

export interface NewPersona {
  name: string;
  personality_traits: string[];
  model_config?: ModelConfig | undefined;
}

export type PersonaPatch = Partial<NewPersona>;

export class PersonaStore {
  constructor(
    private readonly docs: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(ownerId: string, input: NewPersona): Promise<Persona> {
    const ts = this.now();
    const persona: Persona = { id: randomUUID(), name: input.name, personality_traits: input.personality_traits, model_config: input.model_config ?? {}, ownerId, createdAt: ts, updatedAt: ts };
    await this.docs.set(PERSONAS, persona.id, { ...persona });
    return persona;
  }

  async get(id: string): Promise<Persona | null> {
    return this.docs.get<Persona & Record<string, unknown>>(PERSONAS, id);
  }

  /** Newest first. With `ownerId`, that owner's only (sorted here: one equality filter needs no composite index). */
  async list(options: { ownerId?: string | undefined; limit: number }): Promise<Persona[]> {
    if (options.ownerId !== undefined) {
      const mine = await this.docs.query<Persona & Record<string, unknown>>(PERSONAS, { where: [["ownerId", "==", options.ownerId]] });
      return mine.map((d) => d.data).sort((a, b) => b.createdAt - a.createdAt).slice(0, options.limit);
    }
    const all = await this.docs.query<Persona & Record<string, unknown>>(PERSONAS, { orderBy: { field: "createdAt", direction: "desc" }, limit: options.limit });
    return all.map((d) => d.data);
  }

  async update(id: string, patch: PersonaPatch): Promise<Persona | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next: Persona = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.personality_traits !== undefined ? { personality_traits: patch.personality_traits } : {}),
      ...(patch.model_config !== undefined ? { model_config: patch.model_config } : {}),
      updatedAt: this.now(),
    };
    await this.docs.set(PERSONAS, id, { ...next });
    return next;
  }

  async delete(id: string): Promise<void> {
    await this.docs.delete(PERSONAS, id);
  }

  /** GDPR: a creator's personas are their content. */
  async eraseOwner(ownerId: string): Promise<number> {
    return this.docs.deleteWhere(PERSONAS, [["ownerId", "==", ownerId]]);
  }

  async listOwned(ownerId: string): Promise<Persona[]> {
    return this.list({ ownerId, limit: 1000 });
  }
}
