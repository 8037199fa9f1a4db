import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import { SqlStore, type SqlEngine } from '../sql-store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { migrate } from '../migrate.js';
import { withStatementCache } from './statement-cache.js';
import { FTS5_INDEX } from './fts5.js';

/**
 * Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
 * WAL lets the site read while the poller writes; foreign keys enforce entry → source.
 */
export async function openSqliteStore(path: string): Promise<SqlStore> {
  const { db, engine } = await openSqliteDatabase(path);
  return new SqlStore(db, engine);
}

/** The migrated database and what its engine does its own way, for the store and for copying a site. */
export async function openSqliteDatabase(path: string): Promise<{ db: Kysely<Database>; engine: SqlEngine }> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path);
  } catch (error) {
    throw new StoreError(
      'store.open',
      `store: cannot open the SQLite database at ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = sqliteKysely(sqlite);
  await migrate(db, SQLITE_MIGRATIONS);
  // data_version moves when another connection (another process) commits: a cache reads the change
  // log only then, or after this process changed pages itself.
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  const engine: SqlEngine = {
    fullText: FTS5_INDEX,
    // One writer at a time: a refresh that read the rules before a grant committed cannot commit
    // its own writes after it (SQLite refuses the stale write; the poll fails and runs again).
    holdRules: () => Promise.resolve(),
    // The claim is one UPDATE, which SQLite runs alone.
    beginClaim: () => Promise.resolve(),
    skipLocked: sql``,
    otherCommits: () => dataVersion.get() as number,
    close: () => db.destroy(),
  };
  return { db, engine };
}

/** The query layer over one SQLite connection: prepared statements reused, columns in camelCase. */
export function sqliteKysely(sqlite: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new TransactionalDdlSqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new CamelCasePlugin()],
  });
}

/**
 * SQLite runs CREATE, ALTER and DROP inside transactions, but Kysely's adapter says it does not, so
 * its migrator would run each migration without one, and a migration failing halfway would leave
 * half a schema. This adapter tells the truth: each migration and its version record commit together.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
