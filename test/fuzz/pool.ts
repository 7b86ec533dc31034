// Runs fuzz cases a few at a time: local requests are cheap, so sequential runs spend most of
// their time waiting; parallel cases also put concurrent load on the handlers (races surface).
import fc from "fast-check";

export async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (errors.length) throw errors[0];
}

/** `runs` reproducible cases of `arb` (same seed → same cases), checked `concurrency` at a time. */
export async function checkCases<T>(arb: fc.Arbitrary<T>, options: { runs: number; seed: number; concurrency?: number }, check: (c: T) => Promise<void>) {
  const cases = fc.sample(arb, { numRuns: options.runs, seed: options.seed });
  await runPool(cases, options.concurrency ?? 8, async (c) => {
    try {
      await check(c);
    } catch (err) {
      throw new Error(`counterexample (seed ${options.seed}): ${safeJson(c)}\n${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}
