// One member's session with one AI companion. Lifecycle and message handlers only: the companion
// itself is an actor from engine/ai (CompanionActor) that the room hands the conversation to and
// whose vetted pieces it appends to state as they come (`done:false` until the reply ends). The
// room never sees a model, a prompt or unscanned text. History goes out through the write-behind
// queue; facts are extracted when the session ends. `safeword` ends everything at once.
import { randomUUID } from "node:crypto";
import { ServerError, type Client } from "@colyseus/core";
import { LOST_THREAD, type CompanionActor } from "../../engine/ai/CompanionBot.ts";
import { rememberSession } from "../../engine/ai/rememberSession.ts";
import { limitsForRole, type TierLimits } from "../../engine/ai/tiers.ts";
import type { ChatTurn, Persona, RecalledMemory } from "../../engine/ai/types.ts";
import type { Services } from "../../engine/services.ts";
import { RoomError } from "../shared/RoomError.ts";
import { roomAuth, type RoomAuth } from "../shared/roomAuth.ts";
import { TeezuRoom } from "../shared/TeezuRoom.ts";
import { keepTail, MAX_KEPT_TURNS, MAX_SESSION_LINES, MAX_SHOWN, messageId, overflow } from "./logic.ts";
import { joinOptions, safewordMessage, sayMessage } from "./messages.ts";
import { CompanionMessage, CompanionState } from "./state.ts";

/** Close code after a safeword, so clients can tell it from a normal end. */
export const CLOSE_SAFEWORD = 4420;
/** The member's account was erased while the session was open. */
export const CLOSE_GONE = 4404;
const RECONNECT_SECONDS = 20;
/** A session's end must not hold shutdown hostage to a slow model or embedder. */
const REMEMBER_TIMEOUT_MS = 10_000;
/** A member's tabs share one session; more than this is not a person. */
const MAX_TABS = 4;

export const SAFEWORD_MESSAGE = "Session ended. Nothing from this session will be brought up again. Take care of yourself.";

