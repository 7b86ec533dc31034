import { randomBytes } from "node:crypto";
import { afterAll, describe } from "vitest";
import { dropDatabase } from "../databases.ts";
import { hasService, testEnv } from "../services.ts";
import { startFirestoreStandIn } from "../standins/firestore.ts";
import { wheelSuite } from "./wheel.suite.ts";

const up = (await hasService("mariadb")) && (await hasService("redis"));
const dbName = `teezu_wheel_${randomBytes(4).toString("hex")}`;

describe.runIf(up)("real services", () => {
  let firestore: Awaited<ReturnType<typeof startFirestoreStandIn>> | undefined;
  wheelSuite("MariaDB, Redis and the Firestore emulator", async () => {
    firestore = await startFirestoreStandIn();
    const url = new URL(testEnv.TEST_MYSQL_URL);
    url.pathname = `/${dbName}`;
    return {
      DATABASE_URL: url.toString(),
      // A database of its own (the dm suite has 8): Colyseus presence keys are not prefixed.
      REDIS_URL: `${testEnv.TEST_REDIS_URL.replace(/\/\d*$/, "")}/14`,
      CACHE_PREFIX: `t${randomBytes(4).toString("hex")}:`,
      FIRESTORE_EMULATOR_HOST: firestore.host,
    };
  });
  afterAll(async () => {
    await firestore?.stop();
    await dropDatabase(testEnv.TEST_MYSQL_URL, dbName);
  });
});
