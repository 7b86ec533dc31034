// Base of every TeezU room. Colyseus disconnects a client on a schema-invalid payload, an unknown
// type or a flood (STACK.md); CONTRACT requires an `error` reply and the client staying. So every
// handler goes through `handle()`: rate limit → zod safeParse → handler → RoomError → `error`.
import { ClientState, getMessageBytes, Protocol, Room, ServerError, type Client, type RoomException, type RoomMethodName, type RoomOptions } from "@colyseus/core";
import type { z } from "zod";
import type { Logger } from "../../engine/logger.ts";
import { STORE_UNAVAILABLE_MESSAGE, isStoreUnavailable } from "../../engine/runtime/storeUnavailable.ts";
import { badTextPath } from "../../engine/safety/wellFormedText.ts";
import { InvalidDocError } from "../../storage/docs/InvalidDocError.ts";
import { RoomError, replyError } from "./RoomError.ts";
import type { RoomAuth } from "./roomAuth.ts";
import { TokenBucket } from "./TokenBucket.ts";

export interface RateLimit {
  /** Burst size. */
  capacity: number;
  /** Sustained messages per second. */
  perSecond: number;
}

const DEFAULT_RATE: RateLimit = { capacity: 20, perSecond: 10 };

/** Close code when a room had to close itself after an internal failure; clients may rejoin. */
export const CLOSE_ROOM_FAILED = 4500;

export abstract class TeezuRoom<T extends RoomOptions = RoomOptions> extends Room<T> {
  protected abstract readonly log: Logger;
  /** Per user (or per session for anonymous clients), so several tabs share one allowance. */
  private readonly buckets = new Map<string, Map<string, TokenBucket>>();
  protected now: () => number = () => Date.now();
  /**
   * Past this many frames in one second Colyseus closes the client (4002). The token buckets
   * answer a client over its allowance with `rate_limited`; this cuts one that keeps flooding
   * anyway, so a single socket cannot make the room spend its time on error replies. A person
   * (or a bot within its allowance) never comes near it.
   */
  override maxMessagesPerSecond = 100;

  private patchFailed = false;

  /**
   * Send state patches through one uWebSockets.js topic per room (see TopicFanout) instead of one
   * JS `send` per client. Rooms with many clients turn it on.
   */
  protected topicFanout = false;
  private fanoutInstalled = false;
  private fanout: TopicFanout | undefined;

  /**
   * Colyseus encodes state patches on a timer, outside any handler: an exception there (a
   * @colyseus/schema bug, such as the MapSchema key "constructor" found by test/fuzz) would end
   * the process. It is contained to this room instead: logged, and the room closed so its clients
   * rejoin a fresh one built from the stores.
   */
  override broadcastPatch(): boolean {
    if (this.topicFanout && !this.fanoutInstalled) this.installTopicFanout();
    try {
      return super.broadcastPatch();
    } catch (err) {
      if (!this.patchFailed) {
        this.patchFailed = true;
        this.log.error({ err, roomId: this.roomId }, "state patch failed; closing the room");
        this.disconnect(CLOSE_ROOM_FAILED).catch(() => undefined);
      }
      return false;
    }
  }

  /**
   * Colyseus hands every patch to its serializer's `applyPatches(clients, …)`, which sends it to
   * each client in turn. Here the serializer gets the clients that still need their own send, plus
   * one stand-in client whose frame goes to the room's topic.
   */
  private installTopicFanout() {
    const serializer = (this as unknown as { _serializer?: { id?: string; applyPatches: (clients: unknown[], state: unknown, timing?: unknown) => boolean } })._serializer;
    if (serializer?.id !== "schema") return;
    this.fanoutInstalled = true;
    const fanout = (this.fanout = new TopicFanout(`room:${this.roomId}`));
    const applyPatches = serializer.applyPatches.bind(serializer);
    // Timed frames (input rooms) carry a per-client sequence number: those cannot be shared.
    serializer.applyPatches = (clients, state, timing) => applyPatches(timing === undefined ? fanout.route(clients as Client[]) : clients, state, timing);
  }

