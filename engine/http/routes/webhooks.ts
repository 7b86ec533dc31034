import { z } from "zod";
import type { Services } from "../../services.ts";
import { route } from "../route.ts";

export function webhookRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/webhooks/stripe",
      tag: "wallet",
      summary:
        "Stripe webhook: verifies Stripe-Signature over the raw body; credits paid Checkout sessions once, reverses refunds and disputes; a replayed event id does nothing",
      auth: "none",
      response: { status: 200, schema: z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() }) },
      errors: [400, 503],
      handler: async ({ rawBody, headers }) => ({ body: await s.wallet.payments.handleWebhook(rawBody, headers["stripe-signature"]) }),
    }),
  ];
}
