import { z } from "zod";
import { PAYOUT_STATUSES } from "../../../storage/sql/index.ts";
import type { Services } from "../../services.ts";
import { payoutSchema, payoutView } from "../../wallet/views.ts";
import { route } from "../route.ts";
import { idempotencyKey, tokens } from "./walletSchemas.ts";

const listQuery = z.object({ status: z.enum(PAYOUT_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const payoutList = z.object({ items: z.array(payoutSchema) });

export function payoutRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/payouts",
      tag: "payouts",
      summary: "Withdraw earnings (creators and providers with passed KYC; at least the minimum); same key → same payout",
      auth: "required",
      body: z.object({ amount: tokens(), key: idempotencyKey.optional() }).strict(),
      response: { status: 201, schema: payoutSchema.extend({ replayed: z.boolean() }) },
      errors: [400, 403, 409],
      handler: async ({ user, body }) => {
        const { payout, replayed } = await s.wallet.payouts.request(user, body.amount, body.key);
        return { status: replayed ? 200 : 201, body: { ...payoutView(payout), replayed } };
      },
    }),
    route({
      method: "get",
      path: "/payouts",
      tag: "payouts",
      summary: "The caller's payouts, newest first",
      auth: "required",
      query: listQuery,
      response: { status: 200, schema: payoutList },
      handler: async ({ user, query }) => ({ body: { items: (await s.wallet.payouts.list({ ...query, userId: user.id })).map(payoutView) } }),
    }),
    route({
      method: "get",
      path: "/admin/payouts",
      tag: "payouts",
      summary: "Every payout, newest first (admin); filter by status",
      auth: "required",
      action: "admin.users.read",
      query: listQuery,
      response: { status: 200, schema: payoutList },
      handler: async ({ query }) => ({ body: { items: (await s.wallet.payouts.list(query)).map(payoutView) } }),
    }),
    route({
      method: "post",
      path: "/admin/payouts/:id/paid",
      tag: "payouts",
      summary: "Mark a requested payout paid once the money has left (admin); audit-logged; twice → 409",
      auth: "required",
      action: "admin.users.verify",
      params: z.object({ id: z.uuid() }),
      response: { status: 200, schema: payoutSchema },
      errors: [404, 409],
      handler: async ({ user, params, ip }) => ({ body: payoutView(await s.wallet.payouts.markPaid(user, params.id, ip)) }),
    }),
  ];
}
