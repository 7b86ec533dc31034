import { streamsSuite } from "./streams.suite.ts";

streamsSuite("embedded: SQLite, memory cache, embedded docs and vectors", async () => ({}));
