// The record behind the admin hub's "Mood distribution" panel (SPEC §1): one sample per room, mood
// source and minute. The id is derived from those three, so the write-behind queue may re-apply a
// batch (its retries are at-least-once) and a room may re-send within a minute without double counting.
import { z } from "zod";
import { MOOD_IDS, type Mood } from "../../config/moods.ts";
import type { LaterDocWrite } from "../../storage/write-behind/sinks.ts";

export const MOOD_SAMPLES_COLLECTION = "mood_samples";
export const MOOD_SOURCES = ["creator", "audience"] as const;
export type MoodSource = (typeof MOOD_SOURCES)[number];
const BUCKET_MS = 60_000;

export const moodSampleSchema = z
  .object({
    roomType: z.literal("stream"),
    roomId: z.string().min(1).max(128),
    source: z.enum(MOOD_SOURCES),
    mood: z.enum(MOOD_IDS),
    intensity: z.number().min(0).max(100),
    ts: z.number().nonnegative().finite(),
  })
  .strict();

export interface MoodSample {
  roomType: "stream";
  roomId: string;
  source: MoodSource;
  mood: Mood;
  /** 0–100. */
  intensity: number;
  /** Epoch milliseconds. */
  ts: number;
}

/** Stored shape: the sample, its intensity as an integer and the minute it counts for. */
export interface MoodSampleDoc extends MoodSample {
  minute: number;
}

/** What callers pass: `mood` may be any string (e.g. straight from a room), it is checked here. */
export type MoodSampleInput = Omit<MoodSample, "mood"> & { mood: string };

export function moodSampleId(sample: Pick<MoodSample, "roomType" | "roomId" | "source" | "ts">): string {
  // encodeURIComponent keeps "/" (a path separator in document stores) out of the id.
  return `${sample.roomType}_${encodeURIComponent(sample.roomId)}_${sample.source}_${Math.floor(sample.ts / BUCKET_MS)}`;
}

/** Validates (throws a ZodError on a mood outside the palette, an intensity outside 0–100, …). */
export function moodSampleWrite(input: MoodSampleInput): Extract<LaterDocWrite, { op: "set" }> {
  const sample = moodSampleSchema.parse(input);
  const data: MoodSampleDoc = {
    ...sample,
    intensity: Math.round(sample.intensity),
    minute: Math.floor(sample.ts / BUCKET_MS) * BUCKET_MS,
  };
  return { op: "set", collection: MOOD_SAMPLES_COLLECTION, id: moodSampleId(sample), data: { ...data } };
}
