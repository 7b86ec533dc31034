// The conversation list of /messages: the server's list (GET /dm) with each peer's display name,
// and the peers opened on this device, so a conversation shows even before its first message.
import type { Session } from "../session.svelte.ts";

export interface InboxEntry {
  peerId: string;
  name: string;
  updatedAt?: number | string;
}

const MAX = 20;

export class DmInbox {
  readonly session: Session;
  entries = $state<InboxEntry[]>([]);
  readonly #key: string;

  constructor(session: Session, userId: string) {
    this.session = session;
    this.#key = `teezu.dm.recent.${userId}`;
    try {
      this.entries = (JSON.parse(localStorage.getItem(this.#key) ?? "[]") as InboxEntry[]).slice(0, MAX);
    } catch {
      this.entries = [];
    }
  }

  async load() {
    if (!(await this.session.capabilities()).has("GET", "/dm")) return;
    try {
      const res = await this.session.api.get<{ items: Array<{ peerId: string; updatedAt?: number | string }> } | Array<{ peerId: string; updatedAt?: number | string }>>("/dm");
      const items = (Array.isArray(res) ? res : res.items).slice(0, MAX);
      const known = new Map(this.entries.map((e) => [e.peerId, e.name]));
      const named = await Promise.all(
        items.map(async (c) => {
          const name = known.get(c.peerId) ?? (await this.session.api.get<{ displayName: string }>(`/users/${c.peerId}`).then((u) => u.displayName, () => "Member"));
          return { peerId: c.peerId, name, updatedAt: c.updatedAt };
        }),
      );
      const fromServer = new Set(named.map((n) => n.peerId));
      this.entries = [...named, ...this.entries.filter((e) => !fromServer.has(e.peerId))].slice(0, MAX);
      this.#save();
    } catch {
      /* the local list still shows */
    }
  }

  remember(peerId: string, name: string) {
    if (this.entries[0]?.peerId === peerId && this.entries[0].name === name) return;
    this.entries = [{ peerId, name }, ...this.entries.filter((e) => e.peerId !== peerId)].slice(0, MAX);
    this.#save();
  }

  #save() {
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.entries));
    } catch {
      /* ignore */
    }
  }
}
