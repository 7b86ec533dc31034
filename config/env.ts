// The only module that reads process.env. Everything else receives a validated `Env`.
import { join, resolve } from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional();
const boolFlag = z
  .enum(["0", "1", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: port.default(2567),
  RTMP_PORT: port.default(1935),
  DATA_DIR: z.string().min(1).default("./data"),
  PUBLIC_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, "must be host:port without a scheme")
    .optional(),
  TRANSPORT: z.enum(["uws", "ws"]).default("uws"),
  // Cross-origin callers allowed to use the API with credentials; the client itself is same-origin.
  CORS_ORIGINS: z
    .string()
    .regex(/^\s*https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*\s*$/, "comma-separated origins like https://app.example.com (scheme://host[:port], no path)")
    .optional(),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, "must start with mysql:// (unset for embedded SQLite)")
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
  // Namespaces every cache key, so several deployments (or test runs) can share one Redis.
  CACHE_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, "letters, digits, _ : . - only").default("teezu:"),
  FIRESTORE_PROJECT_ID: optionalString,
  FIRESTORE_EMULATOR_HOST: z.string().regex(/^[^\s/]+:\d{1,5}$/, "must be host:port").optional(),
  GOOGLE_APPLICATION_CREDENTIALS: optionalString,
  PINECONE_API_KEY: optionalString,
  PINECONE_INDEX_HOST: z.url().optional(),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: optionalString,
  // Which model the pro AI tiers (pro, creator, debug) get; unset → OPENAI_MODEL.
  OPENAI_MODEL_PRO: optionalString,
  OPENAI_EMBEDDING_MODEL: optionalString,
  // Some OpenAI-compatible servers have no /moderations: "offline" keeps the blocklist classifier alone.
  OPENAI_MODERATION: z.enum(["openai", "offline"]).optional(),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  // Write-behind tunables: how long a store may lag behind the rooms, and how much memory it may hold.
  WRITE_BEHIND_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  WRITE_BEHIND_MAX_ITEMS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  // Failed logins allowed per account, and per IP (many people can share one NAT), within 15 minutes before 429.
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(10),
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
  BCRYPT_COST: z.coerce.number().int().min(10).max(15).default(10),
  // Media: which RTMP ingest runs (the embedded node-media-server, an external nginx-rtmp, or none).
  INGEST: z.enum(["embedded", "nginx", "off"]).default("embedded"),
  FFMPEG_PATH: optionalString,
  HLS_ABR: boolFlag,
  // Where HLS is written and served from; engines and a separate `npm run media` process share it.
  HLS_DIR: optionalString,
  // The RTMP address creators are given, when ingest runs elsewhere (`npm run media`, nginx-rtmp).
  RTMP_PUBLIC_URL: z.string().regex(/^rtmps?:\/\/[^\s/]+(\/[^\s]*)?$/, "must be rtmp://host[:port]/app").optional(),
  // Goes into nginx's callback URLs (query string), so URL-safe characters only.
  INGEST_SHARED_SECRET: z.string().regex(/^[A-Za-z0-9._~-]{24,256}$/, "24–256 URL-safe characters (A-Z a-z 0-9 . _ ~ -)").optional(),
  INGEST_CONTROL_URL: z.url().optional(),
  // Test-only: a suite whose real service (MariaDB, Redis, FFmpeg, Chromium) is missing fails instead of skipping.
  TEEZU_REQUIRE_SERVICES: boolFlag,
  TEST_MYSQL_URL: z.string().default("mysql://root@127.0.0.1:3306/test"),
  TEST_REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
});

