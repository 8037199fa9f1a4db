import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CamelCasePlugin, Kysely, SqliteAdapter, sql, type Generated } from 'kysely';
import { Gate, SqliteThreadError, ThreadSqliteDialect } from './thread-driver.js';

describe('the SQLite writer thread', () => {
  let dir: string;
  let db: Kysely<{ notes: { id: Generated<number>; text: string } }>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-thread-'));
    db = new Kysely({
      dialect: new ThreadSqliteDialect(join(dir, 'notes.sqlite'), () => new SqliteAdapter()),
      plugins: [new CamelCasePlugin()],
    });
    await sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)`.execute(db);
  });

  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs statements and transactions, and answers with rows, changes and ids', async () => {
    const inserted = await db.insertInto('notes').values({ text: 'first' }).executeTakeFirstOrThrow();
    assert.equal(inserted.insertId, 1n);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ text: 'second' }).execute();
      await trx.insertInto('notes').values({ text: 'third' }).execute();
    });
    const updated = await db
      .updateTable('notes')
      .set({ text: 'FIRST' })
      .where('id', '=', 1)
      .executeTakeFirst();
    assert.equal(updated.numUpdatedRows, 1n);
    const rows = await db.selectFrom('notes').select(['id', 'text']).orderBy('id').execute();
    assert.deepEqual(rows, [
      { id: 1, text: 'FIRST' },
      { id: 2, text: 'second' },
      { id: 3, text: 'third' },
    ]);
  });

  it('returns SQLite’s errors with their codes, rolls a failed transaction back, and goes on', async () => {
    await assert.rejects(
      db.insertInto('notes').values({ text: 'second' }).execute(),
      (error: unknown) =>
        error instanceof SqliteThreadError &&
        error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
        /UNIQUE constraint failed: notes.text/.test(error.message),
    );
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ text: 'fourth' }).execute();
        await sql`SELECT * FROM no_such_table`.execute(trx);
      }),
      /no such table: no_such_table/,
    );
    const texts = (await db.selectFrom('notes').select('text').execute()).map((r) => r.text);
    assert.ok(!texts.includes('fourth'), 'the failed transaction left nothing');
    assert.equal(texts.length, 3);
  });

  it('says clearly when the database cannot be opened', async () => {
    const broken = new Kysely({
      dialect: new ThreadSqliteDialect(
        join(dir, 'no', 'such', 'folder', 'x.sqlite'),
        () => new SqliteAdapter(),
      ),
    });
    await assert.rejects(sql`SELECT 1`.execute(broken), /cannot open the SQLite database at .*x\.sqlite/);
    await broken.destroy();
  });

  it('does not keep a process alive while idle, nor let it end while a statement is pending', () => {
    // A store left open exits with its process (as a connection does); a pending statement finishes first.
    const script = `
      import { Kysely, SqliteAdapter, sql } from 'kysely';
      import { ThreadSqliteDialect } from ${JSON.stringify(fileURLToPath(new URL('./thread-driver.js', import.meta.url)))};
      const db = new Kysely({ dialect: new ThreadSqliteDialect(':memory:', () => new SqliteAdapter()) });
      const row = await sql\`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) AS c FROM n\`.execute(db);
      console.log(row.rows[0].c);
    `;
    const file = join(fileURLToPath(new URL('.', import.meta.url)), `idle-${process.pid}.tmp.mjs`);
    writeFileSync(file, script);
    let child;
    try {
      child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
    } finally {
      rmSync(file, { force: true });
    }
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), '300000');
  });
});

describe('the gate to the writer thread', () => {
  it('lets hot writes in together up to its limit, a borrower in alone, and everyone in arrival order', async () => {
    const gate = new Gate(2);
    const log: string[] = [];
    const enter = (name: string, way: 'alone' | 'shared') =>
      gate.enter(way).then(() => {
        log.push(name);
      });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    void enter('w1', 'shared');
    void enter('w2', 'shared');
    void enter('w3', 'shared'); // over the limit: waits
    void enter('t1', 'alone'); // waits for every write to leave
    void enter('w4', 'shared'); // came after t1: waits behind it
    await settle();
    assert.deepEqual(log, ['w1', 'w2']);
    gate.leave('shared');
    await settle();
    assert.deepEqual(log, ['w1', 'w2', 'w3']);
    gate.leave('shared');
    gate.leave('shared');
    await settle();
    assert.deepEqual(log, ['w1', 'w2', 'w3', 't1'], 'the borrower is alone');
    gate.leave('alone');
    await settle();
    assert.deepEqual(log, ['w1', 'w2', 'w3', 't1', 'w4']);
  });
});