  /**
   * Room-wide messages (a stream's `confetti` on every tip) take the same topic as patches: at
   * 200 tips/s to 300 clients, one JS send per client per message was 60 % of the engine's CPU
   * (bench P4). Messages with `except` or `afterNextPatch`, and bytes, keep Colyseus' own path.
   */
  override broadcast(type: string | number, ...args: unknown[]): void {
    const [message, options] = args as [unknown, { except?: unknown; afterNextPatch?: boolean } | undefined];
    if (!this.fanout || message instanceof Uint8Array || options?.except !== undefined || options?.afterNextPatch) {
      return (super.broadcast as (type: string | number, ...rest: unknown[]) => void).call(this, type, ...args);
    }
    const bytes = getMessageBytes.raw(Protocol.ROOM_DATA, type, message);
    for (const target of this.fanout.route(this.clients)) {
      if (target === this.fanout.topicTarget) target.raw(bytes);
      else (target as Client).enqueueRaw(bytes);
    }
  }

  /** Registers a validated, rate-limited handler for one message type. */
  protected handle<S extends z.ZodType>(
    type: string,
    schema: S,
    handler: (client: Client, message: z.output<S>, auth: RoomAuth) => unknown,
    rate: RateLimit = DEFAULT_RATE,
  ) {
    this.onMessage(type, async (client: Client, raw: unknown) => {
      const ref = refOf(raw);
      if (!this.takeToken(client, type, rate)) {
        return replyError(client, "rate_limited", `Too many "${type}" messages; slow down`, ref);
      }
      const bad = badTextPath(raw);
      if (bad) return replyError(client, "invalid_message", `${type}: ${bad}: must be text without NUL characters or lone surrogates`, ref);
      // `ref` is the client's tag for matching a reply (README), not part of any message: strict
      // schemas refused every message that carried one (found by test/fuzz).
      const parsed = schema.safeParse(withoutRef(raw) ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length ? `${issue.path.join(".")}: ` : "";
        return replyError(client, "invalid_message", `${type}: ${where}${issue?.message ?? "invalid"}`, ref);
      }
      try {
        await handler(client, parsed.data, client.auth as RoomAuth);
      } catch (err) {
        if (err instanceof RoomError) return replyError(client, err.code, err.message, ref);
        // A store refusing what the client sent (an id with "/" for the document store) is the
        // client's mistake, as on HTTP (found by test/fuzz: `unlock {messageId: "a/b"}` → internal).
        if (err instanceof InvalidDocError) return replyError(client, "invalid_message", `${type}: ${err.message}`, ref);
        if (isStoreUnavailable(err)) {
          this.log.warn({ err, type, roomId: this.roomId }, "message refused: a store is unavailable");
          return replyError(client, "store_unavailable", STORE_UNAVAILABLE_MESSAGE, ref);
        }
        this.log.error({ err, type, roomId: this.roomId }, "room message handler failed");
        replyError(client, "internal", "Something went wrong handling that message", ref);
      }
    });
  }

  /** Answers message types nobody registered, instead of letting Colyseus drop the client. */
  protected answerUnknownMessages() {
    this.onMessage("*", (client: Client, type: unknown, raw: unknown) => {
      // A message literally typed "*" reaches this handler with its payload as `type`: never
      // String() a client's object (`{toString: 1}` threw and crashed the process; test/fuzz).
      const name = typeof type === "string" || typeof type === "number" ? String(type).slice(0, 64) : "*";
      replyError(client, "unknown_message", `Unknown message type "${name}"`, refOf(raw));
    });
  }

  /**
   * Colyseus runs message handlers, timers and lifecycle hooks inside a try/catch only when a room
   * defines this: without it, one throwing handler is an uncaught exception that ends the process.
   * Lifecycle errors (onAuth, onJoin…) are still rethrown to the joining client by Colyseus.
   */
  override onUncaughtException(err: RoomException, methodName: RoomMethodName) {
    // Refusing a join with a ServerError is the normal path, not an accident worth an error line.
    if (err.cause instanceof ServerError && (methodName === "onCreate" || methodName === "onJoin" || methodName === "onAuth")) return;
    this.log.error({ err: err.cause ?? err, methodName, roomId: this.roomId }, "uncaught exception in room");
  }

  /** Call when the last session of a user leaves, so the limiter's memory stays bounded. */
  protected forgetRateLimits(identity: string) {
    this.buckets.delete(identity);
  }

