import { wheelSuite } from "./wheel.suite.ts";

wheelSuite("SQLite and embedded stores", async () => ({}));
