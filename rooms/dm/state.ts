// Schema state of a 1-to-1 conversation (CONTRACT: participants, messages, typing), plus read
// receipts. Only the two participants are ever in the room, so nothing needs a per-client view:
// message bodies are ciphertext, and a pay-per-view message's wrapped key appears in `key` only
// once the recipient has paid.
import { schema, t } from "@colyseus/schema";

export const DmMessage = schema(
  {
    id: t.string(),
    from: t.string(),
    ciphertext: t.string(),
    nonce: t.string(),
    ts: t.number().default(0),
    /** Tokens to unlock; 0 for an ordinary message. */
    price: t.number().default(0),
    /** True while a pay-per-view message is unpaid. */
    locked: t.boolean().default(false),
    /** The wrapped content key of a paid-for message ("" while locked or for ordinary messages). */
    key: t.string().default(""),
  },
  "DmMessage",
);
export type DmMessage = InstanceType<typeof DmMessage>;

export const ReadMark = schema({ messageId: t.string(), ts: t.number().default(0) }, "ReadMark");

export const DmState = schema(
  {
    conversationId: t.string(),
    participants: t.array("string"),
    messages: t.array(DmMessage),
    /** User ids typing now; each expires 5 s after that user's last `typing`. */
    typing: t.array("string"),
    /** Read receipts: per user, the last message of the other participant they have read. */
    reads: t.map(ReadMark),
  },
  "DmState",
);
export type DmState = InstanceType<typeof DmState>;