  private takeToken(client: Client, type: string, rate: RateLimit): boolean {
    const identity = (client.auth as RoomAuth | undefined)?.id ?? client.sessionId;
    let perType = this.buckets.get(identity);
    if (!perType) this.buckets.set(identity, (perType = new Map()));
    let bucket = perType.get(type);
    if (!bucket) perType.set(type, (bucket = new TokenBucket(rate.capacity, rate.perSecond, this.now())));
    return bucket.take(this.now());
  }
}

/** The parts of a uWebSockets.js WebSocket the fan-out uses. */
interface UwsSocket {
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  publish(topic: string, message: Uint8Array, isBinary: boolean): boolean;
  send(message: Uint8Array, isBinary: boolean): number;
}

/** What SchemaSerializer.applyPatches uses of a client. */
interface PatchTarget {
  state: number;
  view?: unknown;
  raw(bytes: Uint8Array): void;
}

const OPEN = 1;

/** The uWS socket under a Colyseus client of the uWS transport; undefined on other transports. */
function uwsSocketOf(client: Client): UwsSocket | undefined {
  const ws = (client.ref as unknown as { ws?: Partial<UwsSocket> } | undefined)?.ws;
  return typeof ws?.publish === "function" && typeof ws.subscribe === "function" ? (ws as UwsSocket) : undefined;
}

/**
 * Patch fan-out through a uWS topic (issue 9, P1): a client on the uWS transport that has joined
 * and has no StateView of its own is subscribed to the room's topic, and a patch reaches all of them
 * in one `publish` (a loop in C++) instead of one JS `send` each: ~20 % less engine CPU per patch
 * frame at 2,000 viewers (bench/chat-fanout.ts). uWS keeps publish and send in order on a socket.
 * Clients with a view get their own encoding of the patch, so they stay on the per-client path,
 * as do clients still joining (Colyseus skips them) and clients of other transports.
 */
class TopicFanout {
  /** By `client.ref`, which a reconnection replaces: the client's socket once subscribed, null when it has none. */
  private readonly sockets = new WeakMap<object, UwsSocket | null>();
  private publisher: UwsSocket | undefined;
  readonly topicTarget: PatchTarget = { state: ClientState.JOINED, raw: (bytes) => this.publish(bytes) };

  constructor(private readonly topic: string) {}

  /** Runs on every patch over every client: kept to a few field reads and one WeakMap lookup each. */
  route(clients: readonly Client[]): PatchTarget[] {
    const direct: PatchTarget[] = [];
    this.publisher = undefined;
    for (const client of clients) {
      if (client.state !== ClientState.JOINED || (client as unknown as { readyState: number }).readyState !== OPEN || client.view) {
        if (client.view) this.leave(client);
        direct.push(client);
        continue;
      }
      let ws = this.sockets.get(client.ref);
      if (ws === undefined) {
        ws = uwsSocketOf(client) ?? null;
        ws?.subscribe(this.topic);
        this.sockets.set(client.ref, ws);
      }
      if (ws === null) direct.push(client);
      else this.publisher ??= ws;
    }
    if (this.publisher) direct.push(this.topicTarget);
    return direct;
  }

  /** A client that got a view after joining gets its own patches from now on. */
  private leave(client: Client) {
    const ws = this.sockets.get(client.ref);
    if (ws) ws.unsubscribe(this.topic);
    if (ws !== undefined) this.sockets.set(client.ref, null);
  }

  /** A socket's publish skips the socket itself, so it gets its own send, right after (in order). */
  private publish(bytes: Uint8Array) {
    this.publisher!.publish(this.topic, bytes, true);
    this.publisher!.send(bytes, true);
  }
}

function withoutRef(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !Object.prototype.hasOwnProperty.call(raw, "ref")) return raw;
  const { ref: _ref, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/** A client may tag a message with `ref` to match the error reply to it. */
function refOf(raw: unknown): string | undefined {
  if (typeof raw === "object" && raw !== null && "ref" in raw) {
    const ref = (raw as { ref: unknown }).ref;
    if (typeof ref === "string" && ref.length <= 64) return ref;
  }
  return undefined;
}
