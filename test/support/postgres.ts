import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests use: COURTESY_TEST_POSTGRES, by default the local server's
 * database `test` (trust auth). Each test works in a schema of its own, made for it and dropped
 * after. Set COURTESY_TEST_POSTGRES=off to leave PostgreSQL out on a machine without it: the tests
 * that need it then say they were skipped, and why. An unreachable server is a failure, never a
 * silent skip.
 */
const SETTING = process.env.COURTESY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why the PostgreSQL tests are skipped, or false when they run (for node:test's `skip`). */
export const SKIP_POSTGRES: string | false =
  SETTING === 'off' ? 'PostgreSQL left out of this run (COURTESY_TEST_POSTGRES=off)' : false;

export interface TestDatabase {
  /** The store's URL: the server's, with a schema of its own. */
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A fresh, empty schema on the test server. */
export async function freshPostgres(label = 'test'): Promise<TestDatabase> {
  const schema = `courtesy_${label.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(SETTING);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SETTING });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${SETTING} (${(error as Error).message}): start it, point COURTESY_TEST_POSTGRES at one, or set COURTESY_TEST_POSTGRES=off to leave it out`,
      { cause: error },
    );
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
