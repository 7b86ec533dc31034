// In production without Stripe keys nothing may credit tokens for free: no dev top-ups, and a
// webhook endpoint without a secret refuses every delivery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";
import { StripeStandIn } from "../standins/stripe.ts";

describe("wallet in production without Stripe", () => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await bootEngine({ NODE_ENV: "production", JWT_SECRET: "wallet-prod-secret-long-enough-0123456789", RTMP_PORT: "19352" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("refuses top-ups with 503 payments_unavailable and credits nothing", async () => {
    const reg = await t.api("/auth/register", { body: { email: uniqueEmail("prod"), password: "Sunshine2024", displayName: "Sam Doe", birthDate: birthDateYearsAgo(30) } });
    expect(reg.status).toBe(201);
    const token = reg.body.accessToken as string;
    expect((await t.api("/wallet/packages")).body.payments).toBe("unavailable");
    for (const body of [{ amount: 100 }, { packageId: "tkn-500" }]) {
      const res = await t.api("/wallet/topups", { token, body });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("payments_unavailable");
    }
    expect((await t.api("/wallet", { token })).body.balance).toBe(0);
  });

  it("refuses webhooks when no signing secret is configured", async () => {
    const { rawBody, signature } = StripeStandIn.signed(StripeStandIn.event("checkout.session.completed", { id: "cs_test_x", object: "checkout.session" }), "whsec_guess");
    const res = await t.api("/webhooks/stripe", { rawBody, headers: { "stripe-signature": signature } });
    expect(res.status).toBe(503);
  });
});
