// Schema migrations, applied at every start by createSqlStore through @mikro-orm/migrations.
// The migrator records each applied name in `mikro_orm_migrations` and runs only the pending
// ones, so starting twice is a no-op and a migration added later applies to existing databases.
//
// To add a migration (e.g. the wallet ledger):
//   1. change or add entities in ../entities.ts;
//   2. create `NNNN_what_it_does.ts` here exporting a SqlMigration with the SQL for both
//      dialects — `node --import tsx storage/sql/migrations/print-diff.ts [mysql://…]` prints
//      the SQL that brings a freshly migrated database (libSQL, or MySQL with a URL) in line
//      with the entities;
//   3. append it to MIGRATIONS below (never reorder, rename or edit released ones).
// The contract test fails while entities and migrations disagree.
import type { MigrationObject } from "@mikro-orm/core";
import { Migration } from "@mikro-orm/migrations";
import type { SqlDialect } from "../dialect.ts";
import { coreTables } from "./0001_core_tables.ts";
import { streamTables } from "./0002_streams.ts";
import { walletTables } from "./0003_wallet.ts";
import type { SqlMigration } from "./types.ts";

export const MIGRATIONS: readonly SqlMigration[] = [coreTables, streamTables, walletTables];

/** The migrations as MikroORM migration classes emitting the given dialect's SQL. */
export function migrationsFor(dialect: SqlDialect, list: readonly SqlMigration[] = MIGRATIONS): MigrationObject[] {
  return list.map((m) => ({
    name: m.name,
    class: class extends Migration {
      override up(): void {
        for (const sql of m[dialect]) this.addSql(sql);
      }
    },
  }));
}
