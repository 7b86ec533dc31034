// The two SQL engines the store runs on. Most queries go through MikroORM and need no branching;
// this holds the few raw expressions whose spelling differs.
export type SqlDialect = "libsql" | "mysql";

/** SQL expression giving the UTC calendar day ('YYYY-MM-DD') of a datetime column. */
export function utcDaySql(dialect: SqlDialect, column: string): string {
  // MikroORM stores Dates on SQLite as epoch milliseconds, and on MySQL as UTC datetimes.
  return dialect === "libsql"
    ? `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`
    : `date_format(${column}, '%Y-%m-%d')`;
}
