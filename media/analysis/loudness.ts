// Live loudness → energy. ffmpeg's ebur128 filter prints the momentary loudness (400 ms window,
// EBU R128, in LUFS) ten times a second as `lavfi.r128.M=<LUFS>` (see transcoder/ffmpegArgs.ts).
//
// Energy mapping: linear in LUFS from ENERGY_FLOOR_LUFS (energy 0) to ENERGY_CEIL_LUFS (100),
// clamped. -60 LUFS is near-silence (room tone); -10 LUFS is very loud for a live mix (music
// mastered for streaming sits around -14, speech at -23 ± a few). Digital silence prints very
// low values (about -120 … -165) or -inf, which all map to 0.

export const ENERGY_FLOOR_LUFS = -60;
export const ENERGY_CEIL_LUFS = -10;

const LINE = /^lavfi\.r128\.M=(-?(?:inf|nan|\d+(?:\.\d+)?))\s*$/i;

/** The LUFS value of a loudness line; -Infinity for -inf/nan; null for any other line. */
export function parseLoudnessLine(line: string): number | null {
  const m = LINE.exec(line.trim());
  if (!m) return null;
  const value = Number.parseFloat(m[1]!);
  return Number.isFinite(value) ? value : -Infinity;
}

/** 0–100, integer. */
export function lufsToEnergy(lufs: number): number {
  if (!(lufs > ENERGY_FLOOR_LUFS)) return 0;
  if (lufs >= ENERGY_CEIL_LUFS) return 100;
  return Math.round(((lufs - ENERGY_FLOOR_LUFS) / (ENERGY_CEIL_LUFS - ENERGY_FLOOR_LUFS)) * 100);
}
