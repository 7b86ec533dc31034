import { describe, expect, it } from "vitest";
import { PublishGate } from "./PublishGate.ts";

const KEY = "Jq3v9Zb0XcY2-_aBcDeFgHiJkLmNoPqR";

describe("PublishGate (node-media-server's synchronous prePublish)", () => {
  it("refuses malformed keys before any lookup", () => {
    const gate = new PublishGate();
    for (const key of ["", "short", "../../etc/passwd", "a".repeat(129), "key with space xxxxxxxx"]) expect(gate.check(key).admit).toBe(false);
    expect(gate.check(KEY)).toEqual({ admit: true });
  });

  it("refuses a key refused a moment ago, then lets it be checked again", () => {
    let now = 0;
    const gate = new PublishGate({ refuseForMs: 10_000, now: () => now });
    gate.refuse(KEY);
    expect(gate.check(KEY)).toEqual({ admit: false, reason: "stream key refused recently" });
    now = 10_001;
    expect(gate.check(KEY).admit).toBe(true);
  });

  it("holds one publisher per key", () => {
    const gate = new PublishGate();
    expect(gate.claim(KEY, "s1")).toBe(true);
    expect(gate.check(KEY)).toEqual({ admit: false, reason: "this stream already has a publisher" });
    expect(gate.claim(KEY, "s2")).toBe(false);
    gate.release(KEY, "s2");
    expect(gate.holds(KEY, "s1")).toBe(true);
    gate.release(KEY, "s1");
    expect(gate.check(KEY).admit).toBe(true);
  });

  it("forgets the oldest refusals beyond its bound", () => {
    const gate = new PublishGate({ maxRefused: 2 });
    const keys = ["a", "b", "c"].map((c) => c.repeat(20));
    keys.forEach((k) => gate.refuse(k));
    expect(gate.check(keys[0]!).admit).toBe(true);
    expect(gate.check(keys[2]!).admit).toBe(false);
  });
});