export type RawEnv = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export interface Env extends Omit<Parsed, "DATA_DIR" | "HLS_DIR"> {
  /** Absolute path. */
  DATA_DIR: string;
  /** Absolute path (default DATA_DIR/hls). */
  HLS_DIR: string;
  isProduction: boolean;
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

/** Validates an environment. A wrong value throws one line naming the variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    // An empty variable means "unset" for optional settings (common in .env files and CI).
    if (value !== undefined && value !== "") picked[key] = value;
  }
  const result = schema.safeParse(picked);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const got = picked[name];
    const shown = got === undefined ? "" : ` (got ${JSON.stringify(name.includes("SECRET") || name.includes("PASSWORD") || name.includes("KEY") ? "***" : got)})`;
    throw new EnvError(`Invalid environment variable ${name}: ${issue.message}${shown}`);
  }
  const env = result.data;
  if (env.FIRESTORE_EMULATOR_HOST === undefined && env.FIRESTORE_PROJECT_ID !== undefined && env.GOOGLE_APPLICATION_CREDENTIALS === undefined) {
    throw new EnvError("Invalid environment variable GOOGLE_APPLICATION_CREDENTIALS: required with FIRESTORE_PROJECT_ID unless FIRESTORE_EMULATOR_HOST is set");
  }
  if ((env.PINECONE_API_KEY === undefined) !== (env.PINECONE_INDEX_HOST === undefined)) {
    throw new EnvError("Invalid environment variable PINECONE_INDEX_HOST: PINECONE_API_KEY and PINECONE_INDEX_HOST are set together or not at all");
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new EnvError("Invalid environment variable ADMIN_PASSWORD: ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all");
  }
  if (env.INGEST === "nginx" && env.INGEST_SHARED_SECRET === undefined) {
    throw new EnvError("Invalid environment variable INGEST_SHARED_SECRET: required with INGEST=nginx (nginx's on_publish callbacks present it)");
  }
  if (env.INGEST === "nginx" && env.INGEST_CONTROL_URL === undefined) {
    throw new EnvError("Invalid environment variable INGEST_CONTROL_URL: required with INGEST=nginx (panic drops the publisher through nginx-rtmp's control endpoint)");
  }
  const dataDir = resolve(env.DATA_DIR);
  return { ...env, DATA_DIR: dataDir, HLS_DIR: resolve(env.HLS_DIR ?? join(dataDir, "hls")), isProduction: env.NODE_ENV === "production" };
}

/** Names and one-line meanings of every variable, for the README table and `--help`. */
export const envDocs: Record<keyof RawEnv, string> = {
  NODE_ENV: "development | production | test (production disables dev top-ups)",
  LOG_LEVEL: "pino level: fatal … trace, or silent",
  PORT: "HTTP API, WebSocket rooms and the built client (default 2567)",
  RTMP_PORT: "RTMP ingest (default 1935)",
  DATA_DIR: "embedded data, spill log, HLS output, generated secret (default ./data)",
  PUBLIC_ADDRESS: "host:port other processes and clients reach this one at (scale-out)",
  TRANSPORT: "uws (uWebSockets.js, default) or ws (Node ws fallback)",
  CORS_ORIGINS: "comma-separated origins granted credentialed CORS (e.g. https://app.example.com); unset → same-origin only",
  JWT_SECRET: "HS256 signing secret (≥ 32 chars); unset → generated once into DATA_DIR",
  ADMIN_EMAIL: "with ADMIN_PASSWORD: bootstrap super_admin when none exists",
  ADMIN_PASSWORD: "with ADMIN_EMAIL (≥ 10 chars)",
  DATABASE_URL: "mysql://user:pass@host:port/db; unset → embedded SQLite (libsql) in DATA_DIR",
  REDIS_URL: "redis://…; unset → in-memory cache, single-process presence",
  CACHE_PREFIX: "prefix of every cache key in Redis (default teezu:)",
  FIRESTORE_PROJECT_ID: "Firestore project; unset → embedded document store",
  FIRESTORE_EMULATOR_HOST: "host:port of a Firestore emulator",
  GOOGLE_APPLICATION_CREDENTIALS: "service-account JSON path for Firestore",
  PINECONE_API_KEY: "with PINECONE_INDEX_HOST; unset → embedded usearch index",
  PINECONE_INDEX_HOST: "https URL of the Pinecone index data plane",
  OPENAI_API_KEY: "unset → offline AI",
  OPENAI_BASE_URL: "any OpenAI-compatible server",
  OPENAI_MODEL: "chat model name (default gpt-4o-mini)",
  OPENAI_MODEL_PRO: "chat model of the pro, creator and debug AI tiers (default OPENAI_MODEL)",
  OPENAI_EMBEDDING_MODEL: "embedding model, 1536 dimensions (default text-embedding-3-small)",
  OPENAI_MODERATION: "openai (default with a key) or offline: which classifier checks AI input and output",
  STRIPE_SECRET_KEY: "unset → dev top-ups outside production",
  STRIPE_WEBHOOK_SECRET: "verifies Stripe-Signature on /webhooks/stripe",
  WRITE_BEHIND_FLUSH_MS: "how often queued chat/analytics/memory writes are flushed (default 2000)",
  WRITE_BEHIND_MAX_ITEMS: "items held in memory before spilling to the durable log (default 100000)",
  LOGIN_MAX_ATTEMPTS: "failed logins per account per 15 min before 429 (default 10)",
  LOGIN_MAX_ATTEMPTS_PER_IP: "failed logins per client IP per 15 min before 429 (default 100)",
  BCRYPT_COST: "bcrypt cost factor, 10–15 (default 10)",
  INGEST: "RTMP ingest: embedded (node-media-server in this process, default), nginx (external nginx-rtmp calling back), off",
  FFMPEG_PATH: "ffmpeg binary for HLS transcoding; unset → ffmpeg on PATH, else @ffmpeg-installer's static build",
  HLS_ABR: "1 → an ABR ladder (source + 480p) with a master playlist; default one rendition",
  HLS_DIR: "HLS output directory, shared by engines and a separate `npm run media` process (default DATA_DIR/hls)",
  RTMP_PUBLIC_URL: "RTMP address given to creators when ingest runs elsewhere, e.g. rtmp://media.example.com:1935/live (default rtmp://<PUBLIC_ADDRESS host>:RTMP_PORT/live)",
  INGEST_SHARED_SECRET: "with INGEST=nginx: secret nginx's on_publish callbacks carry (≥ 24 URL-safe chars)",
  INGEST_CONTROL_URL: "with INGEST=nginx: nginx-rtmp control base URL, e.g. http://127.0.0.1:8081/control (panic drops publishers)",
  TEEZU_REQUIRE_SERVICES: "tests: 1 → suites fail when MariaDB/Redis/FFmpeg/Chromium are missing",
  TEST_MYSQL_URL: "tests: the MariaDB to test against (default mysql://root@127.0.0.1:3306/test)",
  TEST_REDIS_URL: "tests: the Redis to test against (default redis://127.0.0.1:6379)",
};
