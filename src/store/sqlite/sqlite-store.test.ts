import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { describeStoreContract } from '../store.contract.js';
import { migrate } from '../migrate.js';
import { openSqliteStore, sqliteKysely } from './open-sqlite.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { packEntries } from '../../model/entry-batch.js';
import type { EntryInput } from '../../model/entry.js';

const t0 = new Date('2026-05-01T08:00:00Z');
/** A story of `host`, named by `label` (its guid, address, title, text and hash), published `minutesAgo` before t0. */
const story = (host: string, label: string, minutesAgo: number, categories = ['Sea']): EntryInput => ({
  guid: `urn:${host}:${label}`,
  url: `https://${host}/${label}`,
  title: `Story ${label}`,
  author: 'Ada',
  publishedAt: new Date(t0.getTime() - minutesAgo * 60_000),
  updatedAt: null,
  summaryHtml: null,
  contentHtml: `<p>Text ${label}</p>`,
  categories,
  enclosures: [],
  contentHash: `h${label}`,
});

describeStoreContract('SQLite', () => openSqliteStore(':memory:'));

/** A store in a file of its own (with its reading connection), removed when the store closes. */
async function openInFile(): Promise<Awaited<ReturnType<typeof openSqliteStore>>> {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-sqlite-'));
  const store = await openSqliteStore(join(dir, 'site.sqlite'));
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return store;
}

describeStoreContract('SQLite in a file', openInFile);

/** `count` sources, added at once, their feeds at https://NAME0.example/feed, https://NAME1.example/feed, … */
function addSources(store: Awaited<ReturnType<typeof openSqliteStore>>, name: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      store.sources.add({ feedUrl: `https://${name}${i}.example/feed` }, t0),
    ),
  );
}

