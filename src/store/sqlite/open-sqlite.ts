import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import { SqlStore, type SqlEngine } from '../sql/sql-store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { migrate } from '../migrate.js';
import { withStatementCache } from './statement-cache.js';
import { FTS5_INDEX } from './fts5.js';
import { ThreadSqliteDialect } from './thread-driver.js';

/**
 * Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
 * WAL lets the site read while the poller writes; foreign keys enforce entry → source.
 */
export async function openSqliteStore(path: string): Promise<SqlStore> {
  const { db, engine } = await openSqliteDatabase(path);
  return new SqlStore(db, engine);
}

/**
 * The migrated database and what its engine does its own way, for the store and for copying a site.
 * The writing connection lives in a thread of its own (thread-driver.ts); pages read through a
 * second connection on the calling thread.
 */
export async function openSqliteDatabase(path: string): Promise<{ db: Kysely<Database>; engine: SqlEngine }> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const dialect = new ThreadSqliteDialect(path, () => new TransactionalDdlSqliteAdapter());
  const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
  try {
    await migrate(db, SQLITE_MIGRATIONS);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // Pages read through a second connection: between the statements of a poll's write transaction
  // they read what was committed, instead of waiting for the transaction to end (WAL lets readers
  // and the writer work at once), and the reads run here while the writes run in their thread. An
  // in-memory database has only the one connection.
  let readerSqlite: BetterSqlite3.Database | null = null;
  if (path !== ':memory:') {
    try {
      readerSqlite = new BetterSqlite3(path, { readonly: true });
      readerSqlite.pragma('busy_timeout = 5000');
    } catch (error) {
      await db.destroy();
      throw new StoreError(
        'store.open',
        `store: cannot open the SQLite database at ${path} for reading: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const reader = readerSqlite ? sqliteKysely(readerSqlite) : db;
  // data_version moves when another connection commits: with a reader, every commit but the
  // reader's own (it makes none), this process's writer thread included, and only once committed;
  // a cache reads the change log only then. An in-memory database has no second connection to
  // tell: its caches read the log every time.
  const dataVersion = readerSqlite?.prepare('PRAGMA data_version').pluck() ?? null;
  const engine: SqlEngine = {
    fullText: FTS5_INDEX,
    // One writer at a time: a refresh that read the rules before a grant committed cannot commit
    // its own writes after it (SQLite refuses the stale write; the poll fails and runs again).
    holdRules: () => Promise.resolve(),
    holdStories: () => Promise.resolve(),
    // One writer: another process's entries are rare (a `poll --once` beside `serve`), and only a
    // rolled-back refresh's ids come again; a look each second is enough.
    storyCatchUp: { reread: 256, everyMs: 1000 },
    // The claim is one UPDATE, which SQLite runs alone.
    beginClaim: () => Promise.resolve(),
    skipLocked: sql``,
    reader,
    otherCommits: dataVersion ? () => dataVersion.get() as number : null,
    hotWrites: dialect.hotWrites(),
    close: async () => {
      if (reader !== db) await reader.destroy();
      await db.destroy();
    },
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
