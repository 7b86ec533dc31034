import { randomBytes } from "node:crypto";
import { afterAll, describe } from "vitest";
import { hasService, testEnv } from "../services.ts";
import { dropDatabase } from "../databases.ts";
import { authSuite } from "./auth.suite.ts";

const up = (await hasService("mariadb")) && (await hasService("redis"));
const dbName = `teezu_api_${randomBytes(4).toString("hex")}`;

describe.runIf(up)("real services", () => {
  const url = new URL(testEnv.TEST_MYSQL_URL);
  url.pathname = `/${dbName}`;
  authSuite("MariaDB and Redis", async () => ({
    DATABASE_URL: url.toString(),
    // A database of its own: Colyseus presence keys are not prefixed, so engines sharing one would see each other.
    REDIS_URL: `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/3`,
    CACHE_PREFIX: `t${randomBytes(4).toString("hex")}:`,
  }));
  afterAll(async () => {
    await dropDatabase(testEnv.TEST_MYSQL_URL, dbName);
  });
});
