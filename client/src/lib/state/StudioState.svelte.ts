// The Creator Studio (SPEC §10): the creator's current stream (created on "Go live" with its
// RTMP URL and key), its live room as the creator sees it (chat, tips, reports, mood, panic),
// tip menu and goal editors, the wheel setup, and the AI assistant's suggested replies and hints.
import { ApiError, errorText } from "../api.ts";
import type { Session } from "../session.svelte.ts";
import { StreamRoomState, type TipMenuItem } from "../realtime/StreamRoomState.svelte.ts";
import { WheelRoomState } from "../realtime/WheelRoomState.svelte.ts";
import type { ChatLine, Page, StreamInfo, WheelSegment } from "../types.ts";

export interface Suggestion {
  text: string;
  /** Where it came from: the creator's AI twin, or the studio's own rule-based hints. */
  source: "twin" | "hint";
  why?: string;
}

export interface Goal {
  label: string;
  target: number;
  next?: Array<{ label: string; target: number }>;
}

const OPEN: ReadonlyArray<StreamInfo["status"]> = ["offline", "live"];

export class StudioState {
  readonly session: Session;
  stream = $state<StreamInfo | null>(null);
  live = $state.raw<StreamRoomState | null>(null);
  wheel = $state.raw<WheelRoomState | null>(null);
  loading = $state(true);
  busy = $state(false);
  error = $state<string | null>(null);
  menu = $state<TipMenuItem[]>([]);
  goal = $state<Goal | null>(null);
  suggestions = $state<Suggestion[]>([]);
  suggesting = $state(false);
  twinNote = $state<string | null>(null);

  /** The newest line from a fan (not the creator, not the system): what the assistant answers. */
  get lastFanLine(): ChatLine | undefined {
    return [...(this.live?.chat ?? [])].reverse().find((l) => l.kind === "chat" && l.userId && l.userId !== this.session.user?.id);
  }
  /** Rule-based pricing and timing hints from what the room shows right now. */
  get hints(): string[] {
    const st = this.live?.conn.state;
    if (!st) return [];
    const out: string[] = [];
    const viewers = st.viewerCount ?? 0;
    const goal = this.live?.goal;
    const tips = (st.chat ?? []).filter((l) => l.kind === "tip").length;
    if (st.status !== "live") out.push("You are not live yet: start your encoder with the RTMP URL and key.");
    if (!goal || goal.target === 0) out.push("Set a tip goal: rooms with a visible goal get more tips.");
    else if (goal.current / goal.target >= 0.8) out.push(`The goal is ${Math.round((goal.current / goal.target) * 100)}% there — a shout-out now can finish it.`);
    if (viewers >= 5 && this.menu.length === 0) out.push(`${viewers} people are watching: add a tip menu so they know what to tip for.`);
    if ((st.energy ?? 0) >= 70) out.push("Energy is high: a good moment for a wheel spin or a menu item.");
    if ((st.energy ?? 100) < 20 && st.status === "live") out.push("Energy is low: ask the chat a question or change the mood.");
    if (tips === 0 && viewers > 0 && st.status === "live") out.push("No tips yet: thank early chatters by name.");
    return out;
  }

  constructor(session: Session) {
    this.session = session;
  }

  get allowed() {
    return this.session.can("stream.go_live") && !!this.session.user?.isVerified;
  }

  async load() {
    const me = this.session.user;
    if (!me) return;
    this.loading = true;
    try {
      const [mine] = await Promise.all([this.session.api.get<Page<StreamInfo>>(`/streams?creatorId=${me.id}&limit=20`), this.loadMenu()]);
      const current = mine.items.find((s) => OPEN.includes(s.status));
      if (current) await this.#attach(await this.session.api.get<StreamInfo>(`/streams/${current.id}`));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loading = false;
    }
  }

  async goLive(input: { title: string; tags: string[]; explicit: boolean; visibility: StreamInfo["visibility"] }) {
    this.busy = true;
    this.error = null;
    try {
      const created = await this.session.api.post<StreamInfo>("/streams", input);
      await this.#attach(created);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  async #attach(stream: StreamInfo) {
    await this.#detach();
    this.stream = stream;
    const live = new StreamRoomState(this.session, stream.id);
    this.live = live;
    const wheel = (await this.session.capabilities()).feature("wheel") ? new WheelRoomState(this.session, stream.id) : null;
    this.wheel = wheel;
    await Promise.all([live.start(), wheel?.start(), this.loadGoal(stream.id)]);
  }

  async #detach() {
    const { live, wheel } = this;
    this.live = null;
    this.wheel = null;
    await Promise.all([live?.dispose(), wheel?.dispose()]);
  }

