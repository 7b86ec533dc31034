import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES } from "../config/roles.ts";
import { SEED_COMPANION, SEED_PASSWORD, SEED_STREAM, seedEmail } from "../engine/seed-data.ts";
import { bootEngine } from "./engine.ts";

describe("npm run seed", () => {
  it("creates one SFW demo user per role, a verified creator and a companion, and is idempotent", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "teezu-seed-"));
    const run = () =>
      execFileSync(process.execPath, ["--import", "tsx", "engine/seed.ts"], {
        cwd: new URL("..", import.meta.url).pathname,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
        encoding: "utf8",
      });
    try {
      expect(run()).toContain("created creator");
      expect(run()).toContain("exists  creator");
      const t = await bootEngine({}, dataDir);
      try {
        for (const role of ROLES) {
          const login = await t.api("/auth/login", { body: { email: seedEmail(role), password: SEED_PASSWORD } });
          expect(login.status, role).toBe(200);
          expect(login.body.user.role).toBe(role);
        }
        const creator = await t.api("/auth/login", { body: { email: seedEmail("creator"), password: SEED_PASSWORD } });
        expect(creator.body.user.isVerified).toBe(true);
        const streams = await t.api(`/streams?creatorId=${creator.body.user.id}`);
        expect(streams.body.items.map((st: { title: string }) => st.title)).toEqual([SEED_STREAM.title]);
        const companion = await t.engine.services.stores.docs.get("companions", SEED_COMPANION.id);
        expect(companion).toMatchObject({ name: "Nova", owner_id: creator.body.user.id });
      } finally {
        await t.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
