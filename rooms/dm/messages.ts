// Client → room messages of the `dm` room (CONTRACT.md), validated inside handlers. The server
// cannot read message bodies, so it checks only their shape and size.
import { z } from "zod";

const base64 = (max: number) =>
  z
    .string()
    .min(4)
    .max(max)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64");

/** ≈ 6 KB of ciphertext: a long chat message; 50 of them stay well inside one stored document. */
export const MAX_CIPHERTEXT = 8192;
export const MAX_PRICE = 100_000;

export const sendMessage = z
  .object({
    ciphertext: base64(MAX_CIPHERTEXT),
    /** AES-GCM's 12-byte nonce. */
    nonce: base64(24).refine((n) => n.length === 16, "must be 12 bytes"),
    /** Makes a pay-per-view message (creators only); needs `wrappedKey`. */
    price: z.number().int().min(1).max(MAX_PRICE).optional(),
    /** The content key wrapped for the recipient; withheld by the server until `unlock` pays. */
    wrappedKey: base64(256).optional(),
  })
  .strict()
  .refine((m) => (m.price === undefined) === (m.wrappedKey === undefined), { message: "price and wrappedKey go together", path: ["wrappedKey"] });
export type SendMessage = z.infer<typeof sendMessage>;

/** Ids the room mints (base-36 time + random hex); anything else, e.g. a `/` that would be a
 *  document path in Firestore, is refused before it reaches a store. */
const messageId = z.string().regex(/^[0-9a-z]{12,32}$/, "not a message id");

export const typingMessage = z.object({}).strict();

export const unlockMessage = z
  .object({
    messageId,
    /** Idempotency key: the same key twice debits once. */
    key: z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces only"),
  })
  .strict();

export const readMessage = z.object({ messageId }).strict();

export const safewordMessage = z.object({}).strict();

export const joinOptions = z.object({ peerId: z.uuid() }).passthrough();
