// One Colyseus room as reactive state: join, the last known state rendered from the local cache
// while the WebSocket connects (SPEC §5), live sync by state snapshots, transparent reconnection
// (the SDK's own, then a fresh join if the seat expired) and a visible link status.
// Pages make one per room they show; components only read it.
import { Client, type Room } from "@colyseus/sdk";
import { readSnapshot, writeSnapshot } from "../localCache.ts";

export type LinkStatus =
  /** not started */
  | "idle"
  /** first join in progress (cached state may already show) */
  | "connecting"
  | "online"
  /** connection dropped; the SDK or we are re-joining */
  | "reconnecting"
  /** the browser says the network is gone */
  | "offline"
  /** the room closed for good (ended, stopped, kicked, left) */
  | "closed"
  /** the join was refused (not allowed, not found, …) */
  | "refused";

export interface RoomErrorMessage {
  code: string;
  message: string;
  ref?: string;
}

export interface RoomConnectionOptions {
  roomName: string;
  joinOptions: Record<string, unknown>;
  /** sessionStorage key of the last known state; omit for rooms that must not be cached. */
  cacheKey?: string;
  /** The JWT for `client.auth.token`, fresh; undefined joins as a guest. */
  token: () => Promise<string | undefined>;
  /** Close codes after which the room is gone for good (no re-join). */
  finalCodes?: readonly number[];
  /** Base URL of the engine (default: this page's origin). */
  endpoint?: string;
}

/** Colyseus close codes (CloseCode in @colyseus/shared-types). */
const CONSENTED = 4000;

type Handler = (payload: any) => void;

/**
 * Where rooms live: this page's origin when the engine serves the app; under `vite dev` the engine
 * itself (its room sockets are not behind the dev server's proxy; the engine allows CORS).
 */
function engineOrigin(): string {
  return import.meta.env.DEV ? (import.meta.env.VITE_TEEZU_ENGINE_URL ?? "http://localhost:2567") : location.origin;
}

export class RoomConnection<S extends object> {
  status = $state<LinkStatus>("idle");
  /** The room's state as plain JSON, replaced on every patch. */
  state = $state.raw<S | null>(null);
  /** True while `state` comes from the local cache, not yet from the server. */
  fromCache = $state(false);
  /** The last `error` message the room sent this client. */
  lastError = $state<RoomErrorMessage | null>(null);
  /** Why the join was refused or the room closed. */
  reason = $state<{ code: number; message: string } | null>(null);
  sessionId = $state("");

  readonly #o: RoomConnectionOptions;
  #room: Room | undefined;
  #handlers = new Map<string, Set<Handler>>();
  #stateListeners = new Set<(state: S) => void>();
  #stopped = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #cacheTimer: ReturnType<typeof setTimeout> | undefined;
  #cleanup: Array<() => void> = [];

  constructor(options: RoomConnectionOptions) {
    this.#o = options;
    if (options.cacheKey) {
      const cached = readSnapshot<S>(options.cacheKey);
      if (cached) {
        this.state = cached;
        this.fromCache = true;
      }
    }
  }

  get online() {
    return this.status === "online";
  }

