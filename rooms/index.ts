import { defineRoom, type RegisteredHandler } from "@colyseus/core";
import type { Services } from "../engine/services.ts";
import { createStreamRoom } from "./stream/StreamRoom.ts";

/**
 * Every room type of the engine (CONTRACT: stream, dm, wheel, companion), built with the
 * engine's services injected. Each room issue adds its entry here.
 */
export function defineRooms(s: Services): Record<string, RegisteredHandler> {
  return {
    // One room per stream: joinOrCreate with the same streamId lands in the same room.
    stream: defineRoom(createStreamRoom(s)).filterBy(["streamId"]),
  };
}
