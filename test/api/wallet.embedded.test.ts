import { walletSuite } from "./wallet.suite.ts";

walletSuite("embedded: SQLite, memory cache, embedded docs and vectors", async () => ({}));