  /** Registers a handler for a room message type; returns its remover. */
  on<T = any>(type: string, handler: (payload: T) => void): () => void {
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Called after every state update from the server. */
  onState(listener: (state: S) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Sends when connected; while the SDK re-connects it buffers; otherwise reports an error. */
  send(type: string, payload: unknown = {}): boolean {
    if (!this.#room || this.status === "closed" || this.status === "refused") {
      this.lastError = { code: "not_connected", message: "Not connected to the room" };
      return false;
    }
    this.#room.send(type, payload);
    return true;
  }

  /** Marks the room as not joinable without asking (the page already knows, e.g. the stream is over). */
  refuse(code: number, message: string) {
    this.reason = { code, message };
    this.status = "refused";
  }

  async connect(): Promise<void> {
    if (this.#stopped) return;
    if (this.status === "idle") {
      const onOffline = () => {
        if (this.status === "online" || this.status === "connecting" || this.status === "reconnecting") this.status = "offline";
      };
      const onOnline = () => {
        if (this.status !== "offline") return;
        if (this.#room?.connection?.isOpen) this.status = "online";
        else this.#scheduleRejoin(0);
      };
      window.addEventListener("offline", onOffline);
      window.addEventListener("online", onOnline);
      this.#cleanup.push(() => window.removeEventListener("offline", onOffline), () => window.removeEventListener("online", onOnline));
      this.status = navigator.onLine ? "connecting" : "offline";
    }
    try {
      const client = new Client(this.#o.endpoint ?? engineOrigin());
      const token = await this.#o.token();
      if (token) client.auth.token = token;
      const room = await client.joinOrCreate(this.#o.roomName, this.#o.joinOptions);
      if (this.#stopped) {
        void room.leave(true);
        return;
      }
      this.#attempt = 0;
      this.#bind(room);
    } catch (err) {
      const code = typeof (err as { code?: unknown })?.code === "number" ? (err as { code: number }).code : 0;
      const message = err instanceof Error ? err.message : String(err);
      // 4xx from the matchmaker: not allowed / not found / gone. Retrying will not help.
      if (code >= 400 && code < 500 && code !== 408 && code !== 429) {
        this.reason = { code, message };
        this.status = "refused";
        return;
      }
      this.reason = { code, message };
      this.status = navigator.onLine ? "reconnecting" : "offline";
      this.#scheduleRejoin();
    }
  }

  #bind(room: Room) {
    this.#room = room;
    this.sessionId = room.sessionId;
    this.status = "online";
    this.reason = null;
    room.onStateChange((s: { toJSON?: () => unknown }) => {
      const json = (typeof s?.toJSON === "function" ? s.toJSON() : s) as S;
      this.state = json;
      this.fromCache = false;
      this.#saveSoon();
      for (const l of this.#stateListeners) l(json);
    });
    room.onMessage("*", (type: string | number, payload: unknown) => this.#dispatch(String(type), payload));
    room.onDrop(() => {
      if (!this.#stopped) this.status = navigator.onLine ? "reconnecting" : "offline";
    });
    room.onReconnect(() => {
      this.status = "online";
    });
    room.onLeave((code: number, reason?: string) => {
      if (this.#room !== room) return;
      this.#room = undefined;
      if (this.#stopped || code === CONSENTED) {
        this.status = "closed";
        return;
      }
      if ((this.#o.finalCodes ?? []).includes(code)) {
        this.reason = { code, message: reason ?? "" };
        this.status = "closed";
        this.#dispatch("__closed", { code });
        return;
      }
      // Anything else: the seat expired (4003, the SDK gave up), the room was too young for the
      // SDK's own reconnection (1006) or the server restarted (4001). Join afresh.
      this.status = navigator.onLine ? "reconnecting" : "offline";
      this.#scheduleRejoin();
    });
  }

  #dispatch(type: string, payload: unknown) {
    if (type === "error") this.lastError = payload as RoomErrorMessage;
    for (const h of this.#handlers.get(type) ?? []) {
      try {
        h(payload);
      } catch (err) {
        console.warn(`handler for "${type}" failed`, err);
      }
    }
  }

  #scheduleRejoin(delay?: number) {
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
    const wait = delay ?? Math.min(10_000, 500 * 2 ** this.#attempt++);
    this.#retryTimer = setTimeout(() => void this.connect(), wait);
  }

  #saveSoon() {
    const key = this.#o.cacheKey;
    if (!key || this.#cacheTimer) return;
    this.#cacheTimer = setTimeout(() => {
      this.#cacheTimer = undefined;
      if (this.state) writeSnapshot(key, this.state);
    }, 400);
  }

  /** Leaves the room and stops re-joining. */
  async dispose(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    if (this.#cacheTimer) {
      clearTimeout(this.#cacheTimer);
      this.#cacheTimer = undefined;
      if (this.#o.cacheKey && this.state && !this.fromCache) writeSnapshot(this.#o.cacheKey, this.state);
    }
    for (const f of this.#cleanup.splice(0)) f();
    const room = this.#room;
    this.#room = undefined;
    if (room?.connection?.isOpen) await room.leave(true).catch(() => undefined);
  }
}
