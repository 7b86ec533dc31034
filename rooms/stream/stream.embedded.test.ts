import { streamSuite } from "./stream.suite.ts";

streamSuite("SQLite and embedded stores", async () => ({}), 200);
