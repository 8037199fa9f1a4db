import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { freshPostgres, SKIP_POSTGRES } from '../../../test/support/postgres.js';
import type { Store } from '../store.js';
import { describeStoreContract } from '../store.contract.js';
import { ChangeListener } from './change-listener.js';
import { openPostgresStore, postgresTarget } from './open-postgres.js';

/** A store in a fresh schema, dropped when the store closes. */
async function openFresh(): Promise<Store> {
  const database = await freshPostgres('contract');
  const store = await openPostgresStore(database.url);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await database.drop();
  };
  return store;
}

describeStoreContract('PostgreSQL', openFresh, { skip: SKIP_POSTGRES });

describe('PostgreSQL URLs', () => {
  it('take the schema and the pool size out of the URL pg sees, and refuse bad ones clearly', () => {
    assert.deepEqual(
      postgresTarget('postgres://ada:secret@db.example:5433/site?schema=news&pool=4&sslmode=require'),
      {
        connectionString: 'postgres://ada:secret@db.example:5433/site?sslmode=require',
        schema: 'news',
        poolSize: 4,
      },
    );
    assert.equal(postgresTarget('postgresql://db.example/site').schema, 'public');
    assert.throws(
      () => postgresTarget('postgres://db.example/site?schema=a;drop'),
      /schema "a;drop" must be/,
    );
    assert.throws(() => postgresTarget('postgres://db.example/site?pool=0'), /pool=0 must be a whole number/);
  });
});

describe('the PostgreSQL store, opening', { skip: SKIP_POSTGRES }, () => {
  it('migrates once when several processes open a new database together', async () => {
    const database = await freshPostgres('together');
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(database.url)));
      const source = await stores[0]!.sources.add({ feedUrl: 'https://together.example/feed' }, new Date());
      assert.equal((await stores[2]!.sources.get(source.id))?.feedUrl, 'https://together.example/feed');
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await database.drop();
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    await assert.rejects(
      openPostgresStore('postgres://nobody:secret@127.0.0.1:1/none'),
      /cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});

describe('the PostgreSQL change listener', { skip: SKIP_POSTGRES }, () => {
  const until = async (what: () => boolean, ms = 3000): Promise<boolean> => {
    const end = Date.now() + ms;
    while (!what() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
    return what();
  };

  it("counts other connections' commits to its schema's change log, and nothing else", async () => {
    const mine = await freshPostgres('listen');
    const theirs = await freshPostgres('listen_other');
    const writer = await openPostgresStore(mine.url);
    const elsewhere = await openPostgresStore(theirs.url);
    const listener = new ChangeListener(
      { connectionString: postgresTarget(mine.url).connectionString },
      mine.schema,
    );
    try {
      assert.equal(listener.value(), null, 'no count before it listens');
      assert.ok(await listener.ready());
      const before = listener.value()!;
      const t = new Date('2026-05-01T08:00:00Z');
      const entry = (host: string) => ({
        guid: `urn:${host}:1`,
        url: `https://${host}/1`,
        title: 'A story',
        author: 'Ada',
        publishedAt: t,
        updatedAt: null,
        summaryHtml: null,
        contentHtml: '<p>Text</p>',
        categories: [],
        enclosures: [],
        contentHash: 'h1',
      });
      // A commit in another schema (another site on the same server) is not ours.
      const other = await elsewhere.sources.add({ feedUrl: 'https://b.example/feed' }, t);
      await elsewhere.entries.saveRefresh(other.id, [entry('b.example')], {}, t);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(listener.value(), before);
      const source = await writer.sources.add({ feedUrl: 'https://a.example/feed' }, t);
      await writer.entries.saveRefresh(source.id, [entry('a.example')], {}, t);
      assert.ok(await until(() => (listener.value() ?? 0) > before), 'the commit was heard');
    } finally {
      await listener.close();
      await writer.close();
      await elsewhere.close();
      await mine.drop();
      await theirs.drop();
    }
  });

  it('says it cannot vouch while the connection is down, and counts again once back', async () => {
    const database = await freshPostgres('listen_lost');
    const admin = new pg.Client({ connectionString: postgresTarget(database.url).connectionString });
    await admin.connect();
    const listener = new ChangeListener(
      { connectionString: postgresTarget(database.url).connectionString, application_name: 'listen-lost' },
      database.schema,
    );
    try {
      assert.ok(await listener.ready());
      const before = listener.value()!;
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'listen-lost'",
      );
      assert.ok(await until(() => listener.value() === null), 'the loss was noticed');
      assert.ok(await until(() => listener.value() !== null), 'it reconnected');
      // Commits made while it was away may have been missed: the count moves on a reconnection.
      assert.ok(listener.value()! > before);
    } finally {
      await listener.close();
      await admin.end();
      await database.drop();
    }
  });
});
