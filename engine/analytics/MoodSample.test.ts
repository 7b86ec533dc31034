import { describe, expect, it } from "vitest";
import { checkWrite } from "../../storage/docs/docModel.ts";
import { MOOD_SAMPLES_COLLECTION, moodSampleId, moodSampleWrite } from "./MoodSample.ts";

const base = { roomType: "stream" as const, roomId: "s-1", source: "audience" as const, mood: "playful", intensity: 62, ts: 1_700_000_030_000 };

describe("mood samples for the admin hub", () => {
  it("builds a doc-store set into mood_samples", () => {
    expect(moodSampleWrite(base)).toEqual({
      op: "set",
      collection: MOOD_SAMPLES_COLLECTION,
      id: "stream_s-1_audience_28333333",
      data: { ...base, minute: 1_699_999_980_000 },
    });
  });

  it("uses one id per room, source and minute, so a re-applied write is idempotent", () => {
    const a = moodSampleWrite(base);
    expect(moodSampleWrite({ ...base, ts: base.ts + 1_000, mood: "energetic" }).id).toBe(a.id);
    expect(moodSampleWrite({ ...base, ts: base.ts + 60_000 }).id).not.toBe(a.id);
    expect(moodSampleWrite({ ...base, source: "creator" }).id).not.toBe(a.id);
    expect(moodSampleWrite({ ...base, roomId: "s-2" }).id).not.toBe(a.id);
  });

  it("writes what the document store accepts, even for awkward room ids", () => {
    const write = moodSampleWrite({ ...base, roomId: "a/b c", intensity: 33.6 });
    expect(() => checkWrite(write)).not.toThrow();
    expect(write.id).toBe(moodSampleId({ ...base, roomId: "a/b c" }));
    expect(write.id).not.toContain("/");
    expect(write.data.intensity).toBe(34);
  });

  it("refuses moods outside the palette and intensities outside 0–100", () => {
    expect(() => moodSampleWrite({ ...base, mood: "tense" })).toThrow();
    expect(() => moodSampleWrite({ ...base, intensity: 101 })).toThrow();
    expect(() => moodSampleWrite({ ...base, intensity: -1 })).toThrow();
  });
});
