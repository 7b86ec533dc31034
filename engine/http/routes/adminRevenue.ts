import { z } from "zod";
import { WALLET_FLAG_STATUSES } from "../../../storage/sql/index.ts";
import type { Services } from "../../services.ts";
import { walletFlagSchema, walletFlagView } from "../../wallet/views.ts";
import { conflict, invalidRequest, notFound } from "../errors.ts";
import { route } from "../route.ts";

const DAY_MS = 86_400_000;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** Date.parse accepts 2024-02-30 (as 1 March); a report range must name real days. */
function isCalendarDay(day: string): boolean {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
const instant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, "must be YYYY-MM-DD or an ISO instant")
  .refine((v) => !Number.isNaN(Date.parse(v)) && isCalendarDay(v.slice(0, 10)), "must be a real date");

const revenueRow = z.object({ key: z.string().nullable(), count: z.number().int(), volume: z.number().int(), creatorEarnings: z.number().int(), platformRevenue: z.number().int(), creatorName: z.string().nullable().optional() });

export function adminRevenueRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/admin/revenue",
      tag: "admin",
      summary:
        "Revenue report (admin): spending between users split into creator earnings and platform revenue, per UTC day, creator or kind; from inclusive, to exclusive (a bare date `to` includes that day); default the last 30 days",
      auth: "required",
      action: "admin.users.read",
      query: z.object({ from: instant.optional(), to: instant.optional(), groupBy: z.enum(["day", "creator", "kind"]).default("day") }),
      response: {
        status: 200,
        schema: z.object({
          from: z.string(),
          to: z.string(),
          groupBy: z.enum(["day", "creator", "kind"]),
          currency: z.literal("TKN"),
          rows: z.array(revenueRow),
          totals: z.record(z.string(), z.number()),
        }),
      },
      errors: [400],
      handler: async ({ query }) => {
        const to = query.to ? new Date(Date.parse(query.to) + (isoDay.test(query.to) ? DAY_MS : 0)) : new Date();
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
        if (from >= to) throw invalidRequest("query.from: must be before to");
        if (to.getTime() - from.getTime() > 3660 * DAY_MS) throw invalidRequest("query: at most ten years at once");
        return { body: await s.wallet.reports.build(from, to, query.groupBy) };
      },
    }),
    route({
      method: "get",
      path: "/admin/wallet-flags",
      tag: "admin",
      summary: "Wallets needing an admin (e.g. a refund or dispute bigger than what was left; such wallets are locked), newest first",
      auth: "required",
      action: "admin.users.read",
      query: z.object({ status: z.enum(WALLET_FLAG_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { status: 200, schema: z.object({ items: z.array(walletFlagSchema) }) },
      handler: async ({ query }) => ({ body: { items: (await s.wallet.flags.list(query)).map(walletFlagView) } }),
    }),
    route({
      method: "post",
      path: "/admin/wallet-flags/:id/resolve",
      tag: "admin",
      summary: "Close a wallet flag (admin), optionally unlocking the wallet; audit-logged",
      auth: "required",
      action: "admin.users.verify",
      params: z.object({ id: z.uuid() }),
      body: z.object({ unlock: z.boolean().default(false), note: z.string().trim().max(500).optional() }).strict(),
      response: { status: 200, schema: walletFlagSchema },
      errors: [404, 409],
      handler: async ({ user, params, body, ip }) => {
        const flag = await s.wallet.flags.byId(params.id);
        if (!flag) throw notFound("Wallet flag");
        if (!(await s.wallet.flags.resolve(flag.id, user.id, body.note ?? null))) throw conflict("This flag is already resolved", "flag_resolved");
        if (body.unlock) await s.stores.sql.users.update(flag.userId, { walletLocked: false });
        await s.stores.sql.audit.record({ actorId: user.id, action: "wallet.flag.resolve", targetType: "user", targetId: flag.userId, details: { flagId: flag.id, unlock: body.unlock }, ip });
        const resolved = await s.wallet.flags.byId(flag.id);
        return { body: walletFlagView(resolved!) };
      },
    }),
  ];
}
