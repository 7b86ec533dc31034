// Client → room messages of the `wheel` room (CONTRACT.md), validated inside handlers.
import { z } from "zod";
import { WHEEL } from "../../config/gamification.ts";

/** Printable ASCII without spaces: keys and seeds are pasted and recomputed by people verifying spins. */
const printable = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces only");

export const wheelSegment = z
  .object({
    label: z.string().trim().min(1).max(40),
    weight: z.number().int().min(1).max(WHEEL.maxWeight),
  })
  .strict();

export const configureMessage = z
  .object({
    segments: z.array(wheelSegment).min(WHEEL.minSegments).max(WHEEL.maxSegments),
    price: z.number().int().min(1).max(WHEEL.maxPrice),
    multiplier: z
      .object({
        min: z.number().min(WHEEL.multiplierFloor).max(WHEEL.multiplierCeiling),
        max: z.number().min(WHEEL.multiplierFloor).max(WHEEL.multiplierCeiling),
      })
      .strict()
      .refine((m) => m.min <= m.max, "min must not exceed max")
      .optional(),
  })
  .strict();
export type ConfigureMessage = z.infer<typeof configureMessage>;

export const spinMessage = z
  .object({
    /** Idempotency key: the same key twice pays once and returns the same result. */
    key: printable(80),
    /** The client's contribution to the result; defaults to the key. */
    clientSeed: printable(64).optional(),
  })
  .strict();
export type SpinMessage = z.infer<typeof spinMessage>;

export const rotateMessage = z.object({}).strict();

export const joinOptions = z.object({ streamId: z.string().min(1).max(64) }).passthrough();
