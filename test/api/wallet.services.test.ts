import { randomBytes } from "node:crypto";
import { afterAll, describe } from "vitest";
import { dropDatabase } from "../databases.ts";
import { hasService, testEnv } from "../services.ts";
import { walletSuite } from "./wallet.suite.ts";

const up = (await hasService("mariadb")) && (await hasService("redis"));
const dbName = `teezu_wallet_api_${randomBytes(4).toString("hex")}`;

describe.runIf(up)("real services", () => {
  const url = new URL(testEnv.TEST_MYSQL_URL);
  url.pathname = `/${dbName}`;
  walletSuite("MariaDB and Redis", async () => ({
    DATABASE_URL: url.toString(),
    // Colyseus presence keys are not prefixed: a database of its own keeps other suites' rooms out.
    REDIS_URL: `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/7`,
    CACHE_PREFIX: `w${randomBytes(4).toString("hex")}:`,
  }));
  afterAll(async () => {
    await dropDatabase(testEnv.TEST_MYSQL_URL, dbName);
  });
});
