import type { Services } from "../../services.ts";
import type { RouteDef } from "../route.ts";
import { adminRoutes } from "./admin.ts";
import { authRoutes } from "./auth.ts";
import { systemRoutes } from "./system.ts";
import { userRoutes } from "./users.ts";

/** Every HTTP route of the engine; later features add their factory here. */
export function allRoutes(s: Services): RouteDef[] {
  const routes: RouteDef[] = [];
  routes.push(...systemRoutes(s, () => routes), ...authRoutes(s), ...userRoutes(s), ...adminRoutes(s));
  return routes;
}
