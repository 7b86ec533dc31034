import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("runs on embedded defaults with nothing set", () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(2567);
    expect(env.RTMP_PORT).toBe(1935);
    expect(env.TRANSPORT).toBe("uws");
    expect(env.DATA_DIR.endsWith("/data")).toBe(true);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it("treats empty variables as unset", () => {
    expect(loadEnv({ REDIS_URL: "", PORT: "" }).PORT).toBe(2567);
  });

  it.each([
    [{ PORT: "abc" }, /^Invalid environment variable PORT: .*\(got "abc"\)$/],
    [{ PORT: "70000" }, /PORT/],
    [{ TRANSPORT: "tcp" }, /TRANSPORT/],
    [{ DATABASE_URL: "postgres://x" }, /DATABASE_URL: must start with mysql:\/\//],
    [{ JWT_SECRET: "short" }, /JWT_SECRET: must be at least 32 characters \(got "\*\*\*"\)/],
    [{ PUBLIC_ADDRESS: "http://a:1" }, /PUBLIC_ADDRESS/],
    [{ ADMIN_EMAIL: "admin@example.com" }, /ADMIN_PASSWORD/],
    [{ PINECONE_API_KEY: "k" }, /PINECONE_INDEX_HOST/],
    [{ INGEST: "rtmp" }, /INGEST/],
    [{ INGEST: "nginx", INGEST_CONTROL_URL: "http://127.0.0.1:8081/control" }, /INGEST_SHARED_SECRET: required with INGEST=nginx/],
    [{ INGEST: "nginx", INGEST_SHARED_SECRET: "x".repeat(24) }, /INGEST_CONTROL_URL: required with INGEST=nginx/],
    [{ INGEST_SHARED_SECRET: "has spaces and is long enough" }, /INGEST_SHARED_SECRET: 24–256 URL-safe/],
  ])("refuses %o with one line naming the variable", (raw, message) => {
    expect(() => loadEnv(raw)).toThrow(EnvError);
    try {
      loadEnv(raw);
    } catch (err) {
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain("\n");
    }
  });
});
