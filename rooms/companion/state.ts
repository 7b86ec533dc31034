// Schema state of a companion session (CONTRACT: companionId, name, messages). Beyond the contract:
// `offline` (the UI must say when no live model answers), the AI tier and what is left of the
// hourly allowance.
import { schema, t } from "@colyseus/schema";

export const CompanionMessage = schema(
  {
    id: t.string(),
    role: t.string().default("assistant"),
    text: t.string().default(""),
    ts: t.number().default(0),
    /** False while the assistant's reply is still streaming in. */
    done: t.boolean().default(true),
  },
  "CompanionMessage",
);
export type CompanionMessage = InstanceType<typeof CompanionMessage>;

export const CompanionState = schema(
  {
    companionId: t.string(),
    name: t.string().default(""),
    messages: t.array(CompanionMessage),
    offline: t.boolean().default(false),
    tier: t.string().default("basic"),
    quotaLeft: t.number().default(0),
  },
  "CompanionState",
);
export type CompanionState = InstanceType<typeof CompanionState>;
