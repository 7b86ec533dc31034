import { defineRoom, type RegisteredHandler } from "@colyseus/core";
import type { Services } from "../engine/services.ts";
import { createCompanionRoom } from "./companion/CompanionRoom.ts";
import { createDmRoom } from "./dm/DmRoom.ts";
import { createStreamRoom } from "./stream/StreamRoom.ts";
import { createWheelRoom } from "./wheel/WheelRoom.ts";

/**
 * Every room type of the engine (CONTRACT: stream, dm, wheel, companion), built with the
 * engine's services injected. Each room issue adds its entry here.
 */
export function defineRooms(s: Services): Record<string, RegisteredHandler> {
  return {
    // One room per stream: joinOrCreate with the same streamId lands in the same room.
    stream: defineRoom(createStreamRoom(s)).filterBy(["streamId"]),
    // One session per member and companion: onAuth sets ownerId from the token, never from the client.
    companion: defineRoom(createCompanionRoom(s)).filterBy(["companionId", "ownerId"]),
    // One room per pair of members: onAuth derives `pair` (the sorted ids) from the token and peerId.
    dm: defineRoom(createDmRoom(s)).filterBy(["pair"]),
    // One wheel per stream.
    wheel: defineRoom(createWheelRoom(s)).filterBy(["streamId"]),
  };
}
