import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { createSqlStore, type SqlStore } from "../../storage/sql/index.ts";
import { withDatabase } from "../../storage/sql/config.ts";
import { dropDatabase } from "../databases.ts";
import { hasService, testEnv } from "../services.ts";
import { walletLedgerSuite } from "./wallet.ledger.suite.ts";

let dir = "";
walletLedgerSuite(
  "SQLite",
  async (): Promise<SqlStore> => {
    dir = await mkdtemp(join(tmpdir(), "teezu-wallet-"));
    return createSqlStore({ dataDir: dir });
  },
  () => rm(dir, { recursive: true, force: true }),
);

const dbName = `teezu_wallet_${randomBytes(4).toString("hex")}`;
describe.runIf(await hasService("mariadb"))("MariaDB", () => {
  walletLedgerSuite(
    "MariaDB",
    () => createSqlStore({ databaseUrl: withDatabase(testEnv.TEST_MYSQL_URL, dbName), dataDir: "" }),
    () => dropDatabase(testEnv.TEST_MYSQL_URL, dbName),
  );
});
