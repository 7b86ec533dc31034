// The SQL port: core relational data (users, tokens, media, streams, transactions, audit) through
// MikroORM, on an embedded libSQL file by default or MySQL/MariaDB when a URL is given.
import { MikroORM } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import type { AbstractSqlDriver, SqlEntityManager } from "@mikro-orm/sql";
import type { StorePort } from "../ports.ts";
import { connectionConfig, type ConnectionTarget } from "./config.ts";
import type { SqlDialect } from "./dialect.ts";
import { ENTITIES } from "./entities.ts";
import { MIGRATIONS, migrationsFor } from "./migrations/index.ts";
import type { SqlMigration } from "./migrations/types.ts";
import { AuditRepo } from "./repos/audit.ts";
import { CreatorBansRepo } from "./repos/creatorBans.ts";
import { MediaRepo } from "./repos/media.ts";
import { RefreshTokensRepo } from "./repos/refreshTokens.ts";
import { ReportsRepo } from "./repos/reports.ts";
import { StreamsRepo } from "./repos/streams.ts";
import { UsersRepo } from "./repos/users.ts";

export interface SqlStoreOptions extends ConnectionTarget {
  /** Logs every query. */
  debug?: boolean;
  /** Test seam: the migration list to apply (defaults to all of ./migrations). */
  migrations?: readonly SqlMigration[];
}

export type SqlOrm = MikroORM<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>;

export class SqlStore implements StorePort {
  readonly users: UsersRepo;
  readonly refreshTokens: RefreshTokensRepo;
  readonly media: MediaRepo;
  readonly audit: AuditRepo;
  readonly streams: StreamsRepo;
  readonly creatorBans: CreatorBansRepo;
  readonly reports: ReportsRepo;
  #closed = false;

  constructor(
    readonly kind: SqlDialect,
    readonly orm: SqlOrm,
  ) {
    // Each repository call runs on its own fork, so no identity map outlives a call.
    const em = () => this.em();
    this.users = new UsersRepo(em, kind);
    this.refreshTokens = new RefreshTokensRepo(em);
    this.media = new MediaRepo(em);
    this.audit = new AuditRepo(em);
    this.streams = new StreamsRepo(em);
    this.creatorBans = new CreatorBansRepo(em);
    this.reports = new ReportsRepo(em);
  }

  /** A fresh EntityManager fork (empty identity map). */
  em(): SqlEntityManager {
    // MikroORM would silently reconnect after close(); a closed store must fail loudly instead.
    if (this.#closed) throw new Error("SqlStore is closed");
    return this.orm.em.fork();
  }

  /** Runs fn in one database transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (em: SqlEntityManager) => Promise<T>): Promise<T> {
    return this.em().transactional(fn);
  }

  async ping(): Promise<void> {
    await this.em().getConnection().execute("select 1");
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.orm.close(true);
  }
}

/** Connects, creates the database (MySQL) or file (libSQL) if needed, and applies pending migrations. */
export async function createSqlStore(options: SqlStoreOptions): Promise<SqlStore> {
  const { kind, config } = await connectionConfig(options);
  const orm = await MikroORM.init<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>({
    ...config,
    entities: ENTITIES,
    extensions: [Migrator],
    debug: options.debug ?? false,
    migrations: {
      migrationsList: migrationsFor(kind, options.migrations ?? MIGRATIONS),
      // No snapshot files: migrations live in code and the data dir may be read-only to the ORM.
      snapshot: false,
      silent: !options.debug,
    },
  });
  try {
    await orm.migrator.up();
    // WAL lets readers proceed during a write; the mode is stored in the file, so once suffices.
    if (kind === "libsql") await orm.em.getConnection().execute("pragma journal_mode = wal");
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return new SqlStore(kind, orm);
}
