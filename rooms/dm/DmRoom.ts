// A 1-to-1 conversation: one room per pair of members (CONTRACT `dm`). Lifecycle and handlers only;
// rules live in logic.ts, schemas in state.ts and messages.ts, storage in ConversationStore.ts.
//
// End-to-end encrypted (e2ee.ts runs on the clients): the room relays and stores ciphertext only,
// so unlike stream chat it cannot run TextSafety on DMs. What protects people here instead is
// consent and exit: only members may DM, a block in either direction keeps a pair apart, and
// `safeword` ends the conversation for both at once and blocks the peer.
import { randomBytes } from "node:crypto";
import { ServerError, type Client, type Delayed } from "@colyseus/core";
import { can, isRole } from "../../config/roles.ts";
import type { Services } from "../../engine/services.ts";
import { WalletError } from "../../engine/wallet/types.ts";
import { RoomError } from "../shared/RoomError.ts";
import { roomAuth, type RoomAuth } from "../shared/roomAuth.ts";
import { TeezuRoom } from "../shared/TeezuRoom.ts";
import type { ConversationDoc, MessageDoc, TailEntry } from "./ConversationStore.ts";
import { TYPING_MS, messageSeq, overflow, pairKey, participantsOf, peerOf, typingKey, unlockDecision } from "./logic.ts";
import { joinOptions, readMessage, safewordMessage, sendMessage, typingMessage, unlockMessage, type SendMessage } from "./messages.ts";
import { DmMessage, DmState, ReadMark } from "./state.ts";

/** Close codes clients can tell apart. */
export const CLOSE_SAFEWORD = 4412;
export const CLOSE_BLOCKED = 4413;

const RECONNECT_SECONDS = 20;
/** Conversation-document writes are coalesced: a burst of lines costs one write of the tail. */
const PERSIST_DELAY_MS = 250;

type Member = RoomAuth & { anonymous: false };

