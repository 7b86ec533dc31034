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

/** Records one suite's figures under `section` and refreshes the merged file. */
export function recordReliability(section: string, figures: Record<string, unknown>) {
  mkdirSync(sectionsDir, { recursive: true });
  const entry = { ...figures, mode: process.env.FUZZ_MODE === "long" || process.env.FAULTS_MODE === "long" ? "long" : "ci", at: new Date().toISOString() };
  atomicWrite(join(sectionsDir, `${section}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  const merged: Record<string, unknown> = {};
  for (const file of readdirSync(sectionsDir).filter((f) => f.endsWith(".json")).sort()) {
    try {
      merged[file.slice(0, -5)] = JSON.parse(readFileSync(join(sectionsDir, file), "utf8"));
    } catch {
      // a section being replaced right now; the next writer merges it
    }
  }
  atomicWrite(join(root, "reliability.json"), `${JSON.stringify(merged, null, 2)}\n`);
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
