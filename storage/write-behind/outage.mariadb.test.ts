import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, it } from "vitest";
import { canStartPrivate, startPrivateMariaDb, type PrivateServer } from "../../test/private-services.ts";
import { runOutageScenario } from "./outageScenario.ts";

describe.runIf(canStartPrivate("mariadb"))("write-behind: a private MariaDB stopped under the queue", () => {
  let server: PrivateServer;
  let spillDir: string;
  beforeAll(async () => {
    server = await startPrivateMariaDb();
    spillDir = await mkdtemp(join(tmpdir(), "wb-outage-mariadb-"));
    const conn = await mysql.createConnection(server.url);
    // `arrival` records the order rows first came in; `applies` counts idempotent re-applies.
    await conn.query(`CREATE TABLE wb_events (
      arrival BIGINT AUTO_INCREMENT PRIMARY KEY,
      id INT NOT NULL UNIQUE,
      body VARCHAR(200) NOT NULL,
      applies INT NOT NULL DEFAULT 1
    ) ENGINE=InnoDB`);
    await conn.end();
  });
  afterAll(async () => {
    await server?.destroy();
    if (spillDir) await rm(spillDir, { recursive: true, force: true });
  });

  it("loses nothing: spilled items arrive, exactly once and in order, after MariaDB returns", async () => {
    const figures = await runOutageScenario(
      server,
      {
        async connect() {
          // A short connect timeout makes calls fail fast while the server is down; the pool drops
          // connections the restart killed and opens new ones.
          const pool = mysql.createPool({ uri: server.url, connectionLimit: 2, connectTimeout: 1000 });
          return {
            apply: async (payloads) => {
              const rows = (payloads as { id: number; body: string }[]).map((p) => [p.id, p.body]);
              // One statement: InnoDB applies the whole batch or none of it.
              await pool.query("INSERT INTO wb_events (id, body) VALUES ? ON DUPLICATE KEY UPDATE applies = applies + 1", [rows]);
            },
            close: () => pool.end().catch(() => {}),
          };
        },
        async arrived() {
          const conn = await mysql.createConnection(server.url);
          try {
            const [rows] = await conn.query<RowDataPacket[]>("SELECT id FROM wb_events ORDER BY arrival");
            return rows.map((r) => Number(r.id));
          } finally {
            await conn.end();
          }
        },
      },
      spillDir,
    );
    const conn = await mysql.createConnection(server.url);
    const [[row]] = await conn.query<RowDataPacket[]>("SELECT COALESCE(SUM(applies - 1), 0) AS reapplied FROM wb_events");
    await conn.end();
    console.info(`[write-behind outage: mariadb] ${JSON.stringify({ ...figures, reapplied: Number(row?.reapplied) })}`);
  });
});
