import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import { insertRows } from './insert-rows.js';

interface Notes {
  notes: { id: number; noteText: string; score: number | null };
}

function notesDb(): Kysely<Notes> {
  const db = new Kysely<Notes>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    plugins: [new CamelCasePlugin()],
  });
  return db;
}

describe('insertRows', () => {
  it('inserts rows of any count with one text per shape, and returns what RETURNING asks in camelCase', async () => {
    const db = notesDb();
    await sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, note_text TEXT NOT NULL UNIQUE, score INTEGER)`.execute(
      db,
    );
    const first = await insertRows<Notes, { id: number; noteText: string }>(
      db,
      'notes',
      ['note_text', 'score'],
      [
        ['one', 1],
        ['two', null],
      ],
      'returning "id", "note_text"',
    );
    assert.deepEqual(first, [
      { id: 1, noteText: 'one' },
      { id: 2, noteText: 'two' },
    ]);
    // The same shape again, and one more row on conflict, skipped.
    await insertRows(
      db,
      'notes',
      ['note_text', 'score'],
      [
        ['three', 3],
        ['one', 9],
      ],
      'on conflict do nothing',
    );
    const rows = await db.selectFrom('notes').selectAll().orderBy('id').execute();
    assert.deepEqual(rows, [
      { id: 1, noteText: 'one', score: 1 },
      { id: 2, noteText: 'two', score: null },
      { id: 3, noteText: 'three', score: 3 },
    ]);
    assert.deepEqual(await insertRows(db, 'notes', ['note_text'], []), []);
    await db.destroy();
  });

  it('refuses a row whose values do not match the columns, writing nothing', async () => {
    const db = notesDb();
    await sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, note_text TEXT NOT NULL UNIQUE, score INTEGER)`.execute(
      db,
    );
    await assert.rejects(
      insertRows(db, 'notes', ['note_text', 'score'], [['one', 1], ['two']]),
      /a row of 1 values for the 2 columns of notes/,
    );
    assert.equal((await db.selectFrom('notes').selectAll().execute()).length, 0);
    await db.destroy();
  });
});
