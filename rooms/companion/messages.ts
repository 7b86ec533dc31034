// Client → room messages of the `companion` room (CONTRACT.md), validated inside handlers.
import { z } from "zod";

export const MAX_SAY_CHARS = 1000;

export const sayMessage = z
  .object({
    text: z
      .string()
      .max(MAX_SAY_CHARS * 4)
      .transform((s) => s.normalize("NFC").trim())
      .pipe(z.string().min(1, "must not be empty").max(MAX_SAY_CHARS, `must be at most ${MAX_SAY_CHARS} characters`)),
  })
  .strict();

export const safewordMessage = z.object({}).strict();

/** `ownerId` is never the client's: the room's onAuth overwrites it with the caller's id. */
export const joinOptions = z.object({ companionId: z.uuid(), ownerId: z.string().min(1) }).passthrough();
