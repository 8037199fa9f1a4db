import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct statements are kept prepared (the store has a few dozen; IN lists vary). */
const CAPACITY = 256;

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements reused by their SQL
 * text: Kysely prepares every query anew, and compiling SQL was a tenth of the poller's main-thread
 * time. Reuse is safe because better-sqlite3 runs a statement to completion before it returns;
 * the store never streams (`iterate`), which would hold a statement busy.
 */
export function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        // Most recently used last, so the oldest is first to go.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > CAPACITY) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
}
