// The companions page: personas to talk to, and (creators, admins) making a new one.
import { errorText } from "../api.ts";
import type { Session } from "../session.svelte.ts";

export interface Persona {
  id: string;
  name: string;
  personality_traits: string[];
  model_config: { greeting?: string; model?: string };
  ownerId: string;
  createdAt: number;
}

export class CompanionDirectory {
  readonly session: Session;
  items = $state<Persona[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  status = $state<{ mode: "online" | "offline"; tier: string; usage: { used: number; limit: number } } | null>(null);

  get mayCreate() {
    return ["creator", "admin", "super_admin"].includes(this.session.role);
  }

  constructor(session: Session) {
    this.session = session;
  }

  async load() {
    try {
      const [list, status] = await Promise.all([
        this.session.api.get<{ items: Persona[] }>("/companions"),
        (await this.session.capabilities()).has("GET", "/ai/status") ? this.session.api.get<CompanionDirectory["status"]>("/ai/status") : Promise.resolve(null),
      ]);
      this.items = list.items;
      this.status = status;
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loaded = true;
    }
  }

  async create(name: string, traits: string[], greeting: string): Promise<boolean> {
    try {
      const persona = await this.session.api.post<Persona>("/companions", {
        name,
        personality_traits: traits,
        ...(greeting ? { model_config: { greeting } } : {}),
      });
      this.items = [persona, ...this.items];
      this.error = null;
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }
}
