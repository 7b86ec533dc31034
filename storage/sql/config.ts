import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Options } from "@mikro-orm/core";
import type { AbstractSqlDriver } from "@mikro-orm/sql";
import type { SqlDialect } from "./dialect.ts";

export interface ConnectionTarget {
  /** mysql://… or mariadb://…; unset → libSQL file `${dataDir}/teezu.db`. */
  databaseUrl?: string;
  dataDir: string;
}

/** Picks the driver for a target. Drivers are imported lazily so the embedded mode never loads mysql2. */
export async function connectionConfig(
  target: ConnectionTarget,
): Promise<{ kind: SqlDialect; config: Partial<Options<AbstractSqlDriver>> }> {
  if (!target.databaseUrl) {
    await mkdir(target.dataDir, { recursive: true });
    const { LibSqlDriver } = await import("@mikro-orm/libsql");
    return { kind: "libsql", config: { driver: LibSqlDriver, dbName: join(target.dataDir, "teezu.db") } };
  }
  const dbName = databaseName(target.databaseUrl);
  // Both schemes speak the same protocol; mysql2 knows only the first.
  const clientUrl = target.databaseUrl.replace(/^mariadb:/, "mysql:");
  const { MySqlDriver } = await import("@mikro-orm/mysql");
  // MikroORM's ensureDatabase (on by default) creates the named database when it is missing.
  return { kind: "mysql", config: { driver: MySqlDriver, clientUrl, dbName } };
}

/** The database named by a mysql:// or mariadb:// URL; throws for anything else. */
export function databaseName(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new Error(`unsupported database URL scheme: ${url.protocol} (use mysql:// or mariadb://)`);
  }
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  // Restricting the name keeps it safe to splice into CREATE/DROP DATABASE.
  if (!/^\w{1,64}$/.test(name)) throw new Error("database URL must name a database (letters, digits, _)");
  return name;
}

/** The same server URL pointing at another database. */
export function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
