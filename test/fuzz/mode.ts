// How many cases a fuzz or fault suite runs. `npm test` runs the CI mode (the whole hardening set
// stays under a minute); `npm run fuzz` / `npm run faults` set FUZZ_MODE / FAULTS_MODE=long.
// FUZZ_RUNS and FAULT_CYCLES scale either mode explicitly.

export const longFuzz = process.env.FUZZ_MODE === "long";
export const longFaults = process.env.FAULTS_MODE === "long";

function positive(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
}

/** Cases per HTTP route, per room message type, or per room type of raw frames (each suite picks its defaults). */
export function fuzzRuns(ci: number, long: number): number {
  return positive("FUZZ_RUNS") ?? (longFuzz ? long : ci);
}

export function faultCycles(ci: number, long: number): number {
  return positive("FAULT_CYCLES") ?? (longFaults ? long : ci);
}

/** A stable seed per run, printed so a failure can be replayed with FUZZ_SEED. */
export const fuzzSeed = positive("FUZZ_SEED") ?? (Date.now() % 2_147_483_647);
