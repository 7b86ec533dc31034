// Compares what the migrations build with what the entities describe, on throwaway databases:
// one migrated, one created by MikroORM straight from the entity metadata. Both are introspected
// the same way, so dialect quirks of introspection (MariaDB reports nullable and JSON columns
// in a form MikroORM's MySQL driver does not recognise) cancel out and only real differences remain.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import { DatabaseSchema, SchemaComparator, type AbstractSqlDriver, type SqlEntityManager } from "@mikro-orm/sql";
import { connectionConfig, databaseName, withDatabase, type ConnectionTarget } from "../config.ts";
import { ENTITIES } from "../entities.ts";
import { createSqlStore, type SqlOrm } from "../SqlStore.ts";

const SKIP_TABLES = ["mikro_orm_migrations"];

async function introspect(orm: SqlOrm): Promise<DatabaseSchema> {
  const platform = orm.em.getPlatform();
  const schema = await DatabaseSchema.create(orm.em.getConnection(), platform, orm.config, undefined, undefined, undefined, SKIP_TABLES);
  // MariaDB reports "no default" on nullable columns as the literal 'NULL'; printed as-is it
  // would become a string default in the suggested SQL.
  for (const table of schema.getTables()) {
    for (const column of table.getColumns()) if (column.nullable && column.default === "'NULL'") column.default = null;
  }
  return schema;
}

/**
 * SQL statements that would turn a freshly migrated database into the one the entities describe;
 * empty when migrations and entities agree. `serverUrl` selects MySQL (any database name: scratch
 * databases are created beside it and dropped); unset → libSQL in a temp dir.
 */
export async function schemaDrift(serverUrl?: string): Promise<string[]> {
  const suffix = randomBytes(4).toString("hex");
  const tmp = serverUrl ? null : await mkdtemp(join(tmpdir(), "teezu-drift-"));
  const target = (role: string): ConnectionTarget =>
    serverUrl
      ? { databaseUrl: withDatabase(serverUrl, `${databaseName(serverUrl)}_drift_${role}_${suffix}`), dataDir: "" }
      : { dataDir: join(tmp!, role) };

  const migrated = await createSqlStore(target("m"));
  const { config } = await connectionConfig(target("e"));
  const fromEntities = await MikroORM.init<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>({
    ...config,
    entities: ENTITIES,
  });
  try {
    await fromEntities.schema.create();
    const diff = new SchemaComparator(migrated.orm.em.getPlatform()).compare(
      await introspect(migrated.orm),
      await introspect(fromEntities),
    );
    const sql = migrated.orm.schema.diffToSQL(diff, { wrap: false, safe: false, dropTables: true });
    return sql
      .split(";\n")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  } finally {
    if (serverUrl) {
      await fromEntities.schema.dropDatabase(databaseName(target("m").databaseUrl!));
      await fromEntities.schema.dropDatabase(databaseName(target("e").databaseUrl!));
    }
    await migrated.close();
    await fromEntities.close(true);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
