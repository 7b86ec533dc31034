import { describe, expect, it } from "vitest";
import { MOOD_IDS } from "../../config/moods.ts";
import { AudienceMood } from "./AudienceMood.ts";

/** `perSecond` messages of `text` for `seconds`, starting at `from`; returns the end time. */
function chat(mood: AudienceMood, text: string, perSecond: number, seconds: number, from: number): number {
  const step = 1000 / perSecond;
  let t = from;
  for (let i = 0; i < perSecond * seconds; i++, t += step) mood.add(text, t);
  return t;
}

describe("AudienceMood", () => {
  it("starts neutral and silent", () => {
    expect(new AudienceMood().current(0)).toEqual({ mood: "neutral", intensity: 0, score: 0, rate: 0 });
  });

  it("turns a positive, fast chat energetic, then decays back to neutral when quiet", () => {
    const mood = new AudienceMood();
    const end = chat(mood, "this is amazing, love it 🔥", 2, 60, 0);
    const live = mood.current(end);
    expect(live.mood).toBe("energetic");
    expect(live.rate).toBeGreaterThan(50);
    expect(live.score).toBe(5);
    expect(live.intensity).toBeGreaterThan(80);

    const later = mood.current(end + 60_000);
    expect(later.rate).toBeCloseTo(live.rate / 2, 0);
    expect(later.intensity).toBeLessThan(live.intensity);

    expect(mood.current(end + 5 * 60_000)).toMatchObject({ mood: "neutral" });
    expect(mood.current(end + 10 * 60_000).intensity).toBeLessThan(5);
  });

  it("reads a slow, warm chat as cozy and a slow, mildly positive one as chill", () => {
    const cozy = new AudienceMood();
    expect(cozy.current(chat(cozy, "wow, awesome", 0.1, 300, 0)).mood).toBe("cozy");
    const chill = new AudienceMood();
    expect(chill.current(chat(chill, "ok yes", 0.1, 300, 0)).mood).toBe("chill");
  });

  it("reads a slow, affectionate chat as romantic", () => {
    const mood = new AudienceMood();
    expect(mood.current(chat(mood, "so lovely ❤️", 0.1, 300, 0)).mood).toBe("romantic");
  });

  it("reads a busy positive chat as playful, a fast mildly positive one too, and a fast level one as focused", () => {
    const busy = new AudienceMood();
    expect(busy.current(chat(busy, "haha nice", 0.4, 300, 0))).toMatchObject({ mood: "playful" });
    const banter = new AudienceMood();
    expect(banter.current(chat(banter, "yes ok", 1, 300, 0))).toMatchObject({ mood: "playful" });
    const focused = new AudienceMood();
    expect(focused.current(chat(focused, "what is the next song", 1, 300, 0))).toMatchObject({ mood: "focused" });
  });

  it("keeps a negative chat neutral (the palette has no tense mood)", () => {
    const mood = new AudienceMood();
    const end = chat(mood, "boring, this is bad", 2, 60, 0);
    expect(mood.current(end)).toMatchObject({ mood: "neutral" });
    expect(mood.current(end).score).toBeLessThan(0);
  });

  it("understands stretched words, glued emoji and chat slang", () => {
    const mood = new AudienceMood();
    expect(mood.add("loooove it", 0)).toBeGreaterThan(0);
    expect(mood.add("😍😍", 0)).toBeGreaterThan(0);
    expect(mood.add("fire 🔥", 0)).toBeGreaterThan(0);
    expect(mood.add("a".repeat(500), 0)).toBe(0);
    expect(mood.add("awesome amazing wonderful fantastic superb", 0)).toBe(5);
  });

  it("is deterministic and ignores a clock that steps backwards", () => {
    const a = new AudienceMood();
    const b = new AudienceMood();
    for (const m of [a, b]) chat(m, "nice one", 1, 30, 0);
    expect(a.current(40_000)).toEqual(b.current(40_000));
    a.add("great", 10_000);
    expect(a.current(10_000).rate).toBeGreaterThan(b.current(10_000).rate);
  });

  it("only ever answers with palette moods and intensities 0–100", () => {
    const mood = new AudienceMood();
    const texts = ["love", "hate", "ok", "😂", "wow", "no", "", "?!"];
    for (let t = 0; t < 120_000; t += 250) {
      mood.add(texts[(t / 250) % texts.length]!, t);
      const r = mood.current(t);
      expect(MOOD_IDS).toContain(r.mood);
      expect(r.intensity).toBeGreaterThanOrEqual(0);
      expect(r.intensity).toBeLessThanOrEqual(100);
    }
  });
});
