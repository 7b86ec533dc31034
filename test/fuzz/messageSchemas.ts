// The zod schema of each room message, found by convention: rooms/<room>/messages.ts exports
// `<type>Message` for message `<type>`. New rooms and messages are fuzzed with their own shape
// without touching the fuzzer; a type without a schema is fuzzed with generic payloads.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { z } from "zod";

const roomsDir = fileURLToPath(new URL("../../rooms", import.meta.url));

export async function messageSchemas(): Promise<Record<string, Record<string, z.ZodType>>> {
  const out: Record<string, Record<string, z.ZodType>> = {};
  for (const dir of readdirSync(roomsDir)) {
    const file = join(roomsDir, dir, "messages.ts");
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const schemas: Record<string, z.ZodType> = {};
    for (const [name, value] of Object.entries(mod)) {
      const m = /^([a-z][A-Za-z0-9]*)Message$/.exec(name);
      if (m && typeof value === "object" && value !== null && "safeParse" in value) schemas[m[1]!] = value as z.ZodType;
    }
    out[dir] = schemas;
  }
  return out;
}
