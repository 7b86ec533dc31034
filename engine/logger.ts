import { pino } from "pino";
import type { Env } from "../config/env.ts";

export type Logger = pino.Logger;

export function createLogger(env: Pick<Env, "LOG_LEVEL" | "isProduction">): Logger {
  return pino({
    level: env.LOG_LEVEL,
    base: { svc: "teezu" },
    redact: { paths: ["password", "*.password", "passwordHash", "*.passwordHash", "token", "*.token", "req.headers.authorization"], remove: true },
    // Humans read development logs; machines read production logs.
    transport: env.isProduction || env.LOG_LEVEL === "silent" ? undefined : { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss" } },
  });
}
