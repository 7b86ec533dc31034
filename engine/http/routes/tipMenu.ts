import { z } from "zod";
import { WALLET_RULES } from "../../../config/packages.ts";
import type { Services } from "../../services.ts";
import { goalSchema, tipMenuItemSchema } from "../../wallet/views.ts";
import { route } from "../route.ts";
import { shortLabel, tokens } from "./walletSchemas.ts";

const goalStep = z.object({ label: shortLabel, target: tokens(WALLET_RULES.goalMaxTarget) }).strict();

export function tipMenuRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/creators/:id/tip-menu",
      tag: "commerce",
      summary: "A creator's tip menu (priced actions), in the creator's order",
      auth: "none",
      params: z.object({ id: z.uuid() }),
      response: { status: 200, schema: z.object({ creatorId: z.string(), items: z.array(tipMenuItemSchema) }) },
      handler: async ({ params }) => ({ body: { creatorId: params.id, items: await s.wallet.tipMenu(params.id) } }),
    }),
    route({
      method: "post",
      path: "/tip-menu",
      tag: "commerce",
      summary: `Add an item to the caller's tip menu (creators, providers; at most ${WALLET_RULES.tipMenuMaxItems})`,
      auth: "required",
      body: z.object({ label: shortLabel, price: tokens(WALLET_RULES.tipMenuMaxPrice) }).strict(),
      response: { status: 201, schema: tipMenuItemSchema },
      errors: [400, 403, 409],
      handler: async ({ user, body }) => ({ status: 201, body: await s.wallet.menus.add(user, body) }),
    }),
    route({
      method: "patch",
      path: "/tip-menu/:itemId",
      tag: "commerce",
      summary: "Change an item's label or price (its creator)",
      auth: "required",
      params: z.object({ itemId: z.uuid() }),
      body: z
        .object({ label: shortLabel.optional(), price: tokens(WALLET_RULES.tipMenuMaxPrice).optional() })
        .strict()
        .refine((b) => b.label !== undefined || b.price !== undefined, "give label or price"),
      response: { status: 200, schema: tipMenuItemSchema },
      errors: [400, 403, 404],
      handler: async ({ user, params, body }) => ({ body: await s.wallet.menus.update(user, params.itemId, body) }),
    }),
    route({
      method: "delete",
      path: "/tip-menu/:itemId",
      tag: "commerce",
      summary: "Remove an item from the tip menu (its creator)",
      auth: "required",
      params: z.object({ itemId: z.uuid() }),
      response: { status: 204 },
      errors: [403, 404],
      handler: async ({ user, params }) => {
        await s.wallet.menus.remove(user, params.itemId);
        return { status: 204, body: undefined };
      },
    }),
    route({
      method: "get",
      path: "/streams/:id/goal",
      tag: "commerce",
      summary: "The stream's tip goal and the goals queued after it (null when none)",
      auth: "optional",
      params: z.object({ id: z.uuid() }),
      response: { status: 200, schema: z.object({ goal: goalSchema.nullable() }) },
      errors: [404],
      handler: async ({ user, params }) => {
        await s.streams.read(user, params.id);
        return { body: { goal: await s.wallet.goal(params.id) } };
      },
    }),
    route({
      method: "put",
      path: "/streams/:id/goal",
      tag: "commerce",
      summary: "Set the stream's tip goal {label, target, next?} (its creator); live rooms pick it up at once",
      auth: "required",
      params: z.object({ id: z.uuid() }),
      body: z.object({ label: shortLabel, target: tokens(WALLET_RULES.goalMaxTarget), next: z.array(goalStep).max(WALLET_RULES.goalMaxNext).optional() }).strict(),
      response: { status: 200, schema: goalSchema },
      errors: [400, 403, 404],
      handler: async ({ user, params, body }) => ({ body: await s.wallet.goals.set(user, params.id, body) }),
    }),
    route({
      method: "delete",
      path: "/streams/:id/goal",
      tag: "commerce",
      summary: "Remove the stream's tip goal (its creator)",
      auth: "required",
      params: z.object({ id: z.uuid() }),
      response: { status: 204 },
      errors: [403, 404],
      handler: async ({ user, params }) => {
        await s.wallet.goals.clear(user, params.id);
        return { status: 204, body: undefined };
      },
    }),
  ];
}
