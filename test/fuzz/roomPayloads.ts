// Payload generators for room messages (sent msgpack-encoded by the real SDK): the message's own
// schema sample, the sample with one field broken, and anything msgpack can carry (Maps, Dates,
// BigInts, typed arrays, NaN, -0, null-prototype objects).
import fc from "fast-check";
import type { z } from "zod";
import { NASTY_STRINGS, RAW_NUMBER_TOKENS, mutationOf, nastyValue, type Mutation } from "./adversarial.ts";
import { propertyNames, sampleFor } from "./schemaSample.ts";

const RAW_VALUES: Record<string, unknown> = { NaN: NaN, "-NaN": -NaN, Infinity: Infinity, "-Infinity": -Infinity, "1e309": Infinity, "-1e309": -Infinity, "-0": -0, "9007199254740993": 9007199254740993n };

export function mutateValue(base: unknown, m: Mutation): unknown {
  const obj: Record<string, unknown> = base && typeof base === "object" && !Array.isArray(base) ? { ...(base as object) } : {};
  switch (m.op) {
    case "drop":
      delete obj[m.key];
      return obj;
    case "set":
    case "extra":
      Object.defineProperty(obj, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      return obj;
    case "raw":
      obj[m.key] = m.token in RAW_VALUES ? RAW_VALUES[m.token] : m.token;
      return obj;
    case "replace":
      return m.value;
    case "wrap":
      return [base];
  }
}

const anything = fc.anything({
  maxDepth: 3,
  maxKeys: 6,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: false,
});

export function roomPayloadArb(schema: z.ZodType | undefined): fc.Arbitrary<unknown> {
  const generic = fc.oneof(
    { weight: 3, arbitrary: anything },
    { weight: 2, arbitrary: nastyValue },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, {}, [], "", 0, -0, NaN, Infinity, 2n ** 64n, new Uint8Array(300), new Map([["text", "hi"]])) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => ({ text: t in RAW_VALUES ? RAW_VALUES[t] : t })) },
  );
  if (!schema) return generic;
  const sample = sampleFor(schema);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(sample) },
    { weight: 5, arbitrary: mutationOf(propertyNames(schema)).map((m) => mutateValue(sample, m)) },
    { weight: 3, arbitrary: generic },
  );
}

/** Message types nobody registered: random names, numbers, prototype keys, huge names, the wildcard. */
export const unknownTypeArb: fc.Arbitrary<string | number> = fc.oneof(
  // (names of 255+ characters crash the SDK's own encoder, so the raw-frame fuzzer sends those)
  fc.constantFrom<string | number>("*", "", "__proto__", "constructor", "toString", "hasOwnProperty", "_$bchat", "error", "x".repeat(200), 0, -1, 255, 65_535, 2 ** 31, 1.5),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 5000)),
  fc.integer(),
);

/** Rough encoded size: the frame limit is 64 KiB, and oversized frames have their own test. */
export function roughSize(value: unknown): number {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v))?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
