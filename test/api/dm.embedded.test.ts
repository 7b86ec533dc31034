import { dmSuite } from "./dm.suite.ts";

dmSuite("SQLite and embedded stores", async () => ({}));
