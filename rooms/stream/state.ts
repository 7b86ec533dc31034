// Schema state of a live stream: what every viewer sees (CONTRACT field names), plus the
// moderation panel that only the creator and moderators see (schema StateView).
import { schema, t } from "@colyseus/schema";

export const ChatLine = schema(
  {
    id: t.string(),
    userId: t.string().default(""),
    name: t.string(),
    text: t.string(),
    kind: t.string().default("chat"),
    ts: t.number().default(0),
  },
  "ChatLine",
);
export type ChatLine = InstanceType<typeof ChatLine>;

export const TipGoal = schema(
  {
    label: t.string().default(""),
    target: t.number().default(0),
    current: t.number().default(0),
  },
  "TipGoal",
);

export const TipMenuEntry = schema({ id: t.string(), label: t.string(), price: t.number().default(0) }, "TipMenuEntry");

export const LeaderEntry = schema({ userId: t.string(), name: t.string(), total: t.number().default(0) }, "LeaderEntry");

export const ReportItem = schema(
  {
    id: t.string(),
    reporterId: t.string(),
    reporterName: t.string(),
    targetUserId: t.string().default(""),
    messageId: t.string().default(""),
    reason: t.string(),
    ts: t.number().default(0),
  },
  "ReportItem",
);

export const MutedUser = schema({ userId: t.string(), name: t.string().default(""), until: t.number().default(0) }, "MutedUser");

/** Creator and moderators only. */
export const ModPanel = schema(
  {
    reports: t.array(ReportItem),
    muted: t.map(MutedUser),
  },
  "ModPanel",
);

export const StreamState = schema(
  {
    streamId: t.string(),
    creatorId: t.string(),
    title: t.string().default(""),
    status: t.string().default("offline"),
    hlsUrl: t.string().default(""),
    explicit: t.boolean().default(false),
    viewerCount: t.number().default(0),
    peakViewers: t.number().default(0),
    mood: t.string().default("neutral"),
    moodIntensity: t.number().default(50),
    audienceMood: t.string().default("neutral"),
    energy: t.number().default(0),
    slowModeSeconds: t.number().default(0),
    chat: t.array(ChatLine),
    tipGoal: t.ref(TipGoal).default(() => new TipGoal()),
    leaderboard: t.array(LeaderEntry),
    tipMenu: t.array(TipMenuEntry),
    modPanel: t.ref(ModPanel).view().default(() => new ModPanel()),
  },
  "StreamState",
);
export type StreamState = InstanceType<typeof StreamState>;
