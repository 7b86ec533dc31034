// Adversarial inputs shared by the HTTP and room fuzzers: the strings, numbers and shapes that
// break parsers, validators, databases and renderers. fast-check picks among them at random and
// mixes them with its own arbitrary JSON.
import fc from "fast-check";

export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "x\ud83dy", // broken surrogate pair
  "\u202eevil\u202c", // right-to-left override
  "\u200b\u200c\u200d\u2060", // zero-width characters
  "\ufeff", // byte-order mark
  "👩‍👩‍👧‍👦", // ZWJ sequence
  "e\u0301\u0301\u0301\u0301\u0301", // stacked combining marks
  "Z̸̢̛̯̞̲͇̝̯̟̱̼̋̊̐̂̾͂̐̈́͌͝a̵͈̲̲͝l̶̢̛̺̬̪̞̘͎̈́̍g̶̢̛͖͉̲̪̔͗̌o̵͖̍",
  "\r\nX-Injected: 1",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%00",
  "%2e%2e%2f",
  "<script>alert(1)</script>",
  "' OR '1'='1' -- ",
  "\"; DROP TABLE users; --",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "prototype",
  "NaN",
  "-0",
  "1e308",
  "-1e308",
  "9007199254740993",
  "Infinity",
  "true",
  "null",
  "[object Object]",
  "𝕋𝕖𝕖𝕫𝕌",
  "ﷺ",
  "\u0085\u2028\u2029",
  "a".repeat(501),
  "a".repeat(4097),
  "漢".repeat(20_000),
];

export const NASTY_NUMBERS: readonly number[] = [
  -0, 0, -1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -(Number.MAX_SAFE_INTEGER + 2), Number.MIN_VALUE, 2 ** 31, 2 ** 32, 2 ** 63, -(2 ** 31) - 1,
];

/** Tokens that are not valid JSON values but appear where a number should be. */
export const RAW_NUMBER_TOKENS: readonly string[] = ["NaN", "-NaN", "Infinity", "-Infinity", "1e309", "-1e309", "-0", "9007199254740993", "0x10", "1_000", "01", ".5", "5.", "+1", "1e", "--1"];

const pollution = (): unknown[] => [
  JSON.parse('{"__proto__":{"polluted":"yes"}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"prototype":{"polluted":"yes"}}'),
  JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}'),
];

/** Values that are valid JSON but wrong almost everywhere. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [[]], [null], { "": "" }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => pollution()[i]) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY_STRINGS.slice(0, 12)), { maxLength: 30 }) },
);

/** Keys that a careless merge would turn into prototype pollution, and other odd keys. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", " ", "\u0000", "a.b", "$where", "role", "id", "userId", "isVerified", "walletBalance"),
  fc.string({ maxLength: 12 }),
);

export type Mutation =
  | { op: "drop"; key: string }
  | { op: "set"; key: string; value: unknown }
  | { op: "extra"; key: string; value: unknown }
  | { op: "raw"; key: string; token: string }
  | { op: "replace"; value: unknown }
  | { op: "wrap" };

/** One mutation of a well-formed object body: break one field, add one, or replace it all. */
export function mutationOf(keys: readonly string[]): fc.Arbitrary<Mutation> {
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant("x");
  return fc.oneof(
    key.map((k): Mutation => ({ op: "drop", key: k })),
    { weight: 4, arbitrary: fc.record({ key, value: nastyValue }).map((r): Mutation => ({ op: "set", ...r })) },
    fc.record({ key: nastyKey, value: nastyValue }).map((r): Mutation => ({ op: "extra", ...r })),
    fc.record({ key, token: fc.constantFrom(...RAW_NUMBER_TOKENS) }).map((r): Mutation => ({ op: "raw", ...r })),
    nastyValue.map((value): Mutation => ({ op: "replace", value })),
    fc.constant<Mutation>({ op: "wrap" }),
  );
}

const RAW_MARK = "\u0001RAW\u0001";

/** Serializes `base` with `m` applied, as the raw body text a client would send. */
export function applyMutation(base: unknown, m: Mutation): string {
  const obj: Record<string, unknown> = base && typeof base === "object" && !Array.isArray(base) ? { ...(base as object) } : {};
  switch (m.op) {
    case "drop":
      delete obj[m.key];
      return JSON.stringify(obj);
    case "set":
    case "extra":
      // defineProperty so "__proto__" becomes an own key, as JSON.parse would make it
      Object.defineProperty(obj, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      return JSON.stringify(obj);
    case "raw":
      obj[m.key] = RAW_MARK;
      return JSON.stringify(obj).replace(JSON.stringify(RAW_MARK), m.token);
    case "replace":
      return JSON.stringify(m.value) ?? "null";
    case "wrap":
      return JSON.stringify([base]);
  }
}

/** Bodies that are not JSON at all, or JSON with junk around it. */
export function malformedBodies(valid: string): string[] {
  return [
    valid.slice(0, Math.max(1, Math.floor(valid.length / 2))),
    `${valid}}`,
    `${valid}${valid}`,
    `\ufeff${valid}`,
    valid.replaceAll('"', "'"),
    `/* c */${valid}`,
    "{",
    "}",
    "[",
    "{\"a\":}",
    "{,}",
    "nul",
    "undefined",
    "\u0000",
    "\"\\ud800\"",
    "\"\\u12\"",
    "   ",
    "{\"a\":1,\"a\":2}",
  ];
}

/** Large or deep inputs, sent once per route: they cost time, not variety. */
export function edgeBodies(sample: unknown, keys: readonly string[]): Array<{ label: string; raw: string }> {
  const key = keys[0] ?? "x";
  const withField = (value: string) => applyMutation(sample, { op: "raw", key, token: value });
  const mib = 1024 * 1024;
  return [
    { label: "string 1 MiB + 1", raw: withField(JSON.stringify("a".repeat(mib + 1))) },
    { label: "string 900 KiB", raw: withField(JSON.stringify("é".repeat(450 * 1024))) },
    { label: "array nesting 10k", raw: withField(`${"[".repeat(10_000)}${"]".repeat(10_000)}`) },
    { label: "object nesting 10k", raw: withField(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`) },
    { label: "body nesting 10k", raw: `${"[".repeat(10_000)}${"]".repeat(10_000)}` },
    { label: "array of 100k", raw: withField(`[${Array(100_000).fill("0").join(",")}]`) },
    { label: "object of 20k keys", raw: withField(JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])))) },
    { label: "__proto__ top", raw: withPollutedTop(sample) },
    { label: "__proto__ nested", raw: withField('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') },
    { label: "lone surrogates", raw: withField('"\\ud800\\udbff\\udc00x"') },
  ];
}

function withPollutedTop(sample: unknown): string {
  const text = sample && typeof sample === "object" && !Array.isArray(sample) ? JSON.stringify(sample) : "{}";
  return text === "{}" ? '{"__proto__":{"polluted":"yes"}}' : `{"__proto__":{"polluted":"yes"},${text.slice(1)}`;
}

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/json; charset=bogus",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "*/*",
  "",
  undefined,
];
