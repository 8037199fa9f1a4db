import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { storeEnv, type TestEngine } from './engines.js';

export interface Database {
  all(sql: string): Promise<Array<Record<string, unknown>>>;
  run(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** The site's database, read and nudged by the test as time passing would. */
export async function openDatabase(engine: TestEngine, dataDir: string): Promise<Database> {
  if (engine.name === 'SQLite') {
    const db = new BetterSqlite3(join(dataDir, 'courtesy.sqlite'));
    db.pragma('busy_timeout = 5000');
    return {
      all: (sql) => Promise.resolve(db.prepare(sql).all() as Array<Record<string, unknown>>),
      run: (sql) => Promise.resolve(void db.prepare(sql).run()),
      close: () => {
        db.close();
        return Promise.resolve();
      },
    };
  }
  const url = new URL(storeEnv(dataDir).DATABASE_URL!);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  return {
    all: async (sql) => (await client.query(sql)).rows as Array<Record<string, unknown>>,
    run: async (sql) => void (await client.query(sql)),
    close: async () => {
      await client.end();
    },
  };
}
