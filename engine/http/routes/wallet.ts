import { z } from "zod";
import { TOKEN_PACKAGES, WALLET_RULES, packageById, packageByTokens } from "../../../config/packages.ts";
import { InvalidCursorError } from "../../../storage/sql/index.ts";
import type { Services } from "../../services.ts";
import { walletHttpError } from "../../wallet/httpErrors.ts";
import { ledgerLineSchema, ledgerLineView, walletSchema } from "../../wallet/views.ts";
import { HttpError, invalidRequest, notFound } from "../errors.ts";
import { route } from "../route.ts";
import { idempotencyKey, tokens } from "./walletSchemas.ts";

const packageSchema = z.object({ id: z.string(), tokens: z.number().int(), priceCents: z.number().int(), currency: z.string(), label: z.string() });

export function walletRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/wallet",
      tag: "wallet",
      summary: "The caller's balance (spendable tokens), earnings (creators) and whether the wallet is locked",
      auth: "required",
      response: { status: 200, schema: walletSchema },
      handler: async ({ user }) => {
        const summary = await s.wallet.summary(user.id);
        if (!summary) throw notFound("Wallet");
        return { body: summary };
      },
    }),
    route({
      method: "get",
      path: "/wallet/transactions",
      tag: "wallet",
      summary: "The caller's ledger lines (wallet and earnings), newest first; cursor-paginated",
      auth: "required",
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
        account: z.enum(["wallet", "earnings"]).optional(),
      }),
      response: { status: 200, schema: z.object({ items: z.array(ledgerLineSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ user, query }) => {
        try {
          const page = await s.wallet.history(user.id, query);
          return { body: { items: page.items.map((l) => ledgerLineView(user.id, l)), nextCursor: page.nextCursor } };
        } catch (err) {
          if (err instanceof InvalidCursorError) throw invalidRequest("query.cursor: not a cursor this list issued");
          throw err;
        }
      },
    }),
    route({
      method: "get",
      path: "/wallet/packages",
      tag: "wallet",
      summary: "Token packages for sale, and how top-ups are paid here (stripe, dev or unavailable)",
      auth: "none",
      response: { status: 200, schema: z.object({ currency: z.literal("TKN"), payments: z.enum(["stripe", "dev", "unavailable"]), items: z.array(packageSchema) }) },
      handler: async () => ({ body: { currency: "TKN" as const, payments: s.wallet.payments.mode(), items: TOKEN_PACKAGES.map((p) => ({ ...p })) } }),
    }),
    route({
      method: "post",
      path: "/wallet/topups",
      tag: "wallet",
      summary:
        "Buy tokens: {packageId} or {amount} of a package → Stripe Checkout {checkoutUrl, sessionId}; without Stripe outside production a dev top-up credits at once (any amount) → {balance, transactionId, dev:true}; production without Stripe → 503",
      auth: "required",
      body: z
        .object({ packageId: z.string().min(1).max(64).optional(), amount: tokens(WALLET_RULES.maxTransfer).optional(), key: idempotencyKey.optional() })
        .strict()
        .refine((b) => b.packageId !== undefined || b.amount !== undefined, "give packageId or amount"),
      response: { status: 201, schema: z.union([z.object({ checkoutUrl: z.string(), sessionId: z.string(), packageId: z.string(), tokens: z.number().int() }), z.object({ balance: z.number().int(), transactionId: z.string(), tokens: z.number().int(), dev: z.literal(true), replayed: z.boolean() })]) },
      errors: [400, 409, 503],
      handler: async ({ user, body }) => {
        const pkg = body.packageId !== undefined ? packageById(body.packageId) : packageByTokens(body.amount!);
        if (body.packageId !== undefined && !pkg) throw invalidRequest("body.packageId: no such package (GET /wallet/packages)");
        if (pkg && body.amount !== undefined && body.amount !== pkg.tokens) throw invalidRequest("body.amount: does not match the package");
        const mode = s.wallet.payments.mode();
        if (mode === "unavailable") throw new HttpError(503, "payments_unavailable", "Payments are not configured on this server");
        if (mode === "stripe") {
          if (!pkg) throw invalidRequest(`body.amount: buy one of the packages (${TOKEN_PACKAGES.map((p) => p.tokens).join(", ")} TKN)`);
          const session = await s.wallet.payments.createCheckout(user, pkg, body.key);
          return { status: 201, body: { ...session, packageId: pkg.id, tokens: pkg.tokens } };
        }
        // No money moves in dev mode, so any amount is fine (CONTRACT: `POST /wallet/topups {amount}`).
        const amount = pkg?.tokens ?? body.amount!;
        if (amount > s.wallet.rules.devTopupMax) throw invalidRequest(`body.amount: dev top-ups go up to ${s.wallet.rules.devTopupMax}`);
        try {
          const result = await s.wallet.devTopup(user.id, amount, body.key);
          return { status: 201, body: { balance: result.balance, transactionId: result.transactionId, tokens: amount, dev: true as const, replayed: result.replayed } };
        } catch (err) {
          throw walletHttpError(err);
        }
      },
    }),
  ];
}
