import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshPostgres, SKIP_POSTGRES } from '../../../test/support/postgres.js';
import type { Store } from '../store.js';
import { describeStoreContract } from '../store.contract.js';
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
