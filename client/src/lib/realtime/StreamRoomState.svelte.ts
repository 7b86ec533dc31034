// Everything the live page and the Creator Studio show about one stream: REST metadata and chat
// history (loaded in parallel with the WebSocket join), the `stream` room's state, one-off
// effects (confetti, killed) and the actions a viewer, creator or moderator may take.
import { MOODS } from "$config/moods.ts";
import type { Session } from "../session.svelte.ts";
import { ApiError, errorText } from "../api.ts";
import type { ChatLine, Page, StreamInfo, StreamSnapshot, StreamStatus, TipGoal } from "../types.ts";
import { RoomConnection } from "./RoomConnection.svelte.ts";

/** Close codes of the stream room (rooms/stream/StreamRoom.ts). */
export const CLOSE_KICKED = 4403;
export const CLOSE_KILLED = 4410;
export const CLOSE_ENDED = 4411;

export interface Notice {
  id: number;
  tone: "info" | "error" | "success";
  text: string;
}

export interface TipMenuItem {
  id: string;
  label: string;
  price: number;
}

export function moodColor(mood: string | undefined): string {
  return MOODS.find((m) => m.id === mood)?.color ?? MOODS.find((m) => m.id === "neutral")!.color;
}

export class StreamRoomState {
  readonly streamId: string;
  readonly conn: RoomConnection<StreamSnapshot>;

  info = $state<StreamInfo | null>(null);
  infoError = $state<string | null>(null);
  infoStatus = $state(0);
  /** Where to play: GET /streams/:id/playback (signed and expiring unless the stream is public). */
  playbackUrl = $state<string | null>(null);
  /** The goal from the REST API, shown until the room's state carries one. */
  configuredGoal = $state<TipGoal | null>(null);
  /** Persisted chat, shown until the room's own tail arrives. */
  history = $state<ChatLine[]>([]);
  tipMenu = $state<TipMenuItem[]>([]);
  notices = $state<Notice[]>([]);
  /** Bumped on every `confetti`; the overlay bursts when it changes. */
  confetti = $state(0);
  killed = $state(false);
  ended = $state(false);
  kicked = $state(false);
  lastTip = $state<{ amount: number; balance: number } | null>(null);
  pendingTip = $state(false);

  get goal(): TipGoal | undefined {
    const room = this.conn.state?.tipGoal;
    return room && room.target > 0 ? room : (this.configuredGoal ?? room);
  }

  get snapshot() {
    return this.conn.state;
  }
  get status(): StreamStatus {
    return this.killed ? "killed" : this.ended ? "ended" : (this.conn.state?.status ?? this.info?.status ?? "offline");
  }
  get chat(): ChatLine[] {
    return this.conn.state?.chat?.length ? this.conn.state.chat : this.history;
  }
  get mood() {
    return this.conn.state?.mood ?? "neutral";
  }
  get moodIntensity() {
    return this.conn.state?.moodIntensity ?? 50;
  }
  get tint() {
    return moodColor(this.conn.state?.mood);
  }
  get hlsUrl() {
    if (this.status !== "live") return "";
    // With the media API, only its (possibly signed) URL plays; an unsigned one would be refused.
    if (this.session.caps.has("GET", "/streams/{id}/playback")) return this.playbackUrl ?? "";
    return this.conn.state?.hlsUrl || this.info?.hlsUrl || "";
  }
  get isCreator() {
    return !!this.session.user && this.session.user.id === (this.conn.state?.creatorId ?? this.info?.creatorId);
  }
  /** Creator of this stream, or mod and up: moderation and the panic button. */
  get isModerator() {
    return this.isCreator || ["mod", "admin", "super_admin"].includes(this.session.role);
  }

  #nextNotice = 1;
  #offs: Array<() => void> = [];

  readonly session: Session;

