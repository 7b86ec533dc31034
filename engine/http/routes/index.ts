import type { Services } from "../../services.ts";
import type { RouteDef } from "../route.ts";
import { adminRoutes } from "./admin.ts";
import { adminRoomRoutes } from "./adminRooms.ts";
import { authRoutes } from "./auth.ts";
import { mediaRoutes } from "./media.ts";
import { streamRoutes } from "./streams.ts";
import { systemRoutes } from "./system.ts";
import { userRoutes } from "./users.ts";

/** Every HTTP route of the engine; later features add their factory here. */
export function allRoutes(s: Services): RouteDef[] {
  const routes: RouteDef[] = [];
  routes.push(...systemRoutes(s, () => routes), ...authRoutes(s), ...userRoutes(s), ...adminRoutes(s));
  routes.push(...streamRoutes(s), ...mediaRoutes(s), ...adminRoomRoutes(s));
  return routes;
}
