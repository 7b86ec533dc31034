import { randomBytes } from "node:crypto";
import { afterAll, describe } from "vitest";
import { dropDatabase } from "../databases.ts";
import { hasService, testEnv } from "../services.ts";
import { startFirestoreStandIn } from "../standins/firestore.ts";
import { dmSuite } from "./dm.suite.ts";

const up = (await hasService("mariadb")) && (await hasService("redis"));
const dbName = `teezu_dm_${randomBytes(4).toString("hex")}`;

describe.runIf(up)("real services", () => {
  let firestore: Awaited<ReturnType<typeof startFirestoreStandIn>> | undefined;
  dmSuite("MariaDB, Redis and the Firestore emulator", async () => {
    firestore = await startFirestoreStandIn();
    const url = new URL(testEnv.TEST_MYSQL_URL);
    url.pathname = `/${dbName}`;
    return {
      DATABASE_URL: url.toString(),
      // A database of its own: Colyseus presence keys are not prefixed.
      REDIS_URL: `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/8`,
      CACHE_PREFIX: `t${randomBytes(4).toString("hex")}:`,
      FIRESTORE_EMULATOR_HOST: firestore.host,
    };
  });
  afterAll(async () => {
    await firestore?.stop();
    await dropDatabase(testEnv.TEST_MYSQL_URL, dbName);
  });
});
