import { z } from "zod";
import type { Services } from "../../services.ts";
import { route, type RouteDef } from "../route.ts";
import { buildOpenApi } from "../openapi.ts";

export function systemRoutes(s: Services, allRoutes: () => readonly RouteDef[]) {
  return [
    route({
      method: "get",
      path: "/health",
      tag: "system",
      summary: "200 once every store answers; 503 naming the ones that do not",
      auth: "none",
      response: { status: 200, schema: z.object({ status: z.literal("ok"), stores: z.record(z.string(), z.string()) }) },
      errors: [503],
      handler: async () => {
        const checks = await s.checkStores();
        const down = Object.entries(checks).filter(([, v]) => v !== "ok");
        return down.length === 0 ? { body: { status: "ok", stores: checks } } : { status: 503, body: { status: "unavailable", stores: checks } };
      },
    }),
    route({
      method: "get",
      path: "/ready",
      tag: "system",
      summary: "200 when the engine accepts rooms; 503 while starting or shutting down",
      auth: "none",
      response: { status: 200 },
      errors: [503],
      handler: async () => {
        const queue = s.stores.queue.stats();
        return s.isReady() ? { body: { status: "ready", writeBehind: queue } } : { status: 503, body: { status: "not_ready" } };
      },
    }),
    route({
      method: "get",
      path: "/openapi.json",
      tag: "system",
      summary: "OpenAPI 3.1 of every route, generated from the route schemas",
      auth: "none",
      response: { status: 200 },
      handler: async () => ({ body: buildOpenApi(allRoutes(), { title: "TeezU Live API", version: s.version }) }),
    }),
  ];
}
