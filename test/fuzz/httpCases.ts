// Request generators for the HTTP fuzzer, built from a route's own zod schemas: bodies (valid,
// one field broken, random JSON, malformed text), path parameters (valid, traversal, encoding
// tricks, very long) and query strings (arrays, duplicates, pollution keys).
import fc from "fast-check";
import type { RouteDef } from "../../engine/http/route.ts";
import { CONTENT_TYPES, NASTY_STRINGS, RAW_NUMBER_TOKENS, applyMutation, malformedBodies, mutationOf, nastyValue } from "./adversarial.ts";
import { propertyNames, sampleFor } from "./schemaSample.ts";

export const WHO = ["anonymous", "badToken", "viewer", "member", "creator", "mod", "admin", "super_admin"] as const;
export type Who = (typeof WHO)[number];

export interface HttpCase {
  who: Who;
  body: string | undefined;
  contentType: string | undefined;
  params: Record<string, string>;
  query: string;
}

export function paramNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
}

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, name: string) => params[name] ?? "x");
}

const PATH_TRICKS = [
  "..",
  "../..",
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2f",
  "%00",
  "x%00.json",
  "%",
  "%E0%A4%A",
  "%C0%AE%C0%AE",
  "%u002e",
  "__proto__",
  "constructor",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "'%20OR%201%3D1",
  "a".repeat(2_000),
  "b".repeat(20_000),
  "%F0%9F%98%80",
  "%ED%A0%80", // encoded lone surrogate
  "-1",
  "1e308",
  "NaN",
];

function paramArb(route: RouteDef, name: string, knownIds: readonly string[]): fc.Arbitrary<string> {
  const sample = sampleFor(route.params) as Record<string, unknown> | undefined;
  const valid = encodeURIComponent(typeof sample?.[name] === "string" ? (sample[name] as string) : "x");
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    { weight: 2, arbitrary: fc.constantFrom(...knownIds, valid) },
    { weight: 3, arbitrary: fc.constantFrom(...PATH_TRICKS) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))) },
  );
}

function queryArb(route: RouteDef): fc.Arbitrary<string> {
  const sample = (sampleFor(route.query) ?? {}) as Record<string, unknown>;
  const keys = [...propertyNames(route.query), "limit", "cursor", "x"];
  const base = Object.entries(sample).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  const key = fc.constantFrom(...keys);
  const enc = (v: unknown) => encodeURIComponent(typeof v === "string" ? v.replace(/[\ud800-\udfff]/g, "?") : JSON.stringify(v) ?? "");
  const extra: fc.Arbitrary<string> = fc.oneof(
    key.map((k) => `${k}=1&${k}=2`),
    key.map((k) => `${k}[]=1&${k}[]=2`),
    key.map((k) => `${k}[a][b]=1`),
    fc.record({ k: key, v: nastyValue }).map(({ k, v }) => `${k}=${enc(v)}`),
    fc.record({ k: key, t: fc.constantFrom(...RAW_NUMBER_TOKENS) }).map(({ k, t }) => `${k}=${encodeURIComponent(t)}`),
    key.map((k) => `${k}=${"9".repeat(5000)}`),
    fc.constantFrom("__proto__[polluted]=yes", "constructor[prototype][polluted]=yes", "__proto__.polluted=yes", "a[__proto__][polluted]=yes", "%", "&&&", "=", "a=%E0%A4%A", "a=%00"),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(base.join("&")) },
    { weight: 4, arbitrary: fc.array(extra, { minLength: 1, maxLength: 3 }).map((xs) => [...base, ...xs].join("&")) },
  );
}

function bodyArb(route: RouteDef): fc.Arbitrary<string | undefined> {
  if (!route.body) {
    return fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)));
  }
  const sample = sampleFor(route.body);
  const keys = propertyNames(route.body);
  const valid = JSON.stringify(sample) ?? "{}";
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(valid) },
    { weight: 6, arbitrary: mutationOf(keys).map((m) => applyMutation(sample, m)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom(...malformedBodies(valid)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export function httpCaseArb(route: RouteDef, knownIds: readonly string[]): fc.Arbitrary<HttpCase> {
  const names = paramNames(route.path);
  const params = fc.record(Object.fromEntries(names.map((n) => [n, paramArb(route, n, knownIds)])) as Record<string, fc.Arbitrary<string>>);
  return fc.record({
    who: fc.constantFrom(...WHO),
    body: bodyArb(route),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    params,
    query: route.query ? queryArb(route) : fc.oneof(fc.constant(""), fc.constant("x=1&x=2&__proto__[polluted]=yes")),
  });
}
