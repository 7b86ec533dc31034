// Client → room messages of the `stream` room (CONTRACT.md), validated inside handlers.
import { z } from "zod";
import { MOOD_IDS } from "../../config/moods.ts";

export const MAX_CHAT_CHARS = 500;

export const chatMessage = z
  .object({
    text: z
      .string()
      .max(MAX_CHAT_CHARS * 4) // refuse absurd payloads before trimming/normalizing
      .transform((s) => s.normalize("NFC").trim())
      .pipe(z.string().min(1, "must not be empty").max(MAX_CHAT_CHARS, `must be at most ${MAX_CHAT_CHARS} characters`)),
  })
  .strict();

export const moodMessage = z
  .object({
    mood: z.enum(MOOD_IDS),
    intensity: z.number().int().min(0).max(100).default(50),
  })
  .strict();

export const MODERATION_ACTIONS = ["mute", "unmute", "kick", "ban", "unban", "delete", "slow"] as const;

export const moderateMessage = z
  .object({
    action: z.enum(MODERATION_ACTIONS),
    // A user id, never free text: it keys the mod panel's `muted` MapSchema, and a key such as
    // "constructor" broke @colyseus/schema's patch encoder and took the process down (test/fuzz).
    userId: z.uuid().optional(),
    messageId: z.string().min(1).max(64).optional(),
    /** mute: duration (0 = until unmuted); slow: seconds between a user's lines (0 = off). */
    seconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (["mute", "unmute", "kick", "ban", "unban"].includes(m.action) && !m.userId) ctx.addIssue({ code: "custom", path: ["userId"], message: `required for ${m.action}` });
    if (m.action === "delete" && !m.messageId) ctx.addIssue({ code: "custom", path: ["messageId"], message: "required for delete" });
    if (m.action === "slow" && m.seconds === undefined) ctx.addIssue({ code: "custom", path: ["seconds"], message: "required for slow" });
  });
export type ModerateMessage = z.infer<typeof moderateMessage>;

export const reportMessage = z
  .object({
    reason: z.string().trim().min(1).max(500),
    userId: z.string().min(1).max(64).optional(),
    messageId: z.string().min(1).max(64).optional(),
  })
  .strict();

export const panicMessage = z.object({}).strict();

export const joinOptions = z
  .object({
    streamId: z.string().min(1).max(64),
    /** Admins only: watch without being counted or able to chat. */
    hidden: z.boolean().optional(),
  })
  .passthrough();

export const tipMessage = z
  .object({
    amount: z.number().int("must be a whole number of tokens").positive().max(1_000_000),
    /** The client's idempotency key: the same key twice debits once. */
    key: z.string().min(1).max(80).regex(/^[\x21-\x7e]+$/, "printable characters without spaces"),
    itemId: z.string().min(1).max(64).optional(),
  })
  .strict();
