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

  it('folds copies that workers store at once, each seeing what the others stored', async () => {
    const database = await freshPostgres('stories');
    const story = [
      'The harbour authority said on Monday that the night ferry to the islands will stop running in November.',
      'Fewer than forty passengers a night used the service last winter, and the vessel needs costly repairs.',
      'Islanders who work late shifts on the mainland said they would have no way home, and called for help.',
      'The authority said it would talk to the council about a smaller boat, but could promise nothing yet.',
    ];
    const html = (note: string) => `<p>${note}</p>${story.map((p) => `<p>${p}</p>`).join('')}`;
    const now = new Date();
    try {
      const workers = await Promise.all([1, 2, 3].map(() => openPostgresStore(database.url)));
      const sources = await Promise.all(
        workers.map((w, i) => w.sources.add({ feedUrl: `https://paper${i}.example/feed` }, now)),
      );
      // Each worker has looked at the stories once (its memory is loaded), before the copies come.
      for (const [i, w] of workers.entries()) await w.entries.saveRefresh(sources[i]!.id, [], {}, now);
      await Promise.all(
        workers.map((w, i) =>
          w.entries.saveRefresh(
            sources[i]!.id,
            [
              {
                guid: `ferry-${i}`,
                url: `https://paper${i}.example/ferry`,
                title: 'Night ferry to stop',
                author: null,
                publishedAt: new Date(now.getTime() - (3 - i) * 60_000),
                updatedAt: null,
                summaryHtml: null,
                contentHtml: html(`Paper ${i} reports.`),
                categories: [],
                enclosures: [],
                contentHash: `ferry-${i}`,
              },
            ],
            {},
            now,
          ),
        ),
      );
      const listed = await workers[0]!.entries.list({
        sourceIds: sources.map((s) => s.id),
        limit: 10,
        oncePerStory: true,
      });
      assert.equal(listed.entries.length, 1, 'three copies stored at once by three workers: one story');
      assert.equal((await workers[1]!.stories.copies(listed.entries[0]!.id)).length, 3);
      await Promise.all(workers.map((s) => s.close()));
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

describe('PostgreSQL search at a size where statistics decide', { skip: SKIP_POSTGRES }, () => {
  it('finds what a plain scan finds, down the key or from the GIN index, and counts it', async () => {
    const database = await freshPostgres('search_plans');
    const store = await openPostgresStore(database.url);
    const client = new pg.Client({ connectionString: database.url.replace(/\?.*$/, '') });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${database.schema}`);
      const source = await store.sources.add({ feedUrl: 'https://plans.example/feed' }, new Date(0));
      // 30,000 entries: "common" in each, "alpha" in a fifth, "beta" in a tenth (with alpha in 1 of
      // 50), "middling" in a tenth, "rare" in 1 of 400; sorted in the order of their ids.
      const words = `concat_ws(' ', 'common', CASE WHEN n % 5 = 0 THEN 'alpha' END,
        CASE WHEN n % 10 = 3 OR n % 50 = 0 THEN 'beta' END, CASE WHEN n % 10 = 7 THEN 'middling' END,
        CASE WHEN n % 400 = 11 THEN 'rare' END)`;
      await client.query(
        `INSERT INTO entries (id, source_id, guid, guid_hash, title, created_at, sort_at, content_hash)
         SELECT n, $1, 'g' || n, md5('g' || n), 'Entry ' || n, n, n * 1000, 'h' FROM generate_series(1, 30000) AS n`,
        [source.id],
      );
      await client.query(
        `INSERT INTO entry_search (entry_id, source_id, sort_at, title, author, body)
         SELECT n, $1, n * 1000, 'Entry ' || n, '', ${words} FROM generate_series(1, 30000) AS n`,
        [source.id],
      );
      await client.query('ANALYZE entries, entry_search');
      const matching = async (query: string) =>
        (
          await client.query<{ id: string }>(
            `SELECT entry_id AS id FROM entry_search WHERE document @@ (${query}) ORDER BY entry_id DESC`,
          )
        ).rows.map((r) => Number(r.id));
      const tsq = (w: string) => `phraseto_tsquery('courtesy_search', '${w}')`;
      const cases: Array<[string, string]> = [
        ['rare', tsq('rare')],
        ['alpha beta', `${tsq('alpha')} && ${tsq('beta')}`],
        ['middling', tsq('middling')],
        ['common', tsq('common')],
        ['common rare', tsq('rare')], // "common" is in every entry: left out of a longer search
      ];
      for (const [text, query] of cases) {
        const expected = await matching(query);
        for (const order of ['recent', 'relevance'] as const) {
          const found = await store.entries.search({ text, order, limit: 20, offset: 0, now: new Date(0) });
          assert.equal(found.total, Math.min(expected.length, 1000), `${text} (${order}): how many`);
          assert.equal(found.moreThanTotal, expected.length > 1000, `${text} (${order}): more than that`);
          if (order === 'recent')
            assert.deepEqual(
              found.hits.map((h) => h.entry.id),
              expected.slice(0, 20),
              `${text}: the newest matches`,
            );
          else
            assert.ok(
              found.hits.every((h) => expected.includes(h.entry.id)),
              `${text}: only matches`,
            );
        }
      }
      const past = await store.entries.search({
        text: 'rare',
        order: 'recent',
        limit: 20,
        offset: 500,
        now: new Date(0),
      });
      assert.deepEqual(
        [past.hits.length, past.total],
        [0, 75],
        'a page past the last match still counts them',
      );
    } finally {
      await client.end();
      await store.close();
      await database.drop();
    }
  });
});
