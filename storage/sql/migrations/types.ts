import type { SqlDialect } from "../dialect.ts";

/**
 * One schema change, written out for each dialect. `name` is what the migrations table records,
 * so it must never change once released; keep the numeric prefix so names sort in apply order.
 */
export type SqlMigration = { readonly name: string } & { readonly [D in SqlDialect]: readonly string[] };
