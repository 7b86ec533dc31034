// MySQL commits every DDL statement on its own, so a migration that dies half-way runs again from
// the top: each statement must be a no-op the second time. `ADD COLUMN IF NOT EXISTS` is MariaDB
// only; these helpers ask information_schema instead, which MySQL 8 and MariaDB both answer.

/** Statements running `ddl` only when information_schema has no row matching `missingWhen` (a count query). */
function ifMissing(countSql: string, ddl: string): string[] {
  const quoted = ddl.replaceAll("'", "''");
  return [
    `set @teezu_ddl = (select if((${countSql}) = 0, '${quoted}', 'do 0'))`,
    "prepare teezu_stmt from @teezu_ddl",
    "execute teezu_stmt",
    "deallocate prepare teezu_stmt",
  ];
}

export function addColumnIfMissing(table: string, column: string, definition: string): string[] {
  return ifMissing(
    `select count(*) from information_schema.columns where table_schema = database() and table_name = '${table}' and column_name = '${column}'`,
    `alter table \`${table}\` add \`${column}\` ${definition}`,
  );
}

export function addIndexIfMissing(table: string, index: string, columns: readonly string[]): string[] {
  return ifMissing(
    `select count(*) from information_schema.statistics where table_schema = database() and table_name = '${table}' and index_name = '${index}'`,
    `alter table \`${table}\` add index \`${index}\` (${columns.map((c) => `\`${c}\``).join(", ")})`,
  );
}
