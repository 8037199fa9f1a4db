import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { redactDatabaseUrl } from '../database-url.js';
import { migrate } from '../migrate.js';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import { SqlStore, type SqlEngine } from '../sql/sql-store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { TSVECTOR_INDEX } from './tsvector.js';
import { ChangeListener } from './change-listener.js';

/** Where a PostgreSQL store lives, from its URL. */
export interface PostgresTarget {
  /** The URL pg connects with (courtesy's own parameters taken out). */
  connectionString: string;
  /** The schema courtesy's tables live in (`?schema=NAME`; default public). */
  schema: string;
  /** Connections in the pool (`?pool=N`; default 10). */
  poolSize: number;
}

/** Reads `postgres://user@host:port/db?schema=NAME&pool=N` (postgresql:// too). */
export function postgresTarget(databaseUrl: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new StoreError('store.bad-url', `store: ${databaseUrl} is not a valid PostgreSQL URL`);
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(
      'store.bad-url',
      `store: the schema "${schema}" must be lower-case letters, digits and _ (starting with a letter or _)`,
    );
  }
  const pool = url.searchParams.get('pool');
  const poolSize = pool === null ? 10 : Number(pool);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new StoreError('store.bad-url', `store: pool=${pool} must be a whole number from 1 to 1000`);
  }
  url.searchParams.delete('schema');
  url.searchParams.delete('pool');
  return { connectionString: url.toString(), schema, poolSize };
}

/**
 * Opens the store in a PostgreSQL database and applies pending migrations (once, however many
 * processes start together: the migrator holds an advisory lock). Each connection works in the
 * URL's schema.
 */
export async function openPostgresStore(databaseUrl: string): Promise<SqlStore> {
  const { db, engine } = await openPostgresDatabase(databaseUrl);
  return new SqlStore(db, engine);
}

/** The migrated database and what its engine does its own way, for the store and for copying a site. */
export async function openPostgresDatabase(
  databaseUrl: string,
): Promise<{ db: Kysely<Database>; engine: SqlEngine }> {
  const target = postgresTarget(databaseUrl);
  const pool = createPool(target);
  const db = postgresKysely(pool);
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError(
      'store.open',
      `store: cannot connect to PostgreSQL at ${redactDatabaseUrl(target.connectionString)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(target.schema)}`.execute(db);
    await migrate(db, POSTGRES_MIGRATIONS, target.schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const listener = new ChangeListener({ connectionString: target.connectionString }, target.schema);
  const engine: SqlEngine = {
    fullText: TSVECTOR_INDEX,
    // A refresh reads the rules and then stores what they let through: SHARE mode lets refreshes
    // run together but waits for a grant's insert (and makes a grant wait for them), so a grant
    // either sees the refresh's entries and removes them, or the refresh sees the rule.
    holdRules: async (trx) => {
      await sql`LOCK TABLE suppression_rules IN SHARE MODE`.execute(trx);
    },
    holdStories: async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.stories'))`.execute(trx);
    },
    // Ids are taken when rows are inserted, before the fold's hold: as many as the refreshes of every
    // process at once may hold. Every fold looks, once the folds before it have ended.
    storyCatchUp: { reread: 4096, everyMs: 0 },
    beginClaim: async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.claims'))`.execute(trx);
      // Index scans, never bitmap scans: they walk the due order from its head and stop at the
      // limit, however many sources the statistics think are due (a bulk import, or every source
      // due after a pause, made a bitmap scan sort thousands: 8 ms a claim at 5,000 sources), and
      // they mark the dead row versions a queue leaves behind so that the next claim skips them.
      await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    },
    skipLocked: sql`FOR UPDATE SKIP LOCKED`,
    // The pool already lets reads run beside a transaction.
    reader: db,
    // The listener's count of commits to the change log, and the second: a notification that never
    // came (a connection that died without a word) keeps a cache behind by a second at most.
    otherCommits: () => {
      const count = listener.value();
      return count === null ? null : `${count}.${Math.floor(Date.now() / 1000)}`;
    },
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
  return { db, engine };
}

/** The query layer over a pool: columns in camelCase, bigints as numbers. */
export function postgresKysely(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

/** How long a transaction may sit idle, holding its locks, before the server ends its session. */
const IDLE_IN_TRANSACTION_MS = 60_000;

export function createPool(target: PostgresTarget): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: target.poolSize,
    // A transaction that waits on anything but the server for a minute (a bug of the caller's)
    // has its session ended, so that it cannot hold its locks, and every other writer, for good.
    options: `-c search_path=${target.schema} -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
    Client: TextSafeClient,
    types: { getTypeParser },
  });
  // An idle connection that breaks (a server restart) is dropped from the pool; the next query opens another.
  pool.on('error', () => {});
  return pool;
}

/**
 * Times are milliseconds in bigint columns and ids are bigints: as numbers they are exact up to
 * 2^53, far beyond any time or id courtesy stores.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === (pg.types.builtins.INT8 as number)) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/**
 * PostgreSQL's text cannot hold U+0000, which a JSON feed may carry: it is dropped from every
 * string sent, as the XML parser drops the control characters XML forbids.
 */
class TextSafeClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values)) {
      args[1] = values.map((v: unknown) =>
        typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '') : v,
      );
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
