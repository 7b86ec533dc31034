import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { sqlStoreContract } from "./SqlStore.contract.ts";
import { streamTablesContract } from "./StreamTables.contract.ts";
import { createSqlStore } from "./SqlStore.ts";

const root = await mkdtemp(join(tmpdir(), "teezu-sql-"));
// A nested, not yet existing data dir: the store must create it.
const dataDir = join(root, "nested", "data");

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const target = { open: (migrations?: Parameters<typeof createSqlStore>[0]["migrations"]) => createSqlStore({ dataDir, migrations }) };
sqlStoreContract("libsql", target);
streamTablesContract("libsql", target);
