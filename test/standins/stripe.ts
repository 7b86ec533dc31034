// A local stand-in for the slice of the Stripe API the wallet uses, so tests drive the real
// `stripe` SDK over real HTTP: `POST /v1/checkout/sessions` (form-encoded, bracket notation, with
// Stripe's idempotency-key semantics) and `GET /v1/checkout/sessions/:id`. It also builds the
// webhook events Stripe would send afterwards (completed session, refund, dispute) and signs them
// with the SDK's own `webhooks.generateTestHeaderString`.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface RecordedStripeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  status: number;
}

type Json = Record<string, unknown>;

const rid = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/** Decodes `a[b][0][c]=v` form bodies (what the SDK sends) into nested objects and arrays. */
export function decodeForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function stripeError(res: ServerResponse, status: number, message: string, param?: string) {
  res.writeHead(status, { "content-type": "application/json", "request-id": rid("req") });
  res.end(JSON.stringify({ error: { type: "invalid_request_error", message, ...(param ? { param } : {}) } }));
}

export class StripeStandIn {
  readonly secretKey: string;
  readonly requests: RecordedStripeRequest[] = [];
  readonly sessions = new Map<string, Json>();
  private readonly idempotent = new Map<string, { body: string; response: Json }>();
  private server: Server | undefined;
  port = 0;

  constructor(options: { secretKey?: string } = {}) {
    this.secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString("hex")}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The real SDK, pointed at this stand-in. */
  client(): Stripe {
    return new Stripe(this.secretKey, { host: "127.0.0.1", port: this.port, protocol: "http", maxNetworkRetries: 0 });
  }

  /** The session as Stripe shows it once the buyer has paid. */
  paid(sessionId: string): Json {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    const completed = { ...session, status: "complete", payment_status: "paid", payment_intent: session.payment_intent ?? rid("pi") };
    this.sessions.set(sessionId, completed);
    return completed;
  }

  /** A webhook event around `object`, as Stripe posts it. */
  static event(type: string, object: Json, id = rid("evt")): Json {
    return { id, object: "event", api_version: Stripe.API_VERSION, created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
  }

  static charge(input: { paymentIntent: string; amount: number; amountRefunded: number }): Json {
    return { id: rid("ch"), object: "charge", amount: input.amount, amount_refunded: input.amountRefunded, refunded: input.amountRefunded >= input.amount, currency: "eur", payment_intent: input.paymentIntent, status: "succeeded" };
  }

  static dispute(input: { paymentIntent: string; charge: string; amount: number }): Json {
    return { id: rid("dp"), object: "dispute", amount: input.amount, charge: input.charge, payment_intent: input.paymentIntent, currency: "eur", reason: "fraudulent", status: "needs_response" };
  }

  /** Body and Stripe-Signature header for a delivery signed with `secret` (or any wrong secret). */
  static signed(event: Json, secret: string): { rawBody: string; signature: string } {
    const rawBody = JSON.stringify(event);
    return { rawBody, signature: Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret }) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = decodeForm(raw);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const record = (status: number) => this.requests.push({ method: req.method ?? "", path, headers: req.headers, body, status });
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      record(401);
      return stripeError(res, 401, "Invalid API Key provided");
    }
    const reply = (status: number, json: Json) => {
      record(status);
      res.writeHead(status, { "content-type": "application/json", "request-id": rid("req") });
      res.end(JSON.stringify(json));
    };

    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const key = req.headers["idempotency-key"];
      if (typeof key === "string") {
        const earlier = this.idempotent.get(key);
        if (earlier && earlier.body !== raw) {
          record(400);
          return stripeError(res, 400, "Keys for idempotent requests can only be used with the same parameters they were first used with.");
        }
        if (earlier) return reply(200, earlier.response);
      }
      const problem = this.checkSession(body);
      if (problem) {
        record(400);
        return stripeError(res, 400, problem.message, problem.param);
      }
      const session = this.createSession(body);
      if (typeof key === "string") this.idempotent.set(key, { body: raw, response: session });
      return reply(200, session);
    }
    const one = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(path);
    if (req.method === "GET" && one) {
      const session = this.sessions.get(one[1]!);
      if (!session) {
        record(404);
        return stripeError(res, 404, `No such checkout.session: '${one[1]}'`, "session");
      }
      return reply(200, session);
    }
    record(404);
    stripeError(res, 404, `Unrecognized request URL (${req.method}: ${path}).`);
  }

  private checkSession(body: Json): { message: string; param: string } | null {
    if (body.mode !== "payment") return { message: "This stand-in supports mode=payment only", param: "mode" };
    if (typeof body.success_url !== "string") return { message: "Missing required param: success_url.", param: "success_url" };
    const items = body.line_items;
    if (!Array.isArray(items) || items.length === 0) return { message: "Missing required param: line_items.", param: "line_items" };
    for (const [i, item] of items.entries()) {
      const price = (item as Json).price_data as Json | undefined;
      if (!price || !/^\d+$/.test(String(price.unit_amount)) || typeof price.currency !== "string") return { message: "Invalid price_data", param: `line_items[${i}][price_data]` };
    }
    return null;
  }

  private createSession(body: Json): Json {
    const items = body.line_items as Json[];
    const amount = items.reduce((total, item) => total + Number((item.price_data as Json).unit_amount) * Number(item.quantity ?? 1), 0);
    const id = rid("cs");
    const session: Json = {
      id,
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      url: `http://127.0.0.1:${this.port}/pay/${id}`,
      amount_total: amount,
      currency: (items[0]!.price_data as Json).currency,
      metadata: body.metadata ?? {},
      client_reference_id: body.client_reference_id ?? null,
      payment_intent: null,
      success_url: body.success_url,
      cancel_url: body.cancel_url ?? null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    this.sessions.set(id, session);
    return session;
  }
}