  constructor(session: Session, streamId: string) {
    this.session = session;
    this.streamId = streamId;
    this.conn = new RoomConnection<StreamSnapshot>({
      roomName: "stream",
      joinOptions: { streamId },
      cacheKey: `teezu.room.stream.${streamId}`,
      token: () => session.accessToken(),
      finalCodes: [CLOSE_KICKED, CLOSE_KILLED, CLOSE_ENDED],
    });
    this.#offs.push(
      this.conn.onState((st) => {
        if (st.status === "live" && !this.playbackUrl) void this.loadPlayback();
      }),
      this.conn.on("killed", () => {
        this.killed = true;
        this.notify("error", "The stream was stopped with the panic button.");
      }),
      this.conn.on("ended", () => {
        this.ended = true;
        this.notify("info", "The stream has ended.");
      }),
      this.conn.on("kicked", () => {
        this.kicked = true;
        this.notify("error", "You were removed from this stream.");
      }),
      this.conn.on("banned", () => {
        this.kicked = true;
        this.notify("error", "You were banned from this creator's streams.");
      }),
      this.conn.on("__closed", ({ code }: { code: number }) => {
        if (code === CLOSE_KILLED) this.killed = true;
        if (code === CLOSE_ENDED) this.ended = true;
        if (code === CLOSE_KICKED) this.kicked = true;
      }),
      this.conn.on("confetti", () => this.confetti++),
      this.conn.on("tipped", (m: { amount: number; balance: number }) => {
        this.pendingTip = false;
        this.lastTip = m;
        this.session.setBalance(m.balance);
        this.notify("success", `Thank you! You tipped ${m.amount} TKN.`);
      }),
      this.conn.on("error", (e: { code: string; message: string }) => {
        this.pendingTip = false;
        this.notify("error", e.message || e.code);
      }),
      this.conn.on("notice", (n: { message: string }) => this.notify("info", n.message)),
      this.conn.on("muted", () => this.notify("error", "You are muted in this stream.")),
      this.conn.on("unmuted", () => this.notify("info", "You can chat again.")),
      this.conn.on("reported", () => this.notify("success", "Thanks — the report reached the moderators.")),
      // The creator changed the menu: the room tells viewers to reload it.
      this.conn.on("tipmenu", () => void this.loadTipMenu()),
      this.conn.on("mood_set", (m: { mood: string }) => this.notify("success", `Mood set to ${MOODS.find((x) => x.id === m.mood)?.label ?? m.mood}.`)),
    );
  }

  /** Metadata, chat history and the live connection, all at once; the cache already rendered. */
  async start(): Promise<void> {
    // The cached state is already on screen. Metadata, goal and history load in parallel; the
    // join follows the metadata by one round trip so a stream known to be over (or invisible to
    // this viewer) is never joined just to be refused.
    const info = this.loadInfo();
    await Promise.all([
      info.then(() => this.loadTipMenu()),
      this.loadHistory(),
      this.loadGoal(),
      info.then(() => {
        if (this.killed || this.ended) return this.conn.refuse(410, this.killed ? "This stream has been stopped" : "This stream has ended");
        if (this.infoStatus === 404 || this.infoStatus === 403) return this.conn.refuse(this.infoStatus, this.infoError ?? "Stream not found");
        return this.conn.connect();
      }),
    ]);
    if (this.conn.status === "refused") {
      const code = this.conn.reason?.code;
      if (code === 410) {
        if (this.info?.status === "killed") this.killed = true;
        else this.ended = true;
      }
    }
  }

  async loadInfo() {
    try {
      this.info = await this.session.api.get<StreamInfo>(`/streams/${this.streamId}`);
      if (this.info.status === "killed") this.killed = true;
      if (this.info.status === "ended") this.ended = true;
      if (this.info.status === "live") void this.loadPlayback();
    } catch (err) {
      this.infoError = errorText(err);
      this.infoStatus = err instanceof ApiError ? err.status : 0;
    }
  }

  #playbackLoading = false;

  async loadPlayback() {
    if (this.#playbackLoading || this.playbackUrl) return;
    this.#playbackLoading = true;
    try {
      if (!(await this.session.capabilities()).has("GET", "/streams/{id}/playback")) return;
      const res = await this.session.api.get<{ hlsUrl: string | null }>(`/streams/${this.streamId}/playback`);
      this.playbackUrl = res.hlsUrl;
    } catch {
      /* not live any more, or not visible: the stage says why */
    } finally {
      this.#playbackLoading = false;
    }
  }

  /** The goal as configured (wallet); the room's `tipGoal` takes over once it carries one. */
  async loadGoal() {
    if (!(await this.session.capabilities()).feature("goals")) return;
    try {
      const res = await this.session.api.get<{ goal: { label: string; target: number } | null }>(`/streams/${this.streamId}/goal`);
      this.configuredGoal = res.goal ? { label: res.goal.label, target: res.goal.target, current: 0 } : null;
    } catch {
      /* the room's goal still shows */
    }
  }

  async loadHistory() {
    if (this.conn.state?.chat?.length) return;
    try {
      const page = await this.session.api.get<Page<ChatLine> & { lines?: ChatLine[] }>(`/streams/${this.streamId}/chat?limit=50`);
      const lines = page.items ?? page.lines ?? [];
      if (!this.conn.state?.chat?.length) this.history = lines;
    } catch {
      /* history is a nicety; the room sends its own tail */
    }
  }

  /** The creator's priced actions (wallet feature); needs the creator id, so it follows loadInfo. */
  async loadTipMenu() {
    if (!(await this.session.capabilities()).tipMenuPath()) return;
    const creatorId = this.info?.creatorId ?? this.conn.state?.creatorId;
    if (!creatorId) return;
    try {
      const res = await this.session.api.get<{ items: TipMenuItem[] }>(`/creators/${creatorId}/tip-menu`);
      this.tipMenu = res.items ?? [];
    } catch {
      this.tipMenu = [];
    }
  }

  sendChat(text: string): boolean {
    const t = text.trim();
    if (!t) return false;
    return this.conn.send("chat", { text: t });
  }

  tip(amount: number, itemId?: string) {
    if (!Number.isInteger(amount) || amount <= 0) {
      this.notify("error", "A tip is a whole number of tokens above 0.");
      return;
    }
    this.pendingTip = true;
    // The idempotency key makes a retried tip debit once (CONTRACT `tip`).
    this.conn.send("tip", { amount, key: crypto.randomUUID(), ...(itemId ? { itemId } : {}) });
  }

  setMood(mood: string, intensity: number) {
    this.conn.send("mood", { mood, intensity: Math.round(intensity) });
  }

  report(reason: string, messageId?: string, userId?: string) {
    this.conn.send("report", { reason, ...(messageId ? { messageId } : {}), ...(userId ? { userId } : {}) });
  }

  moderate(action: "mute" | "unmute" | "kick" | "ban" | "delete" | "slow", target: { userId?: string; messageId?: string; seconds?: number }) {
    this.conn.send("moderate", { action, ...target });
  }

  panic() {
    this.conn.send("panic", {});
  }

  notify(tone: Notice["tone"], text: string) {
    const id = this.#nextNotice++;
    this.notices = [...this.notices.slice(-3), { id, tone, text }];
    setTimeout(() => (this.notices = this.notices.filter((n) => n.id !== id)), tone === "error" ? 6000 : 3500);
  }

  async dispose() {
    for (const off of this.#offs.splice(0)) off();
    await this.conn.dispose();
  }
}
