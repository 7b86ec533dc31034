import { describe, expect, it } from "vitest";
import { DuplicateFloodGuard } from "./DuplicateFloodGuard.ts";

describe("DuplicateFloodGuard", () => {
  it("refuses the 4th copy within 30 s, then allows it once the window has passed", () => {
    const guard = new DuplicateFloodGuard();
    const t0 = 1_000_000;
    expect(guard.check("u1", "follow the stream!", t0)).toEqual({ ok: true });
    expect(guard.check("u1", "follow the stream!", t0 + 1_000)).toEqual({ ok: true });
    expect(guard.check("u1", "follow the stream!", t0 + 2_000)).toEqual({ ok: true });
    expect(guard.check("u1", "follow the stream!", t0 + 3_000)).toEqual({ ok: false, retryAfterMs: 27_000 });
    // a refused attempt does not push the wait further out
    expect(guard.check("u1", "follow the stream!", t0 + 10_000)).toEqual({ ok: false, retryAfterMs: 20_000 });
    expect(guard.check("u1", "follow the stream!", t0 + 30_001)).toEqual({ ok: true });
  });

  it("counts near-same text as the same", () => {
    const guard = new DuplicateFloodGuard();
    const variants = ["Join my room now", "join my room now!!!", "JOIN  MY  ROOM  NOW", "j o i n my room now"];
    const results = variants.map((text, i) => guard.check("u1", text, i * 100));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it("sees through a changing counter", () => {
    const guard = new DuplicateFloodGuard();
    const results = [1, 2, 3, 4].map((n) => guard.check("bot", `free tokens at the top ${n}`, n));
    expect(results.at(-1)).toMatchObject({ ok: false });
  });

  it("lets different messages and different users through", () => {
    const guard = new DuplicateFloodGuard();
    for (const [i, text] of ["hi", "how are you", "great song", "what is this song called?", "love it"].entries()) {
      expect(guard.check("u1", text, i)).toEqual({ ok: true });
    }
    for (const user of ["a", "b", "c", "d", "e"]) expect(guard.check(user, "hello!", 10)).toEqual({ ok: true });
  });

  it("keys emoji-only messages by their characters", () => {
    const guard = new DuplicateFloodGuard({ maxRepeats: 1 });
    expect(guard.check("u1", "😂", 0)).toEqual({ ok: true });
    expect(guard.check("u1", "🔥", 1)).toEqual({ ok: true });
    expect(guard.check("u1", "😂", 2)).toMatchObject({ ok: false });
  });

  it("keeps memory bounded: least recently active users are forgotten first", () => {
    const guard = new DuplicateFloodGuard({ maxUsers: 3, maxRepeats: 1 });
    guard.check("a", "x1", 0);
    guard.check("b", "x1", 1);
    guard.check("c", "x1", 2);
    guard.check("a", "x2", 3); // a is now the most recent
    guard.check("d", "x1", 4); // evicts b
    expect(guard.size).toBe(3);
    expect(guard.check("b", "x1", 5)).toEqual({ ok: true }); // b was forgotten
    expect(guard.check("a", "x1", 6)).toMatchObject({ ok: false }); // a was kept
  });

  it("prunes old messages and caps each user's history", () => {
    const guard = new DuplicateFloodGuard({ perUser: 2, maxRepeats: 1, windowMs: 1_000 });
    guard.check("u1", "one", 0);
    guard.check("u1", "two", 1);
    guard.check("u1", "three", 2);
    expect(guard.check("u1", "one", 3)).toEqual({ ok: true }); // dropped by the per-user cap
    expect(guard.check("u1", "two", 1_500)).toEqual({ ok: true }); // expired
    guard.forget("u1");
    expect(guard.size).toBe(0);
  });

  it("handles a flood of distinct users quickly", () => {
    const guard = new DuplicateFloodGuard({ maxUsers: 1_000 });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) guard.check(`u${i % 5_000}`, `message number ${i % 7} with some text`, i);
    expect(guard.size).toBe(1_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
