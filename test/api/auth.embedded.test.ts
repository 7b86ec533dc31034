import { authSuite } from "./auth.suite.ts";

authSuite("embedded: SQLite, memory cache, embedded docs and vectors", async () => ({}));
