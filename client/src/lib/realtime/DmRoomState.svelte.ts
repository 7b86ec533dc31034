// A 1-to-1 conversation (`dm` room, CONTRACT.md), end-to-end encrypted in the browser: the device
// key is ensured and published and the peer's key fetched while the room joins; the conversation
// key is derived from the room's conversation id; every message is decrypted locally. Typing,
// pay-per-view (sealed under a content key the server withholds until `unlock` pays) and the
// safe word.
import { ApiError, errorText } from "../api.ts";
import { conversationKey, deviceKeys, open, openPaid, seal, sealPaid, supportsE2ee, type DeviceKeys } from "../crypto/e2ee.ts";
import type { Session } from "../session.svelte.ts";
import type { DmMessage, DmSnapshot } from "../types.ts";
import { RoomConnection } from "./RoomConnection.svelte.ts";

export interface PeerProfile {
  id: string;
  displayName: string;
  role?: string;
}

const TYPING_EVERY_MS = 2500;
/** Close codes of a conversation ended by the safe word or a block (rooms/dm/DmRoom.ts). */
const FINAL_CODES = [4412, 4413];

export class DmRoomState {
  readonly conn: RoomConnection<DmSnapshot & { conversationId?: string }>;
  readonly peerId: string;
  readonly session: Session;
  peer = $state<PeerProfile | null>(null);
  /** "ready" once both keys are known and the conversation key is derived. */
  keyStatus = $state<"pending" | "ready" | "peer_missing" | "unsupported" | "unavailable" | "error">("pending");
  error = $state<string | null>(null);
  ended = $state(false);
  /** Decrypted texts by message id (memory only, never stored). */
  plain = $state<Record<string, string>>({});

  get messages(): (DmMessage & { key?: string })[] {
    return this.conn.state?.messages ?? [];
  }
  get peerTyping() {
    return (this.conn.state?.typing ?? []).includes(this.peerId);
  }

  #mine: DeviceKeys | undefined;
  #peerKey: string | undefined;
  #key: CryptoKey | undefined;
  #lastTyping = 0;
  #busy = new Set<string>();

  constructor(session: Session, peerId: string) {
    this.session = session;
    this.peerId = peerId;
    this.conn = new RoomConnection({
      roomName: "dm",
      joinOptions: { peerId },
      // Ciphertext only: safe to keep for the tab's lifetime.
      cacheKey: `teezu.room.dm.${peerId}`,
      token: () => session.accessToken(),
      finalCodes: FINAL_CODES,
    });
    this.conn.on("error", (e: { message: string }) => (this.error = e.message));
    this.conn.on("ended", () => (this.ended = true));
    this.conn.on("__closed", () => (this.ended = true));
    this.conn.on("unlocked", (m: { messageId: string; key: string; balance?: number }) => {
      if (typeof m.balance === "number") session.setBalance(m.balance);
      void this.#openPaid(m.messageId, m.key);
    });
  }

  async start() {
    await Promise.all([this.#prepareKeys(), this.#loadPeer(), this.conn.connect()]);
    await this.decryptAll();
  }

  async #loadPeer() {
    try {
      this.peer = await this.session.api.get<PeerProfile>(`/users/${this.peerId}`);
    } catch {
      this.peer = { id: this.peerId, displayName: "Unknown user" };
    }
  }

  async #prepareKeys() {
    const me = this.session.user;
    if (!me) return;
    if (!supportsE2ee()) {
      this.keyStatus = "unsupported";
      return;
    }
    // The key directory routes ship with the dm feature.
    const caps = await this.session.capabilities();
    if (!caps.feature("dm")) {
      this.keyStatus = "unavailable";
      return;
    }
    try {
      this.#mine = await deviceKeys(me.id);
      const [, peer] = await Promise.all([
        this.session.api.put("/users/me/keys", { publicKey: this.#mine.publicKey }),
        this.session.api.get<{ publicKey?: string }>(`/users/${this.peerId}/keys`),
      ]);
      if (!peer.publicKey) {
        this.keyStatus = "peer_missing";
        return;
      }
      this.#peerKey = peer.publicKey;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.keyStatus = "peer_missing";
      else {
        this.keyStatus = "error";
        this.error = errorText(err);
      }
    }
  }

  async #conversationKey(): Promise<CryptoKey | undefined> {
    if (this.#key) return this.#key;
    const id = this.conn.state?.conversationId;
    if (!this.#mine || !this.#peerKey || !id) return undefined;
    this.#key = await conversationKey(this.#mine.privateKey, this.#peerKey, id);
    this.keyStatus = "ready";
    return this.#key;
  }

  /** Decrypts every readable message not yet decrypted (the page calls this when messages change). */
  async decryptAll() {
    const key = await this.#conversationKey();
    if (!key) return;
    for (const m of this.messages) {
      if (this.plain[m.id] !== undefined || this.#busy.has(m.id) || !m.ciphertext) continue;
      if (m.price > 0) {
        if (m.key) void this.#openPaid(m.id, m.key);
        continue;
      }
      this.#busy.add(m.id);
      try {
        this.#show(m.id, await open(key, { ciphertext: m.ciphertext, nonce: m.nonce }));
      } catch {
        this.#show(m.id, "⚠ This message was encrypted for another device.");
      } finally {
        this.#busy.delete(m.id);
      }
    }
  }

  async #openPaid(messageId: string, wrappedKey: string) {
    const key = await this.#conversationKey();
    const m = this.messages.find((x) => x.id === messageId);
    if (!key || !m || this.plain[messageId] !== undefined) return;
    try {
      this.#show(messageId, await openPaid(key, { ciphertext: m.ciphertext, nonce: m.nonce }, wrappedKey));
    } catch {
      this.#show(messageId, "⚠ This message could not be opened.");
    }
  }

  #show(id: string, text: string) {
    this.plain = { ...this.plain, [id]: text };
  }

  async send(text: string, price?: number): Promise<boolean> {
    const t = text.trim();
    const key = await this.#conversationKey();
    if (!t || !key) return false;
    if (price && price > 0) {
      const sealed = await sealPaid(key, t);
      return this.conn.send("send", { ...sealed, price });
    }
    return this.conn.send("send", await seal(key, t));
  }

  typing() {
    const now = Date.now();
    if (now - this.#lastTyping < TYPING_EVERY_MS) return;
    this.#lastTyping = now;
    this.conn.send("typing", {});
  }

  unlock(messageId: string) {
    this.conn.send("unlock", { messageId, key: crypto.randomUUID() });
  }

  safeword() {
    this.conn.send("safeword", {});
    this.ended = true;
  }

  dispose() {
    return this.conn.dispose();
  }
}
