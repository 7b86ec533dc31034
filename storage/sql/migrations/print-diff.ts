// Prints the SQL a new migration needs after an entity change:
//   node --import tsx storage/sql/migrations/print-diff.ts                      (libSQL)
//   node --import tsx storage/sql/migrations/print-diff.ts mysql://root@127.0.0.1:3306/test
// Copy the output into the new migration's `libsql` / `mysql` arrays (review it: a rename shows
// up as drop + add, and SQLite alterations as a table rebuild).
import { schemaDrift } from "./drift.ts";

const statements = await schemaDrift(process.argv[2]);
console.log(statements.length > 0 ? statements.map((s) => `${s};`).join("\n") : "-- entities and migrations agree");
