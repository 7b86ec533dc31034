import type { Services } from "../../services.ts";
import type { RouteDef } from "../route.ts";
import { adminRoutes } from "./admin.ts";
import { adminRevenueRoutes } from "./adminRevenue.ts";
import { adminRoomRoutes } from "./adminRooms.ts";
import { aiRoutes } from "./ai.ts";
import { analyticsRoutes } from "./analytics.ts";
import { authRoutes } from "./auth.ts";
import { companionRoutes } from "./companions.ts";
import { dmRoutes } from "./dm.ts";
import { gamificationRoutes } from "./gamification.ts";
import { keyRoutes } from "./keys.ts";
import { mediaRoutes } from "./media.ts";
import { mediaIngestRoutes } from "./mediaIngest.ts";
import { payoutRoutes } from "./payouts.ts";
import { ppvRoutes } from "./ppv.ts";
import { streamRoutes } from "./streams.ts";
import { streamMediaRoutes } from "./streamMedia.ts";
import { systemRoutes } from "./system.ts";
import { tipMenuRoutes } from "./tipMenu.ts";
import { userRoutes } from "./users.ts";
import { walletRoutes } from "./wallet.ts";
import { webhookRoutes } from "./webhooks.ts";
import { wheelRoutes } from "./wheels.ts";

/** Every HTTP route of the engine; later features add their factory here. */
export function allRoutes(s: Services): RouteDef[] {
  const routes: RouteDef[] = [];
  routes.push(...systemRoutes(s, () => routes), ...authRoutes(s), ...userRoutes(s), ...adminRoutes(s));
  routes.push(...streamRoutes(s), ...mediaRoutes(s), ...adminRoomRoutes(s));
  routes.push(...streamMediaRoutes(s), ...mediaIngestRoutes(s));
  routes.push(...walletRoutes(s), ...webhookRoutes(s), ...tipMenuRoutes(s), ...ppvRoutes(s), ...payoutRoutes(s), ...adminRevenueRoutes(s));
  routes.push(...analyticsRoutes(s));
  routes.push(...companionRoutes(s), ...aiRoutes(s));
  routes.push(...keyRoutes(s), ...dmRoutes(s), ...wheelRoutes(s), ...gamificationRoutes(s));
  return routes;
}
