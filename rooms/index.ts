import type { RegisteredHandler } from "@colyseus/core";
import type { Services } from "../engine/services.ts";

/**
 * Every room type of the engine (CONTRACT: stream, dm, wheel, companion), built with the
 * engine's services injected. Each room issue adds its entry here.
 */
export function defineRooms(_s: Services): Record<string, RegisteredHandler> {
  return {};
}