export function createCompanionRoom(s: Services) {
  return class CompanionRoom extends TeezuRoom<{ state: CompanionState; client: Client<{ auth: RoomAuth }> }> {
    protected readonly log = s.logger.child({ room: "companion" });
    override maxClients = MAX_TABS;
    private ownerId!: string;
    private persona!: Persona;
    private limits!: TierLimits;
    private bot!: CompanionActor;
    private turns: ChatTurn[] = [];
    private readonly sessionId = randomUUID();
    private sessionLines: string[] = [];
    private replying: AbortController | null = null;
    private firstReply = true;
    private closing = false;
    private safeworded = false;

    static override async onAuth(token: string | undefined, options: unknown) {
      const auth = await roomAuth(s, token, false);
      if (auth.anonymous || limitsForRole(auth.role).tier === "none") throw new ServerError(403, "AI companions are for members");
      // Matchmaking filters on companionId + ownerId (rooms/index.ts), and this overwrites whatever
      // the client sent: every member lands in their own session and can never pick someone else's.
      if (typeof options === "object" && options !== null) (options as Record<string, unknown>).ownerId = auth.id;
      return auth;
    }

    override async onCreate(options: unknown) {
      const parsed = joinOptions.safeParse(options);
      if (!parsed.success) throw new ServerError(400, "companionId (a uuid) is required");
      const persona = await s.ai.personas.get(parsed.data.companionId);
      if (!persona) throw new ServerError(404, "Companion not found");
      this.persona = persona;
      this.ownerId = parsed.data.ownerId;
      this.autoDispose = true;
      // A store outage must fail the join: starting empty would overwrite the saved history later.
      try {
        this.turns = await s.ai.conversations.load(this.ownerId, persona.id);
      } catch (err) {
        this.log.error({ err }, "conversation history unavailable");
        throw new ServerError(503, "Your conversation history is unavailable right now; try again shortly");
      }
      this.setState(new CompanionState({ companionId: persona.id, name: persona.name, offline: s.ai.mode === "offline" }));
      for (const turn of this.turns.slice(-MAX_SHOWN)) this.state.messages.push(new CompanionMessage({ ...turn, done: true }));
      // No setMetadata here: it would replace the listing's companionId + ownerId that matchmaking filters on.

      this.handle("say", sayMessage, (client, m) => this.onSay(client, m.text), { capacity: 5, perSecond: 0.5 });
      this.handle("safeword", safewordMessage, () => this.onSafeword(), { capacity: 5, perSecond: 5 });
      this.answerUnknownMessages();

      const greeting = persona.model_config.greeting;
      if (this.turns.length === 0 && greeting && (await s.ai.guard.allowsOutput(greeting))) this.addTurn("assistant", greeting);
    }

    override async onJoin(client: Client<{ auth: RoomAuth }>) {
      const auth = client.auth as RoomAuth;
      if (this.closing) throw new ServerError(410, "This session has ended");
      if (auth.anonymous || auth.id !== this.ownerId) throw new ServerError(403, "This is someone else's session");
      // The role may have changed since the session began (an upgrade, a demotion): the latest join decides.
      this.limits = limitsForRole(auth.role);
      this.bot = s.ai.bot(this.persona, this.limits);
      this.state.tier = this.limits.tier;
      const quota = await s.ai.quota.peek(this.ownerId, this.limits.messagesPerHour);
      this.state.quotaLeft = quota.limit - quota.used;
    }

    override onDrop(client: Client<{ auth: RoomAuth }>) {
      if (this.closing) return;
      this.allowReconnection(client, RECONNECT_SECONDS).catch(() => undefined);
    }

    override onLeave() {
      // Nobody left to read the reply: stop paying for it.
      if (this.clients.length === 0) this.replying?.abort();
    }

    override async onDispose() {
      this.replying?.abort();
      this.persist();
      if (this.safeworded || this.sessionLines.length === 0) return;
      try {
        // The account may have been erased meanwhile; its memories must not come back.
        if (!(await s.stores.sql.users.byId(this.ownerId))) return;
        await withTimeout(
          rememberSession(s.ai, { userId: this.ownerId, companionId: this.persona.id, sessionId: this.sessionId, userLines: this.sessionLines }),
          REMEMBER_TIMEOUT_MS,
        );
      } catch (err) {
        this.log.error({ err, companionId: this.persona.id }, "session memories not stored");
      }
    }

    // ------------------------------------------------------------------ handlers

    private async onSay(client: Client, text: string) {
      if (this.closing) return;
      if (this.replying) throw new RoomError("busy", `${this.persona.name} is still replying; wait for the reply to finish`);
      // Claimed before the first await, so a second `say` arriving meanwhile is refused above.
      const abort = new AbortController();
      this.replying = abort;
      try {
        await this.answer(client, text, abort);
      } finally {
        if (this.replying === abort) this.replying = null;
      }
    }

    private async answer(client: Client, text: string, abort: AbortController) {
      const screened = await s.ai.guard.screenInput(text);
      if (!screened.ok) {
        // Refused before any model sees it: the companion answers with the refusal, the sender gets the reason.
        this.addTurn("assistant", screened.refusal, { keep: false });
        throw new RoomError(screened.code, screened.message);
      }
      if (screened.redacted.length) client.send("notice", { code: "redacted", reasons: screened.redacted, message: `Parts of your message were removed before ${this.persona.name} saw it (${screened.redacted.join(", ")})` });

      if (!(await s.stores.sql.users.byId(this.ownerId))) {
        void this.end(CLOSE_GONE, "gone", "Your account no longer exists");
        return;
      }
      const quota = await s.ai.quota.take(this.ownerId, this.limits.messagesPerHour);
      this.state.quotaLeft = Math.max(0, quota.limit - quota.used);
      if (!quota.allowed) {
        throw new RoomError("ai_quota", `Your ${this.limits.tier} AI tier allows ${quota.limit} messages an hour; more in ${Math.ceil(quota.retryAfterSeconds / 60)} min`);
      }
      if (this.closing || abort.signal.aborted) return;

      this.addTurn("user", screened.text);
      this.sessionLines = keepTail([...this.sessionLines, screened.text], MAX_SESSION_LINES);
      const memories: RecalledMemory[] = await s.ai.memories.recall(this.ownerId, this.persona.id, screened.text, this.limits.memoryDepth);
      if (this.closing || abort.signal.aborted) return;

      const reply = this.addTurn("assistant", "", { done: false });
      let withheld = 0;
      try {
        const pieces = this.bot.reply(this.turns.slice(0, -1), memories.map((m) => m.text), {
          signal: abort.signal,
          firstReply: this.firstReply,
          onWithheld: (sentence) => {
            withheld++;
            this.log.warn({ companionId: this.persona.id, chars: sentence.length }, "companion sentence withheld by the output scanner");
          },
        });
        for await (const piece of pieces) {
          if (abort.signal.aborted) break;
          reply.message.text += piece;
        }
      } finally {
        // A model that streamed nothing still owes the member an answer.
        reply.message.text = reply.message.text.trimEnd() || (abort.signal.aborted ? "" : LOST_THREAD);
        reply.message.done = true;
        reply.turn.text = reply.message.text;
        this.firstReply = false;
        this.persist();
      }
      if (this.limits.debug) {
        client.send("debug", {
          model: s.ai.modelFor(this.limits, this.persona),
          mode: s.ai.mode,
          withheld,
          memories: memories.map(({ text, importance, relevance, recency, score }) => ({ text, importance, relevance, recency, score })),
        });
      }
    }

    private async onSafeword() {
      await this.end(CLOSE_SAFEWORD, "safeword", SAFEWORD_MESSAGE);
    }

    // ------------------------------------------------------------------ helpers

    /** Ends the session for every tab at once: the reply stops, clients are told, then disconnected. */
    private async end(code: number, reason: string, message: string) {
      if (this.closing) return;
      this.closing = true;
      this.safeworded = reason === "safeword";
      this.replying?.abort();
      this.broadcast("ended", { reason, message });
      await this.lock();
      this.disconnect(code).catch((err: unknown) => this.log.error({ err }, "disconnect after session end failed"));
    }

    /** Shows a turn in state (last 50) and, unless `keep: false`, adds it to the history (last 100). */
    private addTurn(role: ChatTurn["role"], text: string, options: { done?: boolean; keep?: boolean } = {}) {
      const ts = this.now();
      const turn: ChatTurn = { id: messageId(ts), role, text, ts };
      const messages = this.state.messages;
      const drop = overflow(messages.length, MAX_SHOWN);
      if (drop > 0) messages.splice(0, drop);
      const message = new CompanionMessage({ ...turn, done: options.done ?? true });
      messages.push(message);
      if (options.keep !== false) this.turns = keepTail([...this.turns, turn], MAX_KEPT_TURNS);
      return { turn, message };
    }

    /** Queues the history; never throws into a handler (a refused write is logged, the session goes on). */
    private persist() {
      const turns = this.turns.filter((t) => t.text !== "");
      if (turns.length === 0) return;
      try {
        s.ai.conversations.saveLater(this.ownerId, this.persona.id, turns, this.now());
      } catch (err) {
        this.log.error({ err, companionId: this.persona.id }, "conversation history not queued");
      }
    }
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
