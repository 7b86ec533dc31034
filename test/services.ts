// Which real services a suite can reach. Under TEEZU_REQUIRE_SERVICES=1 (CI) a missing one
// fails the suite instead of skipping it, so a green run always means the real parts were tested.
import { execFileSync } from "node:child_process";
import { createConnection } from "node:net";
import { loadEnv } from "../config/env.ts";

export const testEnv = loadEnv();

export type ServiceName = "mariadb" | "redis" | "ffmpeg" | "chromium";

function tcpOpen(url: string, fallbackPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || fallbackPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function onPath(bin: string): boolean {
  try {
    execFileSync("which", [bin], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function probe(name: ServiceName): Promise<boolean> {
  switch (name) {
    case "mariadb":
      return tcpOpen(testEnv.TEST_MYSQL_URL, 3306);
    case "redis":
      return tcpOpen(testEnv.TEST_REDIS_URL, 6379);
    case "ffmpeg":
      return onPath("ffmpeg");
    case "chromium":
      return onPath("chromium");
  }
}

/**
 * Resolves true when the service is reachable. When it is not: throws under
 * TEEZU_REQUIRE_SERVICES=1, otherwise warns once and resolves false (use with describe.runIf).
 */
export async function hasService(name: ServiceName): Promise<boolean> {
  const up = await probe(name);
  if (up) return true;
  if (testEnv.TEEZU_REQUIRE_SERVICES) {
    throw new Error(`TEEZU_REQUIRE_SERVICES=1 but ${name} is not reachable`);
  }
  console.warn(`[tests] ${name} not reachable: its suites are skipped (set TEEZU_REQUIRE_SERVICES=1 to fail instead)`);
  return false;
}
