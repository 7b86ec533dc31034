import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { hasService, testEnv } from "../../test/services.ts";
import { withDatabase } from "./config.ts";
import { sqlStoreContract } from "./SqlStore.contract.ts";
import { streamTablesContract } from "./StreamTables.contract.ts";
import { createSqlStore } from "./SqlStore.ts";

const serverUrl = testEnv.TEST_MYSQL_URL;
// A fresh database per run, created by the store itself, so runs never see each other's rows.
const dbName = `teezu_t_${randomBytes(4).toString("hex")}`;

describe.runIf(await hasService("mariadb"))("mysql", () => {
  afterAll(async () => {
    const conn = await createConnection(serverUrl);
    try {
      await conn.query(`drop database if exists \`${dbName}\``);
    } finally {
      await conn.end();
    }
  });

  const target = {
    open: (migrations?: Parameters<typeof createSqlStore>[0]["migrations"]) => createSqlStore({ databaseUrl: withDatabase(serverUrl, dbName), dataDir: "", migrations }),
    serverUrl,
  };
  sqlStoreContract("mysql", target);
  streamTablesContract("mysql", target);

  it("accepts mariadb:// URLs", async () => {
    const store = await createSqlStore({ databaseUrl: withDatabase(serverUrl, dbName).replace(/^mysql:/, "mariadb:"), dataDir: "" });
    try {
      expect(store.kind).toBe("mysql");
      await store.ping();
    } finally {
      await store.close();
    }
  });
});
