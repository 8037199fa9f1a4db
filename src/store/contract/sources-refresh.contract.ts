import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { EntryInput } from '../../model/entry.js';
import type { FetchRecord } from '../../model/source.js';
import { StoreError } from '../errors.js';
import { FETCH_HISTORY_PER_SOURCE } from '../store.js';
import type { ContractContext } from './context.js';

/** Sources, refreshes, fetch history and the rules a refresh meets. */
export function sourcesAndRefreshesContract(c: ContractContext): void {
  const { t0, entry } = c;

  it('adds a source once and refuses the same feed URL again', async () => {
    const source = await c.store.sources.add(
      { feedUrl: 'https://publisher.example/feed.xml', name: 'Publisher', policy: 'excerpt' },
      t0,
    );
    assert.equal(source.status, 'active');
    assert.equal(source.policy, 'excerpt');
    assert.deepEqual(source.nextCheckAt, t0, 'a new source is due at once');
    await assert.rejects(
      c.store.sources.add({ feedUrl: 'https://publisher.example/feed.xml' }, t0),
      (error: unknown) => error instanceof StoreError && error.code === 'store.duplicate-source',
    );
    assert.equal((await c.store.sources.findByUrl('https://publisher.example/feed.xml'))?.id, source.id);
  });

  it('logs which page changes only add (new entries, a new source named) and which do not', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://additions.example/feed.xml' }, t0);
    const since = await c.store.lastPageChange();
    const fresh = (n: number, patch: Partial<EntryInput> = {}) =>
      entry(n, { guid: `urn:additions:${n}`, url: `https://additions.example/${n}`, ...patch });
    await c.store.entries.saveRefresh(source.id, [fresh(1)], { title: 'Additions Daily' }, t0);
    await c.store.entries.saveRefresh(source.id, [fresh(1), fresh(2)], {}, t0);
    await c.store.entries.saveRefresh(
      source.id,
      [fresh(1, { title: 'Corrected', contentHash: 'c' })],
      {},
      t0,
    );
    await c.store.entries.saveRefresh(source.id, [], { title: 'Additions Weekly' }, t0);
    const changes = await c.store.pageChanges(since, 100);
    assert.deepEqual(
      changes.map((c) => c.additions),
      [true, true, false, false],
      JSON.stringify(changes),
    );
    assert.ok(changes[0]!.tags.includes(`source:${source.id}`) && changes[0]!.tags.includes('listing'));
    assert.deepEqual(changes[3]!.tags, ['*'], 'a shown source renamed touches every page');
    await c.store.sources.remove(source.id);
  });

  it('stores entries idempotently and updates a changed one in place', async () => {
    const { id } = (await c.store.sources.findByUrl('https://publisher.example/feed.xml'))!;
    const first = await c.store.entries.saveRefresh(id, [entry(1), entry(2)], { etag: '"v1"' }, t0);
    assert.deepEqual(first, { inserted: 2, updated: 0, unchanged: 0, suppressed: 0 });
    assert.equal((await c.store.sources.get(id))?.etag, '"v1"', 'the source patch is saved with the entries');

    const again = await c.store.entries.saveRefresh(id, [entry(1), entry(2)], {}, t0);
    assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 2, suppressed: 0 });

    const before = (await c.store.entries.list({ sourceId: id, limit: 10 })).entries;
    const changed = await c.store.entries.saveRefresh(
      id,
      [entry(1, { title: 'Entry 1, corrected', contentHash: 'hash-1b' })],
      {},
      t0,
    );
    assert.deepEqual(changed, { inserted: 0, updated: 1, unchanged: 0, suppressed: 0 });
    const after = (await c.store.entries.list({ sourceId: id, limit: 10 })).entries;
    assert.equal(after.length, 2);
    const one = after.find((e) => e.guid === 'urn:entry:1')!;
    assert.equal(one.title, 'Entry 1, corrected');
    assert.equal(one.id, before.find((e) => e.guid === 'urn:entry:1')!.id, 'same row, same article URL');
  });

  it('matches an entry whose guid changed by its URL, without duplicating it', async () => {
    const { id } = (await c.store.sources.findByUrl('https://publisher.example/feed.xml'))!;
    const result = await c.store.entries.saveRefresh(
      id,
      [entry(2, { guid: 'https://publisher.example/?p=2', contentHash: 'hash-2b' })],
      {},
      t0,
    );
    assert.deepEqual(result, { inserted: 0, updated: 1, unchanged: 0, suppressed: 0 });
    assert.equal(await c.store.entries.count(id), 2);
    const again = await c.store.entries.saveRefresh(
      id,
      [entry(2, { guid: 'https://publisher.example/?p=2', contentHash: 'hash-2b' })],
      {},
      t0,
    );
    assert.deepEqual(
      again,
      { inserted: 0, updated: 0, unchanged: 1, suppressed: 0 },
      'the new guid is remembered',
    );
  });

  it('stores a document that repeats a guid or a URL once, the later copy winning', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://repeats.example/feed' }, t0);
    const result = await c.store.entries.saveRefresh(
      source.id,
      [
        entry(50),
        entry(50, { title: 'Entry 50, as repeated', contentHash: 'hash-50b' }),
        entry(51),
        entry(52, { url: entry(51).url, contentHash: 'hash-52' }),
        entry(53),
        entry(53),
      ],
      {},
      t0,
    );
    assert.deepEqual(result, { inserted: 3, updated: 2, unchanged: 1, suppressed: 0 });
    const stored = (await c.store.entries.list({ sourceId: source.id, limit: 10 })).entries;
    assert.equal(stored.length, 3);
    assert.equal(stored.find((e) => e.guid === 'urn:entry:50')?.title, 'Entry 50, as repeated');
    assert.equal(stored.find((e) => e.url === entry(51).url)?.guid, 'urn:entry:52', 'matched by URL');
    await c.store.sources.remove(source.id);
  });

  it('stores a large refresh whole, in several batches, and matches it again', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://large.example/feed' }, t0);
    const many = Array.from({ length: 1234 }, (_, i) => entry(1000 + i));
    assert.deepEqual(await c.store.entries.saveRefresh(source.id, many, {}, t0), {
      inserted: 1234,
      updated: 0,
      unchanged: 0,
      suppressed: 0,
    });
    assert.equal(await c.store.entries.count(source.id), 1234);
    assert.deepEqual(await c.store.entries.saveRefresh(source.id, many, {}, t0), {
      inserted: 0,
      updated: 0,
      unchanged: 1234,
      suppressed: 0,
    });
    await c.store.sources.remove(source.id);
  });

  it('keeps the newest checks of each source in its fetch history', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://history.example/feed' }, t0);
    const other = await c.store.sources.add({ feedUrl: 'https://history-other.example/feed' }, t0);
    const check = (n: number): FetchRecord => ({
      startedAt: new Date(t0.getTime() + n * 1000),
      durationMs: n,
      outcome: 'not-modified',
      url: source.feedUrl,
      httpStatus: 304,
      bytes: null,
      inserted: 0,
      updated: 0,
      errorCode: null,
      message: `check ${n}`,
    });
    await c.store.sources.recordCheck(other.id, {}, check(0));
    for (let n = 1; n <= FETCH_HISTORY_PER_SOURCE + 5; n++) {
      await c.store.sources.recordCheck(source.id, { lastCheckedAt: check(n).startedAt }, check(n));
    }
    const history = await c.store.sources.history(source.id, 1000);
    assert.equal(history.length, FETCH_HISTORY_PER_SOURCE);
    assert.equal(history[0]?.message, `check ${FETCH_HISTORY_PER_SOURCE + 5}`, 'newest first');
    assert.equal(history.at(-1)?.message, 'check 6');
    assert.equal((await c.store.sources.history(other.id, 10)).length, 1, "another source's history is kept");
    await c.store.sources.remove(source.id);
    await c.store.sources.remove(other.id);
  });

  it('grants a rule: covered entries go, leave tombstones and an audit line, and never come back', async () => {
    const site = await c.store.sources.add({ feedUrl: 'https://rights.example/feed' }, t0);
    const other = await c.store.sources.add({ feedUrl: 'https://aggregator.example/feed' }, t0);
    const byAda = (n: number) => entry(n, { url: `https://rights.example/${n}`, author: 'Ada' });
    const byBob = (n: number) => entry(n, { url: `https://rights.example/${n}`, author: 'Bob' });
    await c.store.entries.saveRefresh(site.id, [byAda(60), byAda(61), byBob(62)], {}, t0);
    // The same article of Ada's, republished by another feed under a tracking URL.
    await c.store.entries.saveRefresh(
      other.id,
      [entry(63, { url: 'https://www.rights.example/60?utm_source=x', author: 'Ada' })],
      {},
      t0,
    );
    const removedIds = (await c.store.entries.list({ sourceId: site.id, limit: 10 })).entries
      .filter((e) => e.author === 'Ada')
      .map((e) => e.id);

    const { rule, removed } = await c.store.rights.grant(
      {
        kind: 'author',
        sourceId: site.id,
        author: 'Ada',
        domain: 'rights.example',
        urlKey: null,
        reason: 'asked',
        actor: 'cli',
      },
      t0,
    );
    assert.equal(removed, 3, "Ada's two articles, and the copy through the other feed");
    assert.equal(await c.store.entries.count(site.id), 1);
    assert.equal(await c.store.entries.count(other.id), 0);
    const tomb = await c.store.rights.tombstone(removedIds[0]!);
    assert.equal(tomb?.ruleId, rule.id);
    assert.match(tomb?.originalUrl ?? '', /^https:\/\/rights\.example\/6[01]$/);

    const again = await c.store.entries.saveRefresh(site.id, [byAda(60), byAda(64), byBob(62)], {}, t0);
    assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 1, suppressed: 2 });
    const [listed] = await c.store.rights.listRules();
    assert.equal(listed?.id, rule.id);
    assert.equal(listed?.removed, 3);

    const revoked = await c.store.rights.revoke(rule.id, 'counter-notice', 'cli', t0);
    assert.deepEqual(revoked?.revokedAt, t0);
    assert.equal(await c.store.rights.revoke(rule.id, 'twice', 'cli', t0), null, 'revoked once');
    assert.deepEqual(await c.store.rights.listRules(), []);
    assert.equal((await c.store.rights.listRules({ includeRevoked: true })).length, 1);
    assert.equal(await c.store.entries.count(site.id), 1, 'revoking brings nothing back by itself');
    const later = await c.store.entries.saveRefresh(site.id, [byAda(60)], {}, t0);
    assert.equal(later.inserted, 1, 'a later poll may');

    const log = await c.store.rights.auditLog(10);
    assert.deepEqual(
      log.map((l) => l.action),
      ['rule.revoked', 'rule.granted'],
    );
    assert.match(log[1]!.detail, /3 entries removed; reason: asked/);
  });

  it('grants a site-wide rule that also pauses the source', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://whole.example/feed' }, t0);
    await c.store.entries.saveRefresh(source.id, [entry(70, { url: 'https://whole.example/70' })], {}, t0);
    const { removed } = await c.store.rights.grant(
      {
        kind: 'source',
        sourceId: source.id,
        domain: 'whole.example',
        author: null,
        urlKey: null,
        reason: 'site',
        actor: 'cli',
      },
      t0,
      { source: 'pause' },
    );
    assert.equal(removed, 1);
    assert.equal((await c.store.sources.get(source.id))?.status, 'paused');
  });

  it('lets nothing a rule covers in, when a refresh and the grant of that rule run at once', async () => {
    for (let round = 0; round < 4; round++) {
      const host = `race${round}.example`;
      const source = await c.store.sources.add({ feedUrl: `https://${host}/feed` }, t0);
      const batch = Array.from({ length: 150 }, (_, i) =>
        entry(9000 + round * 1000 + i, { url: `https://${host}/${i}`, author: 'Racer' }),
      );
      const [, granted] = await Promise.all([
        c.store.entries.saveRefresh(source.id, batch, {}, t0),
        c.store.rights.grant(
          {
            kind: 'author',
            author: 'Racer',
            sourceId: source.id,
            domain: host,
            urlKey: null,
            reason: 'race',
            actor: 'cli',
          },
          t0,
        ),
      ]);
      assert.equal(
        await c.store.entries.count(source.id),
        0,
        `round ${round}: the rule removed or kept out every one`,
      );
      await c.store.rights.revoke(granted.rule.id, 'race over', 'cli', t0);
      await c.store.sources.remove(source.id);
    }
  });

  it('writes nothing of a refresh that fails part way', async () => {
    const { id } = (await c.store.sources.findByUrl('https://publisher.example/feed.xml'))!;
    const broken = { ...entry(3), guid: null } as unknown as EntryInput;
    await assert.rejects(c.store.entries.saveRefresh(id, [entry(4), broken], { etag: '"v2"' }, t0));
    assert.equal(await c.store.entries.count(id), 2, 'entry 4 was rolled back');
    assert.equal((await c.store.sources.get(id))?.etag, '"v1"', 'the source patch was rolled back');
  });

  it('pages newest first with a cursor, with no gap and no repeat', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://paging.example/feed' }, t0);
    const many = Array.from({ length: 7 }, (_, i) => entry(10 + i));
    // Two entries published at the same instant: the id breaks the tie.
    many.push(entry(30, { publishedAt: many[0]!.publishedAt }));
    await c.store.entries.saveRefresh(source.id, many, {}, t0);
    const seen: string[] = [];
    let cursor = null;
    for (let page = 0; page < 10; page++) {
      const result = await c.store.entries.list({ sourceId: source.id, before: cursor, limit: 3 });
      seen.push(...result.entries.map((e) => e.guid));
      cursor = result.next;
      if (!cursor) break;
    }
    assert.equal(seen.length, 8);
    assert.equal(new Set(seen).size, 8);
    const all = (await c.store.entries.list({ sourceId: source.id, limit: 100 })).entries;
    assert.deepEqual(
      seen,
      all.map((e) => e.guid),
    );
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.sortAt >= all[i]!.sortAt, 'newest first');
  });

  it('sorts a future-dated entry by the time it was first seen', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://future.example/feed' }, t0);
    const future = new Date(t0.getTime() + 30 * 86_400_000);
    await c.store.entries.saveRefresh(source.id, [entry(40, { publishedAt: future })], {}, t0);
    const [stored] = (await c.store.entries.list({ sourceId: source.id, limit: 1 })).entries;
    assert.deepEqual(stored?.publishedAt, future);
    assert.deepEqual(stored?.sortAt, t0);
  });
}
