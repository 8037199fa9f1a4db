import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestDatabase } from './postgres.js';

/**
 * Every row of every table of a store, as one text: where a test looks for content that must be
 * gone (a removed article's words in no row, of no table, index pages included).
 */

/** Every row of a SQLite store's tables as text; blobs (an index's pages) read as bytes. */
export function sqliteRows(file: string): { tablesText: () => Promise<string>; close: () => Promise<void> } {
  const raw = new Database(file, { readonly: true });
  const cell = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v));
  return {
    tablesText: () => {
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>;
      return Promise.resolve(
        tables
          .flatMap((t) =>
            (raw.prepare(`SELECT * FROM "${t.name}"`).all() as Array<Record<string, unknown>>).map((row) =>
              Object.values(row).map(cell).join('\u0000'),
            ),
          )
          .join('\n'),
      );
    },
    close: () => {
      raw.close();
      return Promise.resolve();
    },
  };
}

/** Every row of a PostgreSQL store's tables (its schema's) as text, a tsvector's words included. */
export async function postgresRows(
  database: TestDatabase,
): Promise<{ tablesText: () => Promise<string>; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: database.url.replace(/[?&]schema=[^&]*/, '') });
  await client.connect();
  return {
    tablesText: async () => {
      const tables = await client.query<{ name: string }>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1',
        [database.schema],
      );
      const out: string[] = [];
      for (const t of tables.rows) {
        const rows = await client.query<{ row: string }>(
          `SELECT r::text AS row FROM "${database.schema}"."${t.name}" r`,
        );
        for (const r of rows.rows) out.push(r.row);
      }
      return out.join('\n');
    },
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}
