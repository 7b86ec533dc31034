// A session with an AI companion (`companion` room, CONTRACT.md): the assistant's reply grows in
// place while it streams (`done` false until finished); `safeword` ends the session at once.
import type { Session } from "../session.svelte.ts";
import type { CompanionMessage, CompanionSnapshot } from "../types.ts";
import { RoomConnection } from "./RoomConnection.svelte.ts";

export class CompanionRoomState {
  readonly conn: RoomConnection<CompanionSnapshot>;
  ended = $state(false);
  error = $state<string | null>(null);

  get messages(): CompanionMessage[] {
    return this.conn.state?.messages ?? [];
  }
  get name() {
    return this.conn.state?.name ?? "";
  }
  get streaming() {
    return this.messages.some((m) => m.role === "assistant" && !m.done);
  }

  constructor(session: Session, companionId: string) {
    this.conn = new RoomConnection<CompanionSnapshot>({
      roomName: "companion",
      joinOptions: { companionId },
      // Companion talk is personal: kept for this tab only, like every snapshot.
      cacheKey: `teezu.room.companion.${companionId}`,
      token: () => session.accessToken(),
    });
    this.conn.on("error", (e: { message: string }) => (this.error = e.message));
    this.conn.on("ended", () => (this.ended = true));
    this.conn.on("__closed", () => (this.ended = true));
  }

  start() {
    return this.conn.connect();
  }

  say(text: string): boolean {
    const t = text.trim();
    if (!t) return false;
    this.error = null;
    return this.conn.send("say", { text: t });
  }

  safeword() {
    this.conn.send("safeword", {});
    this.ended = true;
    void this.conn.dispose();
  }

  dispose() {
    return this.conn.dispose();
  }
}
