// Figures the hardening suites measured, for the README's "Reliability" section. Each suite writes
// its own section file (suites run in parallel workers), then re-merges all sections into
// test-artifacts/reliability.json with an atomic rename, so the last writer leaves a full file.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../test-artifacts", import.meta.url));
const sectionsDir = join(root, "reliability");

function atomicWrite(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export type Mode = "ci" | "long";
export const currentMode = (): Mode => (process.env.FUZZ_MODE === "long" || process.env.FAULTS_MODE === "long" ? "long" : "ci");
export const reliabilityFile = join(root, "reliability.json");

/**
 * Records one suite's figures under `section` for the current mode (`npm test` → ci,
 * `npm run fuzz|faults` → long; the two never overwrite each other) and refreshes the merged
 * file: `{ <section>: { ci?: {...}, long?: {...} } }`.
 */
export function recordReliability(section: string, figures: Record<string, unknown>) {
  mkdirSync(sectionsDir, { recursive: true });
  const mode = currentMode();
  const entry = { ...figures, mode, at: new Date().toISOString() };
  atomicWrite(join(sectionsDir, `${section}.${mode}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  const merged: Record<string, Record<string, unknown>> = {};
  for (const file of readdirSync(sectionsDir).filter((f) => /\.(ci|long)\.json$/.test(f)).sort()) {
    const [, name, m] = /^(.*)\.(ci|long)\.json$/.exec(file)!;
    try {
      (merged[name!] ??= {})[m!] = JSON.parse(readFileSync(join(sectionsDir, file), "utf8"));
    } catch {
      // a section being replaced right now; the next writer merges it
    }
  }
  atomicWrite(reliabilityFile, `${JSON.stringify(merged, null, 2)}\n`);
}

/** Counts cases by key, for per-route and per-message-type figures. */
export class Tally {
  readonly counts: Record<string, number> = {};
  add(key: string, n = 1) {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}
