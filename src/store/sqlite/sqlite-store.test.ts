import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { describeStoreContract } from '../store.contract.js';
import { migrate } from '../migrate.js';
import { openSqliteStore, sqliteKysely } from './open-sqlite.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

describeStoreContract('SQLite', () => openSqliteStore(':memory:'));

describe('SQLite migrations', () => {
  it('apply each migration with its version record in one transaction: a failure leaves nothing behind', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = sqliteKysely(sqlite);
    await migrate(db, SQLITE_MIGRATIONS);
    const broken = {
      ...SQLITE_MIGRATIONS,
      '9999_broken': {
        async up(trx: Kysely<unknown>) {
          await sql`CREATE TABLE half_done (id INTEGER)`.execute(trx);
          await sql`ALTER TABLE entries ADD COLUMN half_done INTEGER`.execute(trx);
          throw new Error('the migration fails halfway');
        },
      },
    };
    await assert.rejects(migrate(db, broken), /migration 9999_broken failed: the migration fails halfway/);
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all();
    assert.deepEqual(tables, [], 'the table it created is gone');
    const columns = (sqlite.prepare('PRAGMA table_info(entries)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    assert.ok(!columns.includes('half_done'), 'and the column it added');
    await migrate(db, SQLITE_MIGRATIONS);
    await db.destroy();
  });
});