  async rotateKey() {
    if (!this.stream) return;
    try {
      const res = await this.session.api.post<{ streamKey: string; rtmpUrl: string }>(`/streams/${this.stream.id}/key`);
      this.stream = { ...this.stream, streamKey: res.streamKey, rtmpUrl: res.rtmpUrl };
      this.live?.notify("success", "New stream key: update your encoder.");
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async endStream() {
    if (!this.stream) return;
    try {
      this.stream = await this.session.api.post<StreamInfo>(`/streams/${this.stream.id}/end`);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** After a panic or an end: back to the "go live" form. */
  async reset() {
    await this.#detach();
    this.stream = null;
    this.goal = null;
    this.suggestions = [];
  }

  // ------------------------------------------------------------------ tip menu and goal (wallet)

  async loadMenu() {
    const me = this.session.user;
    if (!me || !(await this.session.capabilities()).feature("tipMenu")) return;
    try {
      this.menu = (await this.session.api.get<{ items: TipMenuItem[] }>(`/creators/${me.id}/tip-menu`)).items;
    } catch {
      this.menu = [];
    }
  }

  async addMenuItem(label: string, price: number) {
    try {
      const item = await this.session.api.post<TipMenuItem>("/tip-menu", { label, price });
      this.menu = [...this.menu, item];
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }

  async removeMenuItem(id: string) {
    try {
      await this.session.api.delete(`/tip-menu/${id}`);
      this.menu = this.menu.filter((m) => m.id !== id);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async loadGoal(streamId: string) {
    if (!(await this.session.capabilities()).feature("goals")) return;
    try {
      this.goal = (await this.session.api.get<{ goal: Goal | null }>(`/streams/${streamId}/goal`)).goal;
    } catch {
      this.goal = null;
    }
  }

  async saveGoal(goal: Goal) {
    if (!this.stream) return false;
    try {
      this.goal = await this.session.api.put<Goal>(`/streams/${this.stream.id}/goal`, goal);
      if (this.live) this.live.configuredGoal = { label: goal.label, target: goal.target, current: this.live.goal?.current ?? 0 };
      this.live?.notify("success", "Goal saved: viewers see it now.");
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }

  configureWheel(segments: WheelSegment[], price: number) {
    this.wheel?.configure(segments, price);
  }

  // ------------------------------------------------------------------ AI assistant

  /** Suggested replies to the newest fan line: the creator's AI twin when installed, else rule-based openers. */
  async suggest() {
    const line = this.lastFanLine;
    if (!line) {
      this.suggestions = [];
      return;
    }
    this.suggesting = true;
    this.twinNote = null;
    try {
      if ((await this.session.capabilities()).feature("twin")) {
        const res = await this.session.api.post<{ suggestions: Array<{ text: string; source: string }>; status?: { lines: number } }>("/ai/twin/suggestions", { message: line.text, count: 3 });
        this.suggestions = res.suggestions.map((x) => ({ text: x.text, source: "twin" as const, why: x.source === "past_line" ? "from your past replies" : "generated" }));
        if (res.status && res.status.lines === 0) this.twinNote = "Your AI twin has not learned from your chat yet — train it below.";
        if (this.suggestions.length) return;
      }
      this.suggestions = ruleBasedReplies(line);
    } catch (err) {
      this.twinNote = err instanceof ApiError && err.status === 429 ? "AI allowance used up for this hour — showing simple suggestions." : errorText(err);
      this.suggestions = ruleBasedReplies(line);
    } finally {
      this.suggesting = false;
    }
  }

  async trainTwin() {
    try {
      const status = await this.session.api.post<{ lines: number }>("/ai/twin/train");
      this.twinNote = `Your AI twin learned from ${status.lines} of your chat lines.`;
    } catch (err) {
      this.twinNote = errorText(err);
    }
  }

  sendSuggestion(s: Suggestion) {
    this.live?.sendChat(s.text);
  }

  async dispose() {
    await this.#detach();
  }
}

/** Friendly openers when no AI twin answers; honest about being simple. */
function ruleBasedReplies(line: ChatLine): Suggestion[] {
  const name = line.name.split(/\s+/)[0] ?? "there";
  const question = /\?\s*$/.test(line.text);
  return [
    { text: question ? `Good question, ${name}! Give me a second and I'll answer.` : `Thanks for being here, ${name}!`, source: "hint", why: "simple opener" },
    { text: `Welcome in, ${name} — what brings you here tonight?`, source: "hint", why: "simple opener" },
    { text: `Love that, ${name}. Keep the messages coming!`, source: "hint", why: "simple opener" },
  ];
}
