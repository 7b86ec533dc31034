// Schema state of a stream's wheel: what every viewer sees (CONTRACT field names: segments, price,
// commitment, spins), plus the published odds, the multiplier bounds and the stream's XP leaders.
import { schema, t } from "@colyseus/schema";

export const WheelSegment = schema(
  {
    label: t.string(),
    weight: t.number().default(1),
    /** Published odds: weight / total weight, exactly. */
    odds: t.float64().default(0),
  },
  "WheelSegment",
);

export const WheelSpin = schema(
  {
    id: t.string(),
    userId: t.string(),
    name: t.string().default(""),
    /** Index into `segments` at the time of the spin. */
    segment: t.number().default(0),
    label: t.string().default(""),
    multiplier: t.float64().default(1),
    nonce: t.number().default(0),
    clientSeed: t.string().default(""),
    /** The seed round the spin used; its seed is revealed at GET /wheels/:streamId/seeds after rotation. */
    round: t.number().default(0),
    ts: t.number().default(0),
  },
  "WheelSpin",
);
export type WheelSpin = InstanceType<typeof WheelSpin>;

export const WheelLeader = schema({ userId: t.string(), name: t.string().default(""), xp: t.number().default(0) }, "WheelLeader");

export const WheelState = schema(
  {
    streamId: t.string(),
    creatorId: t.string(),
    segments: t.array(WheelSegment),
    /** Tokens per spin; 0 until the creator configures the wheel. */
    price: t.number().default(0),
    /** Hex SHA-256 of the current server seed's bytes. */
    commitment: t.string().default(""),
    round: t.number().default(0),
    /** The nonce the next spin under this seed gets. */
    nonce: t.number().default(0),
    multiplierMin: t.number().default(1),
    multiplierMax: t.number().default(1),
    /** What the policy gives a first spin right now (streaks add to it per user). */
    multiplier: t.float64().default(1),
    energy: t.number().default(0),
    spins: t.array(WheelSpin),
    leaderboard: t.array(WheelLeader),
  },
  "WheelState",
);
export type WheelState = InstanceType<typeof WheelState>;
