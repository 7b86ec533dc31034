// The live-stream actor: one room per stream. Lifecycle and message handlers only; rules live in
// logic.ts, schemas in state.ts and messages.ts. Chat never awaits a store: lines go to the
// write-behind queue. Panic kills the stream for everyone at once.
import { randomBytes } from "node:crypto";
import { ServerError, type Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { can, type Role } from "../../config/roles.ts";
import type { EngineEvent } from "../../engine/events/EngineEvents.ts";
import type { XpEvent } from "../../engine/gamification/policy.ts";
import type { Services } from "../../engine/services.ts";
import type { StreamRow } from "../../engine/streams/types.ts";
import { AudienceMood } from "../../engine/analytics/AudienceMood.ts";
import { moodSampleWrite } from "../../engine/analytics/MoodSample.ts";
import { DuplicateFloodGuard } from "../../engine/safety/DuplicateFloodGuard.ts";
import { RoomError } from "../shared/RoomError.ts";
import { roomAuth, type RoomAuth } from "../shared/roomAuth.ts";
import { TeezuRoom } from "../shared/TeezuRoom.ts";
import { chatCollection, seqKey, type ChatKind, type ChatLineDoc } from "./chatLog.ts";
import { applyTipToGoal, countViewers, isMuted, overflow, slowModeWait, updateLeaderboard, type GoalProgress, type LeaderRow, type Mute } from "./logic.ts";
import { chatMessage, joinOptions, moderateMessage, moodMessage, panicMessage, reportMessage, tipMessage, type ModerateMessage } from "./messages.ts";
import { ChatLine, LeaderEntry, MutedUser, ReportItem, StreamState, TipMenuEntry } from "./state.ts";
import { WalletError, type TipMenuItem } from "../../engine/wallet/types.ts";

/** Close codes clients can tell apart. */
export const CLOSE_KICKED = 4403;
export const CLOSE_KILLED = 4410;
export const CLOSE_ENDED = 4411;

const RECONNECT_SECONDS = 20;
/** Least time between two patches that a chat line triggers (see flushChatSoon). */
const CHAT_FLUSH_GAP_MS = 20;
const VIEWER_KEY_TTL_MS = 10 * 60 * 1000;
const AUDIENCE_MOOD_EVERY_MS = 5000;
const MAX_REPORTS_SHOWN = 100;
const STAFF: readonly Role[] = ["mod", "admin", "super_admin"];

interface Seat {
  sessionId: string;
  hidden: boolean;
  userId: string | undefined;
  name: string;
  role: Role;
}

export function createStreamRoom(s: Services) {
  return class StreamRoom extends TeezuRoom<{ state: StreamState; client: Client<{ auth: RoomAuth }> }> {
    protected readonly log = s.logger.child({ room: "stream" });
    /** A stream room is the big one: thousands of viewers get the same patch. */
    protected override topicFanout = true;
    private stream!: StreamRow;
    private readonly seats = new Map<string, Seat>();
    private readonly lastPost = new Map<string, number>();
    private readonly mutes = new Map<string, Mute>();
    private readonly flood = new DuplicateFloodGuard();
    private readonly audience = new AudienceMood();
    private lineCounter = 0;
    private chatLines = 0;
    private startedAt: Date | null = null;
    private mirrorPending = false;
    private chatFlushPending = false;
    private lastPatchAt = 0;
    private disposed = false;
    private closing = false;
    private unsubscribe: (() => Promise<void>) | undefined;
    private goal: GoalProgress = { label: "", target: 0, current: 0, next: [] };
    /** Every tipper's total this session; the state shows the top 10. */
    private tippers: LeaderRow[] = [];
    private menu = new Map<string, TipMenuItem>();

    static override async onAuth(token: string | undefined) {
      return roomAuth(s, token, true);
    }

    override async onCreate(options: unknown) {
      const parsed = joinOptions.safeParse(options);
      if (!parsed.success) throw new ServerError(400, "streamId is required");
      const stream = await s.streams.get(parsed.data.streamId);
      if (!stream) throw new ServerError(404, "Stream not found");
      if (stream.status === "killed" || stream.status === "ended") throw new ServerError(410, `This stream has ${stream.status === "killed" ? "been stopped" : "ended"}`);
      // The SQL status is written just after a panic empties the old room; this marker closes that gap.
      if (await s.stores.cache.get(killedKey(stream.id)).catch(() => null)) throw new ServerError(410, "This stream has been stopped");
      this.stream = stream;
      this.startedAt = stream.startedAt;
      this.autoDispose = true;
      this.setState(
        new StreamState({
          streamId: stream.id,
          creatorId: stream.creatorId,
          title: stream.title,
          status: stream.status,
          explicit: stream.explicit,
          hlsUrl: stream.status === "live" ? hlsUrlOf(stream.id) : "",
        }),
      );
      await this.setMetadata({ streamId: stream.id, creatorId: stream.creatorId, title: stream.title });

      await Promise.all([this.loadTipMenu(), this.loadGoal()]);

      this.handle("tip", tipMessage, (client, m, auth) => this.onTip(client, m, auth), { capacity: 10, perSecond: 5 });
      this.handle("chat", chatMessage, (client, m, auth) => this.onChat(client, m.text, auth), { capacity: 5, perSecond: 1 });
      this.handle("mood", moodMessage, (client, m, auth) => this.onMood(client, m.mood, m.intensity, auth), { capacity: 5, perSecond: 1 });
      this.handle("moderate", moderateMessage, (client, m, auth) => this.onModerate(client, m, auth));
      this.handle("report", reportMessage, (client, m, auth) => this.onReport(client, m, auth), { capacity: 3, perSecond: 0.1 });
      this.handle("panic", panicMessage, (_client, _m, auth) => this.onPanic(auth), { capacity: 3, perSecond: 1 });
      this.answerUnknownMessages();

      this.clock.setInterval(() => this.refreshAudienceMood(), AUDIENCE_MOOD_EVERY_MS);
      this.clock.setInterval(() => this.awardWatchMinute(), 60_000);
      this.unsubscribe = await s.events.subscribe((e) => this.onEngineEvent(e));
    }

    override async onJoin(client: Client<{ auth: RoomAuth }>, options: unknown) {
      if (this.closing) throw new ServerError(410, "This stream has been stopped");
      const auth = client.auth as RoomAuth;
      const hidden = joinOptions.safeParse(options).data?.hidden === true;
      if (hidden && auth.role !== "admin" && auth.role !== "super_admin") throw new ServerError(403, "Only admins may watch hidden");
      if (this.stream.explicit && !can(auth.role, "content.view_explicit")) throw new ServerError(403, "This stream is for verified adult members; log in to watch");
      if (this.stream.visibility !== "public" && auth.anonymous) throw new ServerError(403, "Log in to watch this stream");
      if (this.stream.visibility === "private" && !this.isModerator(auth)) throw new ServerError(403, "This stream is private");
      if (!auth.anonymous && auth.id !== this.stream.creatorId && (await s.streams.isBanned(this.stream.creatorId, auth.id))) {
        throw new ServerError(403, "You are banned from this creator's streams");
      }
      this.seats.set(client.sessionId, { sessionId: client.sessionId, hidden, userId: auth.id, name: auth.displayName, role: auth.role });
      if (this.isModerator(auth)) {
        client.view = new StateView();
        client.view.add(this.state.modPanel);
      }
      this.updateViewerCount();
    }

    override onDrop(client: Client<{ auth: RoomAuth }>) {
      if (this.closing) return;
      // Rejects when the seat expires or the room is disposing (server shutdown); onLeave follows either way.
      this.allowReconnection(client, RECONNECT_SECONDS).catch(() => undefined);
    }

    override onLeave(client: Client<{ auth: RoomAuth }>) {
      const seat = this.seats.get(client.sessionId);
      this.seats.delete(client.sessionId);
      if (!seat?.userId) this.forgetRateLimits(client.sessionId);
      else if (this.seatsOf(seat.userId).length === 0) this.forgetRateLimits(seat.userId);
      this.updateViewerCount();
    }

    override async onDispose() {
      this.disposed = true;
      await this.unsubscribe?.().catch(() => undefined);
      s.stores.later.cache({ op: "del", keys: [viewerKey(this.stream.id)] });
      try {
        await s.streams.recordStats(this.stream.id, { startedAt: this.startedAt, endedAt: new Date(), peakViewers: this.state.peakViewers, chatLines: this.chatLines });
      } catch (err) {
        this.log.error({ err, streamId: this.stream.id }, "could not record stream stats");
      }
      // Chat lines of this room reach the store now rather than at the next timer tick.
      await s.stores.queue.flush().catch((err: unknown) => this.log.warn({ err }, "write-behind flush on dispose incomplete; items stay queued"));
    }

    /** What `GET /admin/rooms/:roomId/state` shows. */
    getInspectableState() {
      return { ...this.state.toJSON(), seats: [...this.seats.values()], mutes: Object.fromEntries(this.mutes) };
    }

    // ------------------------------------------------------------------ handlers

    private async onChat(client: Client, rawText: string, auth: RoomAuth) {
      if (!can(auth.role, "chat.send") || auth.anonymous) throw new RoomError("forbidden", "Log in with an adult member account to chat");
      if (this.seats.get(client.sessionId)?.hidden) throw new RoomError("forbidden", "Hidden observers cannot chat");
      if (this.state.status === "killed") throw new RoomError("stream_killed", "This stream has been stopped");
      const now = this.now();
      if (isMuted(this.mutes.get(auth.id), now)) throw new RoomError("muted", "You are muted in this stream");
      if (!this.isModerator(auth)) {
        const wait = slowModeWait(this.lastPost.get(auth.id), now, this.state.slowModeSeconds);
        if (wait > 0) throw new RoomError("slow_mode", `Slow mode is on: wait ${Math.ceil(wait / 1000)} s`);
      }
      const flood = this.flood.check(auth.id, rawText, now);
      if (!flood.ok) throw new RoomError("duplicate_message", `You already sent that; try again in ${Math.ceil(flood.retryAfterMs / 1000)} s`);
      const verdict = await s.safety.check(rawText, { surface: "chat" });
      if (verdict.action === "block") throw new RoomError(verdict.code, verdict.message);
      if (this.closing) return;
      const text = verdict.action === "redact" ? verdict.text : rawText;
      if (verdict.action === "redact") {
        client.send("notice", { code: "redacted", reasons: verdict.reasons, message: verdict.hint ?? `Parts of your message were removed (${verdict.reasons.join(", ")})` });
      }
      this.lastPost.set(auth.id, now);
      this.audience.add(text, now);
      const lineId = await this.addLineDurably(auth.id, auth.displayName, text);
      this.awardXp(client, { kind: "chat", userId: auth.id, streamId: this.stream.id, key: lineId });
    }

    private async onTip(client: Client, m: { amount: number; key: string; itemId?: string }, auth: RoomAuth) {
      if (auth.anonymous || auth.role === "viewer") throw new RoomError("forbidden", "Log in with an adult member account to tip");
      if (auth.id === this.stream.creatorId) throw new RoomError("forbidden", "You cannot tip your own stream");
      if (this.closing) throw new RoomError("stream_killed", "This stream has been stopped");
      const item = m.itemId === undefined ? undefined : this.menu.get(m.itemId);
      if (m.itemId !== undefined && !item) throw new RoomError("not_found", "That tip menu item does not exist any more");
      if (item && item.price !== m.amount) throw new RoomError("invalid_amount", `"${item.label}" costs ${item.price} TKN`);
      let result;
      try {
        result = await s.wallet.transfer({
          kind: item ? "tip_menu" : "tip",
          key: m.key,
          fromUserId: auth.id,
          toUserId: this.stream.creatorId,
          amount: m.amount,
          reference: { streamId: this.stream.id, ...(item ? { itemId: item.id } : {}) },
        });
      } catch (err) {
        if (err instanceof WalletError) throw new RoomError(err.code, err.message);
        throw err;
      }
      // A replayed key was already applied to the room when it was first paid.
      if (!result.replayed) this.applyTip(auth, m.amount, item, result.transactionId);
      client.send("tipped", { amount: result.amount, balance: result.balance });
    }

    private applyTip(auth: RoomAuth & { anonymous: false }, amount: number, item: TipMenuItem | undefined, transactionId: string) {
      const { goal, reached } = applyTipToGoal(this.goal, amount);
      this.goal = goal;
      this.syncGoal();
      s.stores.later.doc({ op: "set", collection: "stream_goal_progress", id: this.stream.id, data: { ...goal, next: goal.next, updatedAt: this.now() } });
      this.tippers = updateLeaderboard(this.tippers, { userId: auth.id, name: auth.displayName, amount }, Number.MAX_SAFE_INTEGER);
      this.state.leaderboard.splice(0, this.state.leaderboard.length, ...this.tippers.slice(0, 10).map((r) => new LeaderEntry(r)));
      this.addLine(auth.id, auth.displayName, item ? `${auth.displayName} tipped ${amount} TKN for "${item.label}"` : `${auth.displayName} tipped ${amount} TKN`, "tip");
      for (const label of reached) this.addLine(null, "TeezU", `Goal reached: ${label}!`, "system");
      this.broadcast("confetti", { userId: auth.id, name: auth.displayName, amount, ...(item ? { itemId: item.id, label: item.label } : {}), ...(reached.length ? { goals: reached } : {}) });
      const tipper = this.seatsOf(auth.id)[0];
      this.awardXp(tipper ? this.clients.get(tipper.sessionId) : undefined, { kind: "tip", userId: auth.id, streamId: this.stream.id, amount, key: transactionId });
    }

    private async loadTipMenu() {
      const items = await s.wallet.tipMenu(this.stream.creatorId);
      this.menu = new Map(items.map((i) => [i.id, i]));
      this.state.tipMenu.splice(0, this.state.tipMenu.length, ...items.map((i) => new TipMenuEntry({ id: i.id, label: i.label, price: i.price })));
    }

    /** The configured goal, with the progress this stream already made (kept across room restarts). */
    private async loadGoal() {
      const [config, progress] = await Promise.all([s.wallet.goal(this.stream.id), s.stores.docs.get("stream_goal_progress", this.stream.id) as Promise<GoalProgress | null>]);
      if (!config) {
        this.goal = { label: "", target: 0, current: 0, next: [] };
      } else if (progress && progress.label === config.label && progress.target === config.target) {
        this.goal = { label: config.label, target: config.target, current: progress.current, next: config.next };
      } else {
        this.goal = { label: config.label, target: config.target, current: 0, next: config.next };
      }
      this.syncGoal();
    }

    private syncGoal() {
      this.state.tipGoal.label = this.goal.label;
      this.state.tipGoal.target = this.goal.target;
      this.state.tipGoal.current = this.goal.current;
    }

    private onMood(client: Client, mood: string, intensity: number, auth: RoomAuth) {
      if (auth.anonymous || auth.id !== this.stream.creatorId) throw new RoomError("forbidden", "Only the creator sets the room's mood");
      this.state.mood = mood;
      this.state.moodIntensity = intensity;
      s.stores.later.doc(moodSampleWrite({ roomType: "stream", roomId: this.stream.id, source: "creator", mood, intensity, ts: this.now() }));
      client.send("mood_set", { mood, intensity });
    }

    private async onModerate(client: Client, m: ModerateMessage, auth: RoomAuth) {
      if (auth.anonymous || !this.isModerator(auth)) throw new RoomError("forbidden", "Only the creator and moderators can moderate");
      const target = m.userId;
      if (target !== undefined && (target === this.stream.creatorId || target === auth.id)) throw new RoomError("forbidden", "You cannot moderate yourself or the creator");
      const targetName = target ? (this.seatsOf(target)[0]?.name ?? "a user") : "";
      const now = this.now();
      switch (m.action) {
        case "mute": {
          const until = m.seconds ? now + m.seconds * 1000 : 0;
          this.mutes.set(target!, { until });
          this.state.modPanel.muted.set(target!, new MutedUser({ userId: target!, name: targetName, until }));
          for (const seat of this.seatsOf(target!)) this.clients.get(seat.sessionId)?.send("muted", { until });
          break;
        }
        case "unmute":
          this.mutes.delete(target!);
          this.state.modPanel.muted.delete(target!);
          for (const seat of this.seatsOf(target!)) this.clients.get(seat.sessionId)?.send("unmuted", {});
          break;
        case "ban":
          await s.streams.ban(this.stream.creatorId, target!, auth.id);
          this.kickUser(target!, "banned");
          break;
        case "unban":
          await s.streams.unban(this.stream.creatorId, target!);
          break;
        case "kick":
          this.kickUser(target!, "kicked");
          break;
        case "delete": {
          const index = this.state.chat.findIndex((l) => l.id === m.messageId);
          if (index < 0) throw new RoomError("not_found", "That message is no longer in the chat");
          this.state.chat.splice(index, 1);
          s.stores.later.doc({ op: "set", collection: chatCollection(this.stream.id), id: m.messageId!, data: { deleted: true, text: "" }, merge: true });
          break;
        }
        case "slow":
          this.state.slowModeSeconds = m.seconds!;
          this.addLine(null, "TeezU", m.seconds ? `Slow mode: one message every ${m.seconds} s` : "Slow mode is off", "system");
          break;
      }
      client.send("moderated", { action: m.action, ...(target ? { userId: target } : {}), ...(m.messageId ? { messageId: m.messageId } : {}) });
    }

    private async onReport(client: Client, m: { reason: string; userId?: string; messageId?: string }, auth: RoomAuth) {
      if (auth.anonymous || !can(auth.role, "moderation.report")) throw new RoomError("forbidden", "Log in to report");
      const report = await s.streams.report({ streamId: this.stream.id, reporterId: auth.id, targetUserId: m.userId ?? null, messageId: m.messageId ?? null, reason: m.reason });
      const reports = this.state.modPanel.reports;
      reports.push(new ReportItem({ id: report.id, reporterId: auth.id, reporterName: auth.displayName, targetUserId: m.userId ?? "", messageId: m.messageId ?? "", reason: m.reason, ts: this.now() }));
      if (reports.length > MAX_REPORTS_SHOWN) reports.splice(0, reports.length - MAX_REPORTS_SHOWN);
      client.send("reported", { id: report.id });
    }

    private async onPanic(auth: RoomAuth) {
      if (auth.anonymous || !this.isModerator(auth)) throw new RoomError("forbidden", "Only the creator and moderators can use the panic button");
      await this.kill(auth.id);
    }

    // ------------------------------------------------------------------ helpers

    /** Panic: everyone out now; persistence and the ingest cut follow. */
    private async kill(actorId: string) {
      if (this.closing) return;
      this.closing = true;
      await s.stores.cache.set(killedKey(this.stream.id), actorId, KILLED_MARKER_TTL_MS).catch((err: unknown) => this.log.error({ err }, "panic marker not cached"));
      await this.lock();
      this.state.status = "killed";
      this.broadcast("killed", {});
      this.disconnect(CLOSE_KILLED).catch((err: unknown) => this.log.error({ err }, "disconnect after panic failed"));
      await Promise.allSettled([
        s.events.publish({ type: "stream.killed", streamId: this.stream.id, by: actorId }),
        s.streams.kill(this.stream.id, actorId, "panic"),
      ]).then((results) => results.forEach((r) => r.status === "rejected" && this.log.error({ err: r.reason, streamId: this.stream.id }, "panic follow-up failed")));
    }

    private onEngineEvent(e: EngineEvent) {
      if (this.closing) return;
      if (e.type === "tipmenu.updated") {
        if (e.creatorId === this.stream.creatorId) this.loadTipMenu().catch((err: unknown) => this.log.error({ err }, "tip menu reload failed"));
        return;
      }
      if (e.streamId !== this.stream.id) return;
      switch (e.type) {
        case "stream.published":
          this.state.status = "live";
          this.state.hlsUrl = e.hlsUrl;
          this.startedAt ??= new Date();
          this.addLine(null, "TeezU", "The stream is live", "system");
          break;
        case "stream.unpublished":
          this.state.status = "offline";
          this.addLine(null, "TeezU", "The stream went offline", "system");
          break;
        case "stream.energy":
          this.state.energy = Math.max(0, Math.min(100, Math.round(e.energy)));
          break;
        case "stream.killed":
          void this.kill(e.by);
          break;
        case "goal.updated":
          this.loadGoal().catch((err: unknown) => this.log.error({ err }, "goal reload failed"));
          break;
        case "stream.ended":
          this.closing = true;
          this.state.status = "ended";
          this.addLine(null, "TeezU", "The stream has ended", "system");
          void this.lock();
          this.broadcast("ended", {});
          this.clock.setTimeout(() => void this.disconnect(CLOSE_ENDED), 3000);
          break;
      }
    }

    private addLine(userId: string | null, name: string, text: string, kind: ChatKind) {
      const line = this.persistLine(userId, name, text, kind);
      this.showLine(line);
      return line.id;
    }

    /**
     * A member's chat line is shown only once the write-behind journal has it on disk, so a line
     * anyone saw survives even a SIGKILL of the engine (a few ms of group commit).
     */
    private async addLineDurably(userId: string, name: string, text: string) {
      const line = this.persistLine(userId, name, text, "chat");
      await s.stores.later.durable().catch((err: unknown) => this.log.warn({ err }, "chat journal unavailable; line kept in memory"));
      if (!this.closing) this.showLine(line);
      return line.id;
    }

    private persistLine(userId: string | null, name: string, text: string, kind: ChatKind): ChatLineDoc {
      const ts = this.now();
      const id = `${ts.toString(36)}${randomBytes(5).toString("hex")}`;
      const doc: ChatLineDoc = { id, streamId: this.stream.id, userId, name, text, kind, ts, seq: seqKey(ts, ++this.lineCounter), deleted: false };
      s.stores.later.doc({ op: "set", collection: chatCollection(this.stream.id), id, data: doc });
      this.chatLines++;
      return doc;
    }

    private showLine(line: ChatLineDoc) {
      const chat = this.state.chat;
      const drop = overflow(chat.length);
      if (drop > 0) chat.splice(0, drop);
      chat.push(new ChatLine({ id: line.id, userId: line.userId ?? "", name: line.name, text: line.text, kind: line.kind, ts: line.ts }));
      this.flushChatSoon();
    }

    /**
     * A shown line goes out in a patch at once instead of waiting for the next `patchRate` tick
     * (50 ms), unless a patch went out less than CHAT_FLUSH_GAP_MS ago: then the lines of that gap
     * share the next patch. Latency (issue 9, P2) against frames per viewer, which cost the CPU (P1).
     */
    private flushChatSoon() {
      if (this.chatFlushPending) return;
      this.chatFlushPending = true;
      const flush = () => {
        this.chatFlushPending = false;
        if (!this.disposed) this.broadcastPatch();
      };
      const wait = this.lastPatchAt + CHAT_FLUSH_GAP_MS - performance.now();
      if (wait <= 0) setImmediate(flush);
      else setTimeout(flush, wait);
    }

    override broadcastPatch(): boolean {
      this.lastPatchAt = performance.now();
      return super.broadcastPatch();
    }

    /** XP is fire-and-forget and idempotent by key; the earner hears about it as `xp`. */
    private awardXp(client: Client | undefined, event: XpEvent) {
      void s.gamification.record(event).then((award) => {
        if (award && client) client.send("xp", award);
      });
    }

    /** One watch minute per logged-in viewer (several tabs count once). */
    private awardWatchMinute() {
      const minute = String(Math.floor(this.now() / 60_000));
      const seen = new Set<string>();
      for (const seat of this.seats.values()) {
        if (!seat.userId || seat.hidden || seen.has(seat.userId)) continue;
        seen.add(seat.userId);
        this.awardXp(this.clients.get(seat.sessionId), { kind: "watch", userId: seat.userId, streamId: this.stream.id, minutes: 1, key: minute });
      }
    }

    private kickUser(userId: string, why: "kicked" | "banned") {
      for (const seat of this.seatsOf(userId)) {
        const c = this.clients.get(seat.sessionId);
        c?.send(why, {});
        c?.leave(CLOSE_KICKED);
      }
    }

    private seatsOf(userId: string): Seat[] {
      return [...this.seats.values()].filter((x) => x.userId === userId);
    }

    private isModerator(auth: RoomAuth): boolean {
      return !auth.anonymous && (auth.id === this.stream.creatorId || STAFF.includes(auth.role));
    }

    private updateViewerCount() {
      const count = countViewers(this.seats.values());
      this.state.viewerCount = count;
      if (count > this.state.peakViewers) this.state.peakViewers = count;
      // Coalesced: a burst of joins costs one cache write.
      if (this.mirrorPending) return;
      this.mirrorPending = true;
      this.clock.setTimeout(() => {
        this.mirrorPending = false;
        s.stores.later.cache({ op: "set", key: viewerKey(this.stream.id), value: String(this.state.viewerCount), ttlMs: VIEWER_KEY_TTL_MS });
      }, 1000);
    }

    private refreshAudienceMood() {
      const now = this.now();
      const { mood, intensity } = this.audience.current(now);
      if (mood !== this.state.audienceMood) {
        this.state.audienceMood = mood;
        s.stores.later.doc(moodSampleWrite({ roomType: "stream", roomId: this.stream.id, source: "audience", mood, intensity, ts: now }));
      }
      // Keeps the live-list viewer count alive while the room lives.
      s.stores.later.cache({ op: "set", key: viewerKey(this.stream.id), value: String(this.state.viewerCount), ttlMs: VIEWER_KEY_TTL_MS });
    }
  };
}

export const viewerKey = (streamId: string) => `stream:${streamId}`;
const killedKey = (streamId: string) => `stream:${streamId}:killed`;
const KILLED_MARKER_TTL_MS = 24 * 3600 * 1000;
export const hlsUrlOf = (streamId: string) => `/hls/${streamId}/index.m3u8`;