describe('SQLite in a file, read while a poll writes', () => {
  it('answers a page’s read from what was committed, without waiting for the write to end', async () => {
    const store = await openInFile();
    try {
      const source = await store.sources.add({ feedUrl: 'https://busy.example/feed' }, t0);
      const entries = Array.from({ length: 600 }, (_, n) => story('busy.example', String(n), n));
      const order: string[] = [];
      const writing = store.entries.saveRefresh(source.id, entries, {}, t0).then(() => order.push('write'));
      const reading = store.entries.list({ limit: 10 }).then((page) => {
        order.push('read');
        return page;
      });
      const [, page] = await Promise.all([writing, reading]);
      assert.deepEqual(order, ['read', 'write'], 'the read did not wait for the transaction');
      assert.equal(page.entries.length, 0, 'and saw none of it before it committed');
      assert.equal((await store.entries.list({ limit: 10 })).entries.length, 10, 'then all of it');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite in a file, many refreshes at once', () => {
  it('writes refreshes sent together, their entry batches moved to the writer thread, and a transaction between them alone', async () => {
    const store = await openInFile();
    try {
      const sources = await addSources(store, 'many', 12);
      const batches = sources.map((source, i) =>
        packEntries(Array.from({ length: 5 }, (_, n) => story(`many${i}.example`, `${i}.${n}`, n, []))),
      );
      const saving = sources.map((source, i) =>
        store.entries.saveRefresh(source.id, batches[i]!, { title: `Many ${i}` }, t0),
      );
      // A statement of this side comes between the writes, and waits for those already sent.
      const renaming = store.sources.update(sources[0]!.id, { title: 'Renamed' });
      const saved = await Promise.all(saving);
      await renaming;
      assert.deepEqual(
        saved.map((r) => r.inserted),
        sources.map(() => 5),
      );
      assert.ok(
        batches.every((b) => b.bytes.byteLength === 0),
        'each batch was moved to the writer thread, not copied',
      );
      assert.equal(await store.entries.count(), 60);
      const first = await store.entries.list({ sourceId: sources[0]!.id, limit: 10 });
      assert.equal(first.entries[0]?.publishedAt?.toISOString(), t0.toISOString(), 'dates survive the batch');
      assert.equal((await store.sources.get(sources[0]!.id))?.title, 'Renamed');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite, a group that adds entries and then edits stored ones', () => {
  it(
    'commits both, with the edit searchable, instead of waiting on itself for good',
    { timeout: 30_000 },
    async () => {
      const store = await openInFile();
      try {
        const [first, second] = await addSources(store, 'edit', 2);
        await store.entries.saveRefresh(second!.id, packEntries([story('edit1.example', 'kept', 5)]), {}, t0);
        // Sent together, so that the writer thread runs them in one group: new entries first, then
        // an edit of a stored entry (what a feed's next round does: it adds and it edits).
        const edited = { ...story('edit1.example', 'kept', 5), title: 'Story ferry', contentHash: 'edited' };
        const both = Promise.all([
          store.entries.saveRefresh(first!.id, packEntries([story('edit0.example', 'new', 1)]), {}, t0),
          store.entries.saveRefresh(second!.id, packEntries([edited]), {}, t0),
        ]);
        const stalled = new Promise((resolve) => setTimeout(resolve, 10_000, 'stalled')).then(
          () => 'stalled',
        );
        const outcome = await Promise.race([both.then(() => 'saved'), stalled]);
        assert.equal(outcome, 'saved', 'the group committed');
        const [added, changed] = await both;
        assert.equal(added.inserted, 1);
        assert.equal(changed.updated, 1);
        const found = await store.entries.search({
          text: 'ferry',
          order: 'recent',
          limit: 5,
          offset: 0,
          now: t0,
        });
        assert.equal(found.total, 1, 'the edit is searched by its new words');
        const fresh = await store.entries.search({
          text: 'new',
          order: 'recent',
          limit: 5,
          offset: 0,
          now: t0,
        });
        assert.equal(fresh.total, 1, 'and the new entry by its own');
      } finally {
        await store.close();
      }
    },
  );
});

describe('SQLite, refreshes that wait together', () => {
  it('commits them together, each in a savepoint of its own: one that fails is undone alone', async () => {
    const store = await openInFile();
    try {
      const sources = await addSources(store, 'group', 6);
      const entry = (i: number, n: number) => story(`group${i}.example`, `${i}.${n}`, n);
      // Source 999 does not exist: its entries break a foreign key halfway through its refresh.
      const ids = [...sources.map((s) => s.id).slice(0, 3), 999, ...sources.map((s) => s.id).slice(3)];
      const outcomes = await Promise.allSettled(
        ids.map((id, i) =>
          store.entries.saveRefresh(id, packEntries([entry(i, 0), entry(i, 1)]), { title: `Group ${i}` }, t0),
        ),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
      );
      assert.equal(await store.entries.count(), 12, 'every other refresh stored its two entries');
      for (const source of sources)
        assert.match((await store.sources.get(source.id))?.title ?? '', /^Group \d$/);
      // Nothing of the failed one stayed: not its entries, not their search text, not its page changes.
      const found = await store.entries.search({
        text: 'Story',
        order: 'recent',
        limit: 50,
        offset: 0,
        now: t0,
      });
      assert.equal(found.total, 12);
      // The connection is still usable, in and out of groups.
      await store.sources.update(sources[0]!.id, { title: 'After' });
      assert.equal((await store.sources.get(sources[0]!.id))?.title, 'After');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite, the search text of refreshes that wait together', () => {
  it('is written with their group, and none of it for a refresh undone after its text was taken', async () => {
    const store = await openInFile();
    try {
      const sources = await addSources(store, 'texts', 5);
      const fetch = (outcome: string) => ({
        startedAt: t0,
        durationMs: 5,
        outcome: outcome as 'stored',
        url: 'https://texts.example/feed',
        httpStatus: 200,
        bytes: 100,
        errorCode: null,
        message: null,
      });
      // The third refresh fails at its last statement, its fetch record refused by the table, once
      // its entries and their search text were taken; the refreshes after it reuse its entry ids.
      const outcomes = await Promise.allSettled(
        sources.map((source, i) => {
          const entries = [0, 1].map((n) => ({
            ...story(`texts${i}.example`, `${i}.${n}`, n),
            title: i === 2 ? `Doomed harbour ${n}` : `Story ${i}.${n}`,
          }));
          return store.entries.saveRefresh(
            source.id,
            packEntries(entries),
            {},
            t0,
            fetch(i === 2 ? 'bogus' : 'stored'),
          );
        }),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      const search = (text: string) =>
        store.entries.search({ text, order: 'recent', limit: 50, offset: 0, now: t0 });
      assert.equal((await search('doomed')).total, 0, 'no search text of the refresh undone');
      const found = await search('story');
      assert.equal(found.total, 8);
      assert.deepEqual(
        found.hits.map((h) => h.entry.title).sort(),
        ['0.0', '0.1', '1.0', '1.1', '3.0', '3.1', '4.0', '4.1'].map((l) => `Story ${l}`),
      );
    } finally {
      await store.close();
    }
  });
});

describe('SQLite in a file, checkpointed', () => {
  it('copies a poll’s writes from the log into the database file in a thread of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courtesy-sqlite-'));
    const path = join(dir, 'site.sqlite');
    const store = await openSqliteStore(path);
    try {
      const source = await store.sources.add({ feedUrl: 'https://logged.example/feed' }, t0);
      const entries = Array.from({ length: 40 }, (_, n) => story('logged.example', String(n), n));
      await store.entries.saveRefresh(source.id, packEntries(entries), {}, t0);
      // The database file alone, without its log, holds what was checkpointed. SQLite itself would
      // not checkpoint these few pages before a thousand of them were in the log.
      const checkpointed = (): number => {
        const copy = join(dir, `copy-${Date.now()}.sqlite`);
        copyFileSync(path, copy);
        const db = new BetterSqlite3(copy, { readonly: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
        } catch {
          return 0; // not even the tables yet
        } finally {
          db.close();
        }
      };
      let found = checkpointed();
      for (let waited = 0; found < entries.length && waited < 5000; waited += 100) {
        await sleep(100);
        found = checkpointed();
      }
      assert.equal(found, entries.length);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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

describe('SQLite migration 0016 (facets keyed by their listing order)', () => {
  it('keeps every facet row, and a listing then reads the table itself in its order', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.pragma('foreign_keys = ON');
    const db = sqliteKysely(sqlite);
    const before = Object.fromEntries(Object.entries(SQLITE_MIGRATIONS).filter(([name]) => name < '0016'));
    await migrate(db, before);
    sqlite
      .prepare("INSERT INTO sources (id, feed_url, created_at) VALUES (1, 'https://a.example/feed', 0)")
      .run();
    const addEntry = sqlite.prepare(
      `INSERT INTO entries (id, source_id, guid, guid_hash, content_hash, sort_at, created_at)
       VALUES (?, 1, ?, ?, 'h', ?, 0)`,
    );
    const addFacet = sqlite.prepare(
      'INSERT INTO entry_facets (entry_id, kind, key, label, sort_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [id, sortAt] of [
      [1, 300],
      [2, 100],
      [3, 200],
    ] as const) {
      addEntry.run(id, `g${id}`, `hash${id}`, sortAt);
      addFacet.run(id, 'author', 'ada', 'Ada', sortAt);
      addFacet.run(id, 'tag', `t${id}`, `T${id}`, sortAt);
    }
    await migrate(db, SQLITE_MIGRATIONS);

    const rows = sqlite.prepare('SELECT * FROM entry_facets ORDER BY entry_id, kind').all();
    assert.equal(rows.length, 6, 'every row moved');
    assert.deepEqual(rows[0], { entry_id: 1, kind: 'author', key: 'ada', label: 'Ada', sort_at: 300 });
    const table = sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'entry_facets'").pluck().get();
    assert.match(String(table), /WITHOUT ROWID/);
    const indexes = sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entry_facets' AND sql IS NOT NULL",
      )
      .pluck()
      .all();
    assert.deepEqual(indexes, ['entry_facets_entry'], 'the listing index is the key now');
    const listing =
      'SELECT entry_id FROM entry_facets WHERE kind = ? AND key = ? ORDER BY sort_at DESC, entry_id DESC';
    assert.deepEqual(sqlite.prepare(listing).pluck().all('author', 'ada'), [1, 3, 2]);
    const plan = sqlite
      .prepare(`EXPLAIN QUERY PLAN ${listing}`)
      .all('author', 'ada')
      .map((r) => (r as { detail: string }).detail)
      .join('; ');
    assert.match(plan, /SEARCH entry_facets USING PRIMARY KEY \(kind=\? AND key=\?\)/);
    assert.doesNotMatch(plan, /TEMP B-TREE/, 'no sort: the key is in the listing order');
    // Deleting an entry still takes its facets with it (the entry_id index finds them).
    sqlite.prepare('DELETE FROM entries WHERE id = 1').run();
    assert.equal(sqlite.prepare('SELECT count(*) FROM entry_facets').pluck().get(), 4);
    await db.destroy();
  });
});

/** Bytes each thread of this process has written, by thread (Linux); null elsewhere. */
function writtenByThread(): Map<string, number> | null {
  if (!existsSync('/proc/self/task')) return null;
  const out = new Map<string, number>();
  for (const task of readdirSync('/proc/self/task')) {
    try {
      const io = readFileSync(`/proc/self/task/${task}/io`, 'utf8');
      out.set(task, Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? 0));
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return out;
}

describe('SQLite in a file, the journals of a refresh', () => {
  it('keeps the originals of the pages a refresh changes in memory: the writer writes the log, and no temporary file', async (t) => {
    if (!writtenByThread()) return t.skip('no per-thread I/O counts on this system');
    const dir = mkdtempSync(join(tmpdir(), 'courtesy-sqlite-'));
    const file = join(dir, 'site.sqlite');
    let store = await openSqliteStore(file);
    try {
      const body = 'word '.repeat(200);
      const stories = (version: string) =>
        Array.from({ length: 3000 }, (_, n) => ({
          ...story('journal.example', String(n), n),
          contentHtml: `<p>${version} ${body}</p>`,
          contentHash: `${version}${n}`,
        }));
      const source = await store.sources.add({ feedUrl: 'https://journal.example/feed' }, t0);
      await store.entries.saveRefresh(source.id, stories('a'), {}, t0);
      // Closing checkpoints the log and removes it: the next transaction starts a new one.
      await store.close();
      store = await openSqliteStore(file);
      const start = writtenByThread()!;
      // Every entry changes: the refresh's savepoint keeps the original of every page it rewrites.
      const saved = await store.entries.saveRefresh(source.id, stories('b'), {}, t0);
      const end = writtenByThread()!;
      const log = statSync(`${file}-wal`).size;
      assert.equal(saved.updated, 3000);
      // The thread that wrote most is the writer (the checkpointer copies at most the log). With the
      // journals in memory it writes about twice the log's size (the log, then the log's pages into
      // the database, as its commit passes the automatic checkpoint's threshold); with temporary
      // files, twelve times.
      const most = Math.max(...[...end].map(([task, bytes]) => bytes - (start.get(task) ?? 0)));
      assert.ok(log > 1_000_000, `the refresh rewrote a few MB of pages (log ${log} bytes)`);
      assert.ok(most < log * 4, `the writer wrote ${most} bytes for a log of ${log}`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