export function createDmRoom(s: Services) {
  return class DmRoom extends TeezuRoom<{ state: DmState; client: Client<{ auth: RoomAuth }> }> {
    protected readonly log = s.logger.child({ room: "dm" });
    private conversationId!: string;
    private participants!: [string, string];
    /** Pay-per-view keys of messages sent in this session, withheld until paid. */
    private readonly withheld = new Map<string, string>();
    private readonly typingTimers = new Map<string, Delayed>();
    private counter = 0;
    private closing = false;
    private persistTimer: Delayed | undefined;
    private unsubscribe: (() => Promise<void>) | undefined;

    /**
     * Runs at matchmaking, before a room is picked: checks the pair may talk, then writes the pair
     * key into the options, which is what `filterBy(["pair"])` matches. Both sides thus land in
     * one room, and a client cannot pick someone else's pair (it is overwritten here).
     */
    static override async onAuth(token: string | undefined, options: Record<string, unknown>) {
      const auth = await roomAuth(s, token, false);
      if (auth.anonymous) throw new ServerError(401, "Authentication required");
      const parsed = joinOptions.safeParse(options);
      if (!parsed.success) throw new ServerError(400, "peerId must be a user id");
      const peerId = parsed.data.peerId;
      if (peerId === auth.id) throw new ServerError(400, "You cannot message yourself");
      if (!can(auth.role, "dm.send")) throw new ServerError(403, "Your account cannot send direct messages");
      const peer = await s.stores.sql.users.byId(peerId);
      if (!peer) throw new ServerError(404, "User not found");
      if (!isRole(peer.role) || !can(peer.role, "dm.send")) throw new ServerError(403, "That user cannot receive direct messages");
      if (await s.dm.blocks.isBlockedEitherWay(auth.id, peerId)) throw new ServerError(403, "You cannot message this user");
      options.pair = pairKey(auth.id, peerId);
      return auth;
    }

    override async onCreate(options: Record<string, unknown>) {
      const participants = typeof options.pair === "string" ? participantsOf(options.pair) : null;
      if (!participants) throw new ServerError(400, "peerId must be a user id");
      this.participants = participants;
      this.conversationId = pairKey(...participants);
      this.autoDispose = true;
      const stored = await s.dm.conversations.load(this.conversationId);
      this.setState(new DmState({ conversationId: this.conversationId }));
      this.state.participants.push(...participants);
      for (const m of stored?.messages ?? []) this.state.messages.push(new DmMessage(m));
      for (const [userId, mark] of Object.entries(stored?.reads ?? {})) this.state.reads.set(userId, new ReadMark(mark));
      this.counter = this.state.messages.length;

      this.handle("send", sendMessage, (client, m, auth) => this.onSend(client, m, auth as Member), { capacity: 10, perSecond: 2 });
      this.handle("typing", typingMessage, (_c, _m, auth) => this.onTyping(auth as Member), { capacity: 10, perSecond: 2 });
      this.handle("unlock", unlockMessage, (client, m, auth) => this.onUnlock(client, m.messageId, m.key, auth as Member), { capacity: 5, perSecond: 1 });
      this.handle("read", readMessage, (_c, m, auth) => this.onRead(m.messageId, auth as Member), { capacity: 10, perSecond: 5 });
      this.handle("safeword", safewordMessage, (_c, _m, auth) => this.onSafeword(auth as Member), { capacity: 3, perSecond: 1 });
      this.answerUnknownMessages();

      this.unsubscribe = await s.dm.blocks.subscribe((pair) => {
        if (pair === this.conversationId) this.end("blocked", CLOSE_BLOCKED);
      });
    }

    override onJoin(client: Client<{ auth: RoomAuth }>, options: Record<string, unknown>) {
      const auth = client.auth as RoomAuth;
      // joinById skips filterBy: the pair derived in onAuth must be this room's pair.
      if (auth.anonymous || !this.participants.includes(auth.id) || options.pair !== this.conversationId) throw new ServerError(403, "This is not your conversation");
      if (this.closing) throw new ServerError(410, "This conversation has ended");
    }

    override onDrop(client: Client<{ auth: RoomAuth }>) {
      if (this.closing) return;
      this.allowReconnection(client, RECONNECT_SECONDS).catch(() => undefined);
    }

    override onLeave(client: Client<{ auth: RoomAuth }>) {
      const userId = (client.auth as RoomAuth).id;
      if (userId && ![...this.clients].some((c) => c !== client && (c.auth as RoomAuth).id === userId)) {
        this.stopTyping(userId);
        this.forgetRateLimits(userId);
      }
    }

    override async onDispose() {
      if (!this.participants) return; // onCreate refused the room before it opened
      await this.unsubscribe?.().catch(() => undefined);
      for (const userId of [...this.state.typing]) this.stopTyping(userId);
      this.persistNow();
      await s.stores.queue.flush().catch((err: unknown) => this.log.warn({ err }, "write-behind flush on dispose incomplete; items stay queued"));
    }

    // ------------------------------------------------------------------ handlers

    private onSend(client: Client, m: SendMessage, auth: Member) {
      this.assertOpen();
      if (m.price !== undefined && !can(auth.role, "services.offer")) throw new RoomError("forbidden", "Only creators can send pay-per-view messages");
      const ts = this.now();
      const id = `${ts.toString(36)}${randomBytes(5).toString("hex")}`;
      const price = m.price ?? 0;
      const doc: MessageDoc = {
        id,
        conversationId: this.conversationId,
        from: auth.id,
        to: peerOf(this.participants, auth.id)!,
        ciphertext: m.ciphertext,
        nonce: m.nonce,
        ts,
        seq: messageSeq(ts, ++this.counter),
        price,
        wrappedKey: m.wrappedKey ?? null,
        unlocked: false,
      };
      if (m.wrappedKey) this.withheld.set(id, m.wrappedKey);
      const messages = this.state.messages;
      const drop = overflow(messages.length);
      if (drop > 0) messages.splice(0, drop);
      messages.push(new DmMessage({ id, from: auth.id, ciphertext: m.ciphertext, nonce: m.nonce, ts, price, locked: price > 0, key: "" }));
      s.dm.conversations.saveMessage(doc);
      this.stopTyping(auth.id);
      this.schedulePersist();
      client.send("sent", { id, ts });
    }

    private onTyping(auth: Member) {
      this.assertOpen();
      const now = this.now();
      if (!this.state.typing.includes(auth.id)) {
        this.state.typing.push(auth.id);
        this.schedulePersist();
      }
      this.typingTimers.get(auth.id)?.clear();
      this.typingTimers.set(
        auth.id,
        this.clock.setTimeout(() => this.stopTyping(auth.id), TYPING_MS),
      );
      // SPEC §4 `chat:{id}:typing`: a sorted set scored by expiry, so each member expires on its own
      // and the key itself 5 s after the last keystroke. Ephemeral: written directly, not queued.
      const key = typingKey(this.conversationId);
      void (async () => {
        await s.stores.cache.zAdd(key, now + TYPING_MS, auth.id);
        await s.stores.cache.expire(key, TYPING_MS);
        await s.stores.cache.zRemRangeByScore(key, -Infinity, now);
      })().catch((err: unknown) => this.log.warn({ err }, "typing indicator not cached"));
    }

    private async onUnlock(client: Client, messageId: string, key: string, auth: Member) {
      this.assertOpen();
      const inState = this.state.messages.find((x) => x.id === messageId);
      const stored = inState && this.withheld.has(messageId) ? null : await s.dm.conversations.message(this.conversationId, messageId);
      const from = inState?.from ?? stored?.from;
      const price = inState?.price ?? stored?.price ?? 0;
      if (from === undefined) throw new RoomError("not_found", "No such message in this conversation");
      const wrappedKey = this.withheld.get(messageId) ?? stored?.wrappedKey ?? inState?.key ?? "";
      const unlocked = inState ? !inState.locked : stored?.unlocked === true;
      switch (unlockDecision({ from, price, unlocked }, auth.id)) {
        case "own_message":
          throw new RoomError("own_message", "You sent this message; it is not locked for you");
        case "not_locked":
          throw new RoomError("not_locked", "This message is not pay-per-view");
        case "already_unlocked":
          client.send("unlocked", { messageId, key: wrappedKey, charged: false });
          return;
        case "pay":
          break;
      }
      if (!wrappedKey) throw new RoomError("not_found", "This message's key is not available yet; try again shortly");
      let result;
      try {
        // Debit and entitlement commit together: once per key, and never twice for one message.
        result = await s.wallet.unlock({
          key,
          fromUserId: auth.id,
          toUserId: from,
          amount: price,
          reference: { messageId },
          resourceType: "dm_message",
          resourceId: messageId,
        });
      } catch (err) {
        if (err instanceof WalletError) throw new RoomError(err.code, err.message);
        throw err;
      }
      const current = this.state.messages.find((x) => x.id === messageId);
      if (current) {
        current.locked = false;
        current.key = wrappedKey;
      }
      this.withheld.delete(messageId);
      s.dm.conversations.markUnlocked(this.conversationId, messageId);
      this.schedulePersist();
      const charged = result.transfer !== null && !result.transfer.replayed;
      client.send("unlocked", { messageId, key: wrappedKey, charged, balance: result.balance });
      if (charged && result.transfer) {
        void s.gamification.record({ kind: "tip", userId: auth.id, amount: price, key: result.transfer.transactionId }).then((award) => award && client.send("xp", award));
      }
    }

    private onRead(messageId: string, auth: Member) {
      const message = this.state.messages.find((x) => x.id === messageId);
      if (!message) throw new RoomError("not_found", "No such message in the recent conversation");
      if (message.from === auth.id) return;
      this.state.reads.set(auth.id, new ReadMark({ messageId, ts: this.now() }));
      this.schedulePersist();
    }

    private async onSafeword(auth: Member) {
      if (this.closing) return;
      const peer = peerOf(this.participants, auth.id)!;
      // Started before anyone is disconnected, so a rejoin cannot outrun it.
      const blocked = s.dm.blocks.block(auth.id, peer, "safeword");
      this.end("safeword", CLOSE_SAFEWORD, auth.id);
      await blocked.catch((err: unknown) => this.log.error({ err, conversationId: this.conversationId }, "safeword block not stored"));
    }

    // ------------------------------------------------------------------ helpers

    /** Ends the conversation for everyone in it, now. */
    private end(reason: "safeword" | "blocked", code: number, by?: string) {
      if (this.closing) return;
      this.closing = true;
      void this.lock();
      this.broadcast("ended", by ? { reason, by } : { reason });
      this.disconnect(code).catch((err: unknown) => this.log.error({ err }, "disconnect after end failed"));
    }

    private assertOpen() {
      if (this.closing) throw new RoomError("conversation_ended", "This conversation has ended");
    }

    private stopTyping(userId: string) {
      this.typingTimers.get(userId)?.clear();
      this.typingTimers.delete(userId);
      const index = this.state.typing.indexOf(userId);
      if (index < 0) return;
      this.state.typing.splice(index, 1);
      this.schedulePersist();
      s.stores.cache.zRem(typingKey(this.conversationId), userId).catch(() => undefined);
    }

    private schedulePersist() {
      if (this.persistTimer) return;
      this.persistTimer = this.clock.setTimeout(() => this.persistNow(), PERSIST_DELAY_MS);
    }

    private persistNow() {
      this.persistTimer?.clear();
      this.persistTimer = undefined;
      const messages = this.state.messages;
      const tail: TailEntry[] = messages.map((m) => ({ id: m.id, from: m.from, ciphertext: m.ciphertext, nonce: m.nonce, ts: m.ts, price: m.price, locked: m.locked, key: m.key }));
      const last = messages.at(-1);
      const doc: ConversationDoc = {
        id: this.conversationId,
        participants: [...this.participants],
        messages: tail,
        last_message: last ? { id: last.id, from: last.from, ts: last.ts, price: last.price, locked: last.locked } : null,
        typing_indicator: [...this.state.typing],
        reads: Object.fromEntries([...this.state.reads.entries()].map(([userId, r]) => [userId, { messageId: r.messageId, ts: r.ts }])),
        updatedAt: last?.ts ?? this.now(),
      };
      s.dm.conversations.saveConversation(doc);
    }
  };
}
