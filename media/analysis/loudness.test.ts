import { describe, expect, it } from "vitest";
import { EnergyMeter } from "./EnergyMeter.ts";
import { lufsToEnergy, parseLoudnessLine } from "./loudness.ts";

describe("parseLoudnessLine", () => {
  it.each([
    ["lavfi.r128.M=-21.756", -21.756],
    ["lavfi.r128.M=-163.156", -163.156],
    ["  lavfi.r128.M=-5 ", -5],
    ["lavfi.r128.M=3.2", 3.2],
    ["lavfi.r128.M=-inf", -Infinity],
    ["lavfi.r128.M=nan", -Infinity],
  ])("reads %s", (line, lufs) => expect(parseLoudnessLine(line)).toBe(lufs));

  it.each(["frame:12   pts:5760   pts_time:0.12", "lavfi.r128.S=-20", "lavfi.r128.M=", "lavfi.r128.M=abc", ""])("ignores %j", (line) => {
    expect(parseLoudnessLine(line)).toBeNull();
  });
});

describe("lufsToEnergy", () => {
  it("maps -60 LUFS → 0 and -10 LUFS → 100 linearly, clamped", () => {
    expect(lufsToEnergy(-Infinity)).toBe(0);
    expect(lufsToEnergy(-120)).toBe(0);
    expect(lufsToEnergy(-60)).toBe(0);
    expect(lufsToEnergy(-35)).toBe(50);
    expect(lufsToEnergy(-21.76)).toBe(76);
    expect(lufsToEnergy(-10)).toBe(100);
    expect(lufsToEnergy(2)).toBe(100);
    expect(lufsToEnergy(Number.NaN)).toBe(0);
  });
});

describe("EnergyMeter", () => {
  it("emits at most once a second, the window's mean, only when it changed", () => {
    let now = 0;
    const out: Array<[number, number]> = [];
    const meter = new EnergyMeter({ emit: (e) => out.push([now, e]), now: () => now });
    // 3 s of silence then 3 s of a loud tone, 10 readings a second.
    for (let i = 0; i < 60; i++) {
      now = i * 100;
      meter.line(`lavfi.r128.M=${i < 30 ? "-120.5" : "-21.7"}`);
      meter.line(`frame:${i} pts:${i} pts_time:${i / 10}`);
    }
    expect(out.length).toBeGreaterThanOrEqual(2);
    expect(out.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < out.length; i++) expect(out[i]![0] - out[i - 1]![0]).toBeGreaterThanOrEqual(1000);
    expect(out[0]![1]).toBe(0);
    expect(out[out.length - 1]![1]).toBe(77);
    expect(meter.current).toBe(77);
    // No change, no update.
    expect(new Set(out.map(([, e]) => e)).size).toBe(out.length);
  });
});
