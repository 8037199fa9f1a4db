import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import { StoreError } from '../errors.js';
import { BoundedWriterDialect, runBounded } from './bounded-writes.js';

interface Notes {
  notes: { id: Generated<number>; text: string };
}

function open(): { sqlite: BetterSqlite3.Database; dialect: BoundedWriterDialect; db: Kysely<Notes> } {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const dialect = new BoundedWriterDialect(sqlite, () => false);
  return { sqlite, dialect, db: new Kysely<Notes>({ dialect }) };
}

const code = (expected: string) => (error: unknown) => error instanceof StoreError && error.code === expected;

describe('the SQLite writer connection', () => {
  it('refuses a statement on the top-level handle inside a transaction of the same write, at once', async () => {
    const { sqlite, dialect, db } = open();
    await assert.rejects(
      runBounded(dialect, 5_000, () =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ text: 'inside' }).execute();
          // The mistake that once held SQLite's write lock for good: the handle waits for itself.
          await db.insertInto('notes').values({ text: 'beside' }).execute();
        }),
      ),
      code('store.nested-write'),
    );
    assert.equal(sqlite.inTransaction, false, 'the transaction was rolled back');
    await runBounded(dialect, 5_000, () => db.insertInto('notes').values({ text: 'next' }).execute());
    assert.deepEqual(
      sqlite
        .prepare('SELECT text FROM notes')
        .all()
        .map((r) => (r as { text: string }).text),
      ['next'],
    );
    sqlite.close();
  });

  it('abandons a write that waits past its deadline on something else, and lets nothing of it run later', async () => {
    const { sqlite, dialect, db } = open();
    let wake: () => void = () => {};
    const never = new Promise<void>((resolve) => (wake = resolve));
    sqlite.exec('BEGIN');
    sqlite.exec('SAVEPOINT hot_write');
    const stuck = runBounded(dialect, 50, async () => {
      await db.insertInto('notes').values({ text: 'before the wait' }).execute();
      await never;
      await db.insertInto('notes').values({ text: 'after the wait' }).execute();
    });
    await assert.rejects(stuck, code('store.timeout'));
    // The caller undoes the abandoned write, and the connection serves the next one.
    sqlite.exec('ROLLBACK TO hot_write');
    sqlite.exec('RELEASE hot_write');
    await runBounded(dialect, 5_000, () => db.insertInto('notes').values({ text: 'next write' }).execute());
    sqlite.exec('COMMIT');
    wake();
    await new Promise((resolve) => setImmediate(resolve));
    const texts = await sql<{ text: string }>`SELECT text FROM notes ORDER BY id`.execute(db);
    assert.deepEqual(
      texts.rows.map((r) => r.text),
      ['next write'],
      'neither what it wrote before the wait nor what it tried after',
    );
    sqlite.close();
  });

  it('lets a write that makes progress run as long as it takes: the deadline is for waiting only', async () => {
    const { sqlite, dialect, db } = open();
    const busyUntil = Date.now() + 150;
    await runBounded(dialect, 20, async () => {
      // Synchronous work past the deadline, as a large statement is.
      while (Date.now() < busyUntil);
      await db.insertInto('notes').values({ text: 'slow but working' }).execute();
    });
    assert.equal((sqlite.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n, 1);
    sqlite.close();
  });
});
