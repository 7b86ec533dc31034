import type { SinkApply } from "./types.ts";

/**
 * Calls a sink and settles within `ms` (0 = no limit). A hung store must not hold its lane (and
 * with it the memory bound) forever. A late result is ignored; if it did store the batch, the
 * retry re-applies it, which is why sinks are idempotent. A sink that throws synchronously
 * counts as a rejection.
 */
export function applyWithin(apply: SinkApply, payloads: unknown[], ms: number, sink: string): Promise<void> {
  let pending: Promise<void>;
  try {
    pending = Promise.resolve(apply(payloads));
  } catch (err) {
    return Promise.reject(err);
  }
  if (ms <= 0) return pending;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sink "${sink}" did not settle within ${ms} ms`)), ms);
    pending.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
