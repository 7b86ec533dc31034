// The wheel over HTTP: its configuration with published odds, its seeds (revealed ones with the
// seed, the one in use with its commitment only) and its winner log. Everything needed to verify a
// spin is here; the algorithm is spelled out in rooms/wheel/fairness.ts.
import { z } from "zod";
import { FAIRNESS_ALGORITHM, oddsOf } from "../../../rooms/wheel/fairness.ts";
import type { Services } from "../../services.ts";
import { route } from "../route.ts";

const streamParam = z.object({ streamId: z.uuid() });
const segmentSchema = z.object({ label: z.string(), weight: z.number().int() });
const seedSchema = z.object({
  round: z.number().int(),
  commitment: z.string(),
  serverSeed: z.string().nullable(),
  revealed: z.boolean(),
  createdAt: z.string(),
  revealedAt: z.string().nullable(),
  spins: z.number().int(),
  segments: z.array(segmentSchema),
});
const spinSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  round: z.number().int(),
  commitment: z.string(),
  nonce: z.number().int(),
  clientSeed: z.string(),
  segment: z.number().int(),
  label: z.string(),
  weights: z.array(z.number().int()),
  multiplier: z.number(),
  ts: z.number(),
  seq: z.string(),
});

export function wheelRoutes(s: Services) {
  /** 404 for a stream the caller may not see, as for the stream itself. */
  const visibleStream = (user: Parameters<Services["streams"]["read"]>[0], streamId: string) => s.streams.read(user, streamId);

  return [
    route({
      method: "get",
      path: "/wheels/:streamId",
      tag: "wheels",
      summary: "A stream's wheel: segments with published odds, price and multiplier bounds",
      auth: "optional",
      params: streamParam,
      response: {
        status: 200,
        schema: z.object({
          streamId: z.string(),
          configured: z.boolean(),
          price: z.number().int(),
          multiplier: z.object({ min: z.number(), max: z.number() }),
          segments: z.array(segmentSchema.extend({ odds: z.number() })),
        }),
      },
      errors: [404],
      handler: async ({ user, params }) => {
        const stream = await visibleStream(user, params.streamId);
        const config = await s.wheels.configs.load(params.streamId, stream.creatorId);
        const odds = oddsOf(config.segments.map((x) => x.weight));
        return {
          body: {
            streamId: params.streamId,
            configured: config.segments.length > 0 && config.price > 0,
            price: config.price,
            multiplier: config.multiplier,
            segments: config.segments.map((x, i) => ({ ...x, odds: odds[i] ?? 0 })),
          },
        };
      },
    }),
    route({
      method: "get",
      path: "/wheels/:streamId/seeds",
      tag: "wheels",
      summary: "The wheel's server seeds, newest first: revealed ones with the seed, the one in use with its commitment only",
      auth: "optional",
      params: streamParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { status: 200, schema: z.object({ streamId: z.string(), algorithm: z.string(), items: z.array(seedSchema) }) },
      errors: [404],
      handler: async ({ user, params, query }) => {
        await visibleStream(user, params.streamId);
        return { body: { streamId: params.streamId, algorithm: FAIRNESS_ALGORITHM, items: await s.wheels.seeds.list(params.streamId, query.limit) } };
      },
    }),
    route({
      method: "get",
      path: "/wheels/:streamId/spins",
      tag: "wheels",
      summary: "The winner log, oldest first; pass nextBefore as `before` for older spins",
      auth: "optional",
      params: streamParam,
      query: z.object({
        before: z.string().regex(/^[0-9:]{1,60}$/, "must be a nextBefore value").optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { status: 200, schema: z.object({ items: z.array(spinSchema), nextBefore: z.string().nullable() }) },
      errors: [404],
      handler: async ({ user, params, query }) => {
        await visibleStream(user, params.streamId);
        const page = await s.wheels.spins.page(params.streamId, query);
        // Payment details stay in the ledger; the log shows what anyone may verify.
        return { body: { items: page.items.map(({ price: _p, transactionId: _t, streamId: _s, ...spin }) => spin), nextBefore: page.nextBefore } };
      },
    }),
  ];
}
