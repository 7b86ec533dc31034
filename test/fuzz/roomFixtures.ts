// How to get into one room of each type with plausible join options, as several roles, so the
// room fuzzer and the security suite can drive every room in the registry. A room type without a
// fixture here is reported as skipped (not silently passed).
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import type { Role } from "../../config/roles.ts";
import type { TestEngine } from "../engine.ts";
import { makeActor, type Actor } from "./actors.ts";

export interface Player {
  label: string;
  actor: Actor | null;
  room: SdkRoom;
}

export interface RoomFixture {
  roomId: string;
  options: Record<string, unknown>;
  /** Clients that send fuzzed messages, of different roles (the owner first where there is one). */
  players: Player[];
  /** A client that only checks the room keeps serving; never sent a fuzzed message. */
  observer: Player;
  /** Everyone who joined, to leave at the end. */
  all: SdkRoom[];
}

export interface FixtureContext {
  t: TestEngine;
  admin: Actor;
  /** Reuses actors across rebuilds of a fixture (registering costs a bcrypt hash each). */
  cache?: Map<string, Actor>;
}

export async function joinRoom(t: TestEngine, name: string, token: string | null, options: Record<string, unknown>): Promise<SdkRoom> {
  const client = new SdkClient(t.url);
  if (token) client.auth.token = token;
  const room = await client.joinOrCreate(name, options);
  // Fuzzing closes connections on purpose; reconnection would blur which client was closed.
  room.reconnection.enabled = false;
  return room;
}

async function streamOf(ctx: FixtureContext, creator: Actor): Promise<string> {
  const res = await ctx.t.api("/streams", { token: creator.token, body: { title: "Fuzzing stage" } });
  if (res.status !== 201) throw new Error(`stream create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function fixture(t: TestEngine, name: string, options: Record<string, unknown>, players: Array<[string, Actor | null]>, observer: [string, Actor | null]): Promise<RoomFixture> {
  const joined: Player[] = [];
  for (const [label, actor] of players) joined.push({ label, actor, room: await joinRoom(t, name, actor?.token ?? null, options) });
  const obs = { label: observer[0], actor: observer[1], room: await joinRoom(t, name, observer[1]?.token ?? null, options) };
  const roomId = joined[0]!.room.roomId;
  if (![...joined, obs].every((p) => p.room.roomId === roomId)) throw new Error(`${name}: players landed in different rooms`);
  return { roomId, options, players: joined, observer: obs, all: [...joined.map((p) => p.room), obs.room] };
}

type Setup = (ctx: FixtureContext) => Promise<RoomFixture>;

async function role(ctx: FixtureContext, r: Role, name?: string, slot = 0): Promise<Actor> {
  const key = `${r}:${name ?? ""}:${slot}`;
  const cached = ctx.cache?.get(key);
  if (cached) return cached;
  const actor = await makeActor(ctx.t, ctx.admin, r, { name });
  ctx.cache?.set(key, actor);
  return actor;
}

export const ROOM_FIXTURES: Record<string, Setup> = {
  async stream(ctx) {
    const creator = await role(ctx, "creator", "Fuzz Creator");
    const streamId = await streamOf(ctx, creator);
    const [member, mod, watcher] = await Promise.all([role(ctx, "member"), role(ctx, "mod"), role(ctx, "member", undefined, 1)]);
    return fixture(ctx.t, "stream", { streamId }, [["creator", creator], ["member", member], ["mod", mod], ["anonymous", null]], ["observer", watcher]);
  },
  async wheel(ctx) {
    const creator = await role(ctx, "creator", "Wheel Creator");
    const streamId = await streamOf(ctx, creator);
    const [member, watcher] = await Promise.all([role(ctx, "member"), role(ctx, "member", undefined, 1)]);
    return fixture(ctx.t, "wheel", { streamId }, [["creator", creator], ["member", member], ["anonymous", null]], ["observer", watcher]);
  },
  async dm(ctx) {
    const [a, b] = await Promise.all([role(ctx, "member", "Dee Em"), role(ctx, "creator", "Peer Creator")]);
    const roomA = await joinRoom(ctx.t, "dm", a.token, { peerId: b.id });
    const roomB = await joinRoom(ctx.t, "dm", b.token, { peerId: a.id });
    if (roomA.roomId !== roomB.roomId) throw new Error("dm: the pair landed in different rooms");
    // Only the pair may be in a DM: the observer is the peer's second tab.
    const obs = await joinRoom(ctx.t, "dm", b.token, { peerId: a.id });
    return { roomId: roomA.roomId, options: { peerId: b.id }, players: [{ label: "member", actor: a, room: roomA }, { label: "creator", actor: b, room: roomB }], observer: { label: "observer", actor: b, room: obs }, all: [roomA, roomB, obs] };
  },
  async companion(ctx) {
    const author = await role(ctx, "creator");
    const persona = await ctx.t.api("/companions", { token: author.token, body: { name: "Fuzzy Friend", personality_traits: ["curious", "kind"] } });
    if (persona.status !== 201) throw new Error(`companion create: ${persona.status} ${JSON.stringify(persona.body)}`);
    const member = await role(ctx, "member_plus");
    const options = { companionId: persona.body.id as string };
    // A session belongs to one member: the observer is the same member's second tab.
    return fixture(ctx.t, "companion", options, [["member_plus", member]], ["observer", member]);
  },
};

/** Message types a live room registered (Colyseus keeps them in `onMessageEvents`). */
export function registeredTypes(room: unknown): string[] {
  const events = (room as { onMessageEvents?: { events?: Record<string, unknown> } }).onMessageEvents?.events ?? {};
  return Object.keys(events).filter((k) => k !== "*" && !k.startsWith("_$b"));
}

/**
 * Lets every fuzz case reach validation: TeezuRoom's per-client token buckets are emptied and
 * Colyseus' per-second frame counters reset (the flood limits have their own tests).
 */
export function resetRateLimits(room: unknown) {
  const r = room as { buckets?: Map<unknown, unknown>; clients?: Iterable<{ _numMessagesLastSecond?: number }> };
  r.buckets?.clear();
  for (const c of r.clients ?? []) c._numMessagesLastSecond = 0;
}
