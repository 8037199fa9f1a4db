import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntryInput } from '../model/entry.js';
import type { FetchRecord } from '../model/source.js';
import type { Subscription } from '../model/subscription.js';
import type { NewTakedownRequest, Notice } from '../model/takedown.js';
import { urlKey } from '../model/rights.js';
import { StoreError } from './errors.js';
import { FETCH_HISTORY_PER_SOURCE, SEARCH_COUNT_LIMIT, type SearchQuery, type Store } from './store.js';

/**
 * What every Store must do, whatever its engine. Each engine's test calls this with a function that
 * opens an empty store; the same assertions then hold for SQLite and for any engine added later.
 */
export function describeStoreContract(
  engine: string,
  open: () => Promise<Store>,
  options: { skip?: string | false } = {},
): void {
  describe(`the ${engine} store`, { skip: options.skip ?? false }, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    const t0 = new Date('2026-01-10T12:00:00Z');
    const entry = (n: number, patch: Partial<EntryInput> = {}): EntryInput => ({
      guid: `urn:entry:${n}`,
      url: `https://publisher.example/${n}`,
      title: `Entry ${n}`,
      author: 'Ada',
      publishedAt: new Date(t0.getTime() - n * 60_000),
      updatedAt: null,
      summaryHtml: `<p>Summary ${n}</p>`,
      contentHtml: `<p>Content ${n}</p>`,
      categories: ['news'],
      enclosures: [],
      contentHash: `hash-${n}`,
      ...patch,
    });

    it('adds a source once and refuses the same feed URL again', async () => {
      const source = await store.sources.add(
        { feedUrl: 'https://publisher.example/feed.xml', name: 'Publisher', policy: 'excerpt' },
        t0,
      );
      assert.equal(source.status, 'active');
      assert.equal(source.policy, 'excerpt');
      assert.deepEqual(source.nextCheckAt, t0, 'a new source is due at once');
      await assert.rejects(
        store.sources.add({ feedUrl: 'https://publisher.example/feed.xml' }, t0),
        (error: unknown) => error instanceof StoreError && error.code === 'store.duplicate-source',
      );
      assert.equal((await store.sources.findByUrl('https://publisher.example/feed.xml'))?.id, source.id);
    });

    it('logs which page changes only add (new entries, a new source named) and which do not', async () => {
      const source = await store.sources.add({ feedUrl: 'https://additions.example/feed.xml' }, t0);
      const since = await store.lastPageChange();
      const fresh = (n: number, patch: Partial<EntryInput> = {}) =>
        entry(n, { guid: `urn:additions:${n}`, url: `https://additions.example/${n}`, ...patch });
      await store.entries.saveRefresh(source.id, [fresh(1)], { title: 'Additions Daily' }, t0);
      await store.entries.saveRefresh(source.id, [fresh(1), fresh(2)], {}, t0);
      await store.entries.saveRefresh(
        source.id,
        [fresh(1, { title: 'Corrected', contentHash: 'c' })],
        {},
        t0,
      );
      await store.entries.saveRefresh(source.id, [], { title: 'Additions Weekly' }, t0);
      const changes = await store.pageChanges(since, 100);
      assert.deepEqual(
        changes.map((c) => c.additions),
        [true, true, false, false],
        JSON.stringify(changes),
      );
      assert.ok(changes[0]!.tags.includes(`source:${source.id}`) && changes[0]!.tags.includes('listing'));
      assert.deepEqual(changes[3]!.tags, ['*'], 'a shown source renamed touches every page');
      await store.sources.remove(source.id);
    });

    it('stores entries idempotently and updates a changed one in place', async () => {
      const { id } = (await store.sources.findByUrl('https://publisher.example/feed.xml'))!;
      const first = await store.entries.saveRefresh(id, [entry(1), entry(2)], { etag: '"v1"' }, t0);
      assert.deepEqual(first, { inserted: 2, updated: 0, unchanged: 0, suppressed: 0 });
      assert.equal((await store.sources.get(id))?.etag, '"v1"', 'the source patch is saved with the entries');

      const again = await store.entries.saveRefresh(id, [entry(1), entry(2)], {}, t0);
      assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 2, suppressed: 0 });

      const before = (await store.entries.list({ sourceId: id, limit: 10 })).entries;
      const changed = await store.entries.saveRefresh(
        id,
        [entry(1, { title: 'Entry 1, corrected', contentHash: 'hash-1b' })],
        {},
        t0,
      );
      assert.deepEqual(changed, { inserted: 0, updated: 1, unchanged: 0, suppressed: 0 });
      const after = (await store.entries.list({ sourceId: id, limit: 10 })).entries;
      assert.equal(after.length, 2);
      const one = after.find((e) => e.guid === 'urn:entry:1')!;
      assert.equal(one.title, 'Entry 1, corrected');
      assert.equal(one.id, before.find((e) => e.guid === 'urn:entry:1')!.id, 'same row, same article URL');
    });

    it('matches an entry whose guid changed by its URL, without duplicating it', async () => {
      const { id } = (await store.sources.findByUrl('https://publisher.example/feed.xml'))!;
      const result = await store.entries.saveRefresh(
        id,
        [entry(2, { guid: 'https://publisher.example/?p=2', contentHash: 'hash-2b' })],
        {},
        t0,
      );
      assert.deepEqual(result, { inserted: 0, updated: 1, unchanged: 0, suppressed: 0 });
      assert.equal(await store.entries.count(id), 2);
      const again = await store.entries.saveRefresh(
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
      const source = await store.sources.add({ feedUrl: 'https://repeats.example/feed' }, t0);
      const result = await store.entries.saveRefresh(
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
      const stored = (await store.entries.list({ sourceId: source.id, limit: 10 })).entries;
      assert.equal(stored.length, 3);
      assert.equal(stored.find((e) => e.guid === 'urn:entry:50')?.title, 'Entry 50, as repeated');
      assert.equal(stored.find((e) => e.url === entry(51).url)?.guid, 'urn:entry:52', 'matched by URL');
      await store.sources.remove(source.id);
    });

    it('stores a large refresh whole, in several batches, and matches it again', async () => {
      const source = await store.sources.add({ feedUrl: 'https://large.example/feed' }, t0);
      const many = Array.from({ length: 1234 }, (_, i) => entry(1000 + i));
      assert.deepEqual(await store.entries.saveRefresh(source.id, many, {}, t0), {
        inserted: 1234,
        updated: 0,
        unchanged: 0,
        suppressed: 0,
      });
      assert.equal(await store.entries.count(source.id), 1234);
      assert.deepEqual(await store.entries.saveRefresh(source.id, many, {}, t0), {
        inserted: 0,
        updated: 0,
        unchanged: 1234,
        suppressed: 0,
      });
      await store.sources.remove(source.id);
    });

    it('keeps the newest checks of each source in its fetch history', async () => {
      const source = await store.sources.add({ feedUrl: 'https://history.example/feed' }, t0);
      const other = await store.sources.add({ feedUrl: 'https://history-other.example/feed' }, t0);
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
      await store.sources.recordCheck(other.id, {}, check(0));
      for (let n = 1; n <= FETCH_HISTORY_PER_SOURCE + 5; n++) {
        await store.sources.recordCheck(source.id, { lastCheckedAt: check(n).startedAt }, check(n));
      }
      const history = await store.sources.history(source.id, 1000);
      assert.equal(history.length, FETCH_HISTORY_PER_SOURCE);
      assert.equal(history[0]?.message, `check ${FETCH_HISTORY_PER_SOURCE + 5}`, 'newest first');
      assert.equal(history.at(-1)?.message, 'check 6');
      assert.equal((await store.sources.history(other.id, 10)).length, 1, "another source's history is kept");
      await store.sources.remove(source.id);
      await store.sources.remove(other.id);
    });

    it('grants a rule: covered entries go, leave tombstones and an audit line, and never come back', async () => {
      const site = await store.sources.add({ feedUrl: 'https://rights.example/feed' }, t0);
      const other = await store.sources.add({ feedUrl: 'https://aggregator.example/feed' }, t0);
      const byAda = (n: number) => entry(n, { url: `https://rights.example/${n}`, author: 'Ada' });
      const byBob = (n: number) => entry(n, { url: `https://rights.example/${n}`, author: 'Bob' });
      await store.entries.saveRefresh(site.id, [byAda(60), byAda(61), byBob(62)], {}, t0);
      // The same article of Ada's, republished by another feed under a tracking URL.
      await store.entries.saveRefresh(
        other.id,
        [entry(63, { url: 'https://www.rights.example/60?utm_source=x', author: 'Ada' })],
        {},
        t0,
      );
      const removedIds = (await store.entries.list({ sourceId: site.id, limit: 10 })).entries
        .filter((e) => e.author === 'Ada')
        .map((e) => e.id);

      const { rule, removed } = await store.rights.grant(
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
      assert.equal(await store.entries.count(site.id), 1);
      assert.equal(await store.entries.count(other.id), 0);
      const tomb = await store.rights.tombstone(removedIds[0]!);
      assert.equal(tomb?.ruleId, rule.id);
      assert.match(tomb?.originalUrl ?? '', /^https:\/\/rights\.example\/6[01]$/);

      const again = await store.entries.saveRefresh(site.id, [byAda(60), byAda(64), byBob(62)], {}, t0);
      assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 1, suppressed: 2 });
      const [listed] = await store.rights.listRules();
      assert.equal(listed?.id, rule.id);
      assert.equal(listed?.removed, 3);

      const revoked = await store.rights.revoke(rule.id, 'counter-notice', 'cli', t0);
      assert.deepEqual(revoked?.revokedAt, t0);
      assert.equal(await store.rights.revoke(rule.id, 'twice', 'cli', t0), null, 'revoked once');
      assert.deepEqual(await store.rights.listRules(), []);
      assert.equal((await store.rights.listRules({ includeRevoked: true })).length, 1);
      assert.equal(await store.entries.count(site.id), 1, 'revoking brings nothing back by itself');
      const later = await store.entries.saveRefresh(site.id, [byAda(60)], {}, t0);
      assert.equal(later.inserted, 1, 'a later poll may');

      const log = await store.rights.auditLog(10);
      assert.deepEqual(
        log.map((l) => l.action),
        ['rule.revoked', 'rule.granted'],
      );
      assert.match(log[1]!.detail, /3 entries removed; reason: asked/);
    });

    it('grants a site-wide rule that also pauses the source', async () => {
      const source = await store.sources.add({ feedUrl: 'https://whole.example/feed' }, t0);
      await store.entries.saveRefresh(source.id, [entry(70, { url: 'https://whole.example/70' })], {}, t0);
      const { removed } = await store.rights.grant(
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
      assert.equal((await store.sources.get(source.id))?.status, 'paused');
    });

    it('lets nothing a rule covers in, when a refresh and the grant of that rule run at once', async () => {
      for (let round = 0; round < 4; round++) {
        const host = `race${round}.example`;
        const source = await store.sources.add({ feedUrl: `https://${host}/feed` }, t0);
        const batch = Array.from({ length: 150 }, (_, i) =>
          entry(9000 + round * 1000 + i, { url: `https://${host}/${i}`, author: 'Racer' }),
        );
        const [, granted] = await Promise.all([
          store.entries.saveRefresh(source.id, batch, {}, t0),
          store.rights.grant(
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
          await store.entries.count(source.id),
          0,
          `round ${round}: the rule removed or kept out every one`,
        );
        await store.rights.revoke(granted.rule.id, 'race over', 'cli', t0);
        await store.sources.remove(source.id);
      }
    });

    it('writes nothing of a refresh that fails part way', async () => {
      const { id } = (await store.sources.findByUrl('https://publisher.example/feed.xml'))!;
      const broken = { ...entry(3), guid: null } as unknown as EntryInput;
      await assert.rejects(store.entries.saveRefresh(id, [entry(4), broken], { etag: '"v2"' }, t0));
      assert.equal(await store.entries.count(id), 2, 'entry 4 was rolled back');
      assert.equal((await store.sources.get(id))?.etag, '"v1"', 'the source patch was rolled back');
    });

    it('pages newest first with a cursor, with no gap and no repeat', async () => {
      const source = await store.sources.add({ feedUrl: 'https://paging.example/feed' }, t0);
      const many = Array.from({ length: 7 }, (_, i) => entry(10 + i));
      // Two entries published at the same instant: the id breaks the tie.
      many.push(entry(30, { publishedAt: many[0]!.publishedAt }));
      await store.entries.saveRefresh(source.id, many, {}, t0);
      const seen: string[] = [];
      let cursor = null;
      for (let page = 0; page < 10; page++) {
        const result = await store.entries.list({ sourceId: source.id, before: cursor, limit: 3 });
        seen.push(...result.entries.map((e) => e.guid));
        cursor = result.next;
        if (!cursor) break;
      }
      assert.equal(seen.length, 8);
      assert.equal(new Set(seen).size, 8);
      const all = (await store.entries.list({ sourceId: source.id, limit: 100 })).entries;
      assert.deepEqual(
        seen,
        all.map((e) => e.guid),
      );
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.sortAt >= all[i]!.sortAt, 'newest first');
    });

    it('sorts a future-dated entry by the time it was first seen', async () => {
      const source = await store.sources.add({ feedUrl: 'https://future.example/feed' }, t0);
      const future = new Date(t0.getTime() + 30 * 86_400_000);
      await store.entries.saveRefresh(source.id, [entry(40, { publishedAt: future })], {}, t0);
      const [stored] = (await store.entries.list({ sourceId: source.id, limit: 1 })).entries;
      assert.deepEqual(stored?.publishedAt, future);
      assert.deepEqual(stored?.sortAt, t0);
    });

    it('lists the sources that have articles, without counting them', async () => {
      const empty = await store.sources.add({ feedUrl: 'https://empty.example/feed' }, t0);
      const publishing = await store.sources.listPublishing();
      const counted = (await store.sources.list()).filter((s) => s.entryCount > 0);
      assert.deepEqual(
        publishing.map((s) => s.id),
        counted.map((s) => s.id),
      );
      assert.ok(publishing.length > 0);
      assert.ok(!publishing.some((s) => s.id === empty.id));
    });

    it('lists due sources soonest first, active ones only', async () => {
      const later = new Date(t0.getTime() + 3_600_000);
      const paused = await store.sources.add({ feedUrl: 'https://paused.example/feed' }, t0);
      await store.sources.update(paused.id, { status: 'paused' });
      const all = await store.sources.list();
      for (const s of all) await store.sources.update(s.id, { nextCheckAt: later });
      const soon = all.find((s) => s.feedUrl === 'https://paging.example/feed')!;
      await store.sources.update(soon.id, { nextCheckAt: t0 });
      const due = await store.sources.listDue(new Date(t0.getTime() + 1), 10);
      assert.deepEqual(
        due.map((s) => s.id),
        [soon.id],
      );
      const dueLater = await store.sources.listDue(later, 10);
      assert.ok(!dueLater.some((s) => s.id === paused.id), 'a paused source is never due');
      assert.equal(dueLater[0]?.id, soon.id);
      const active = await store.sources.listActive();
      assert.deepEqual(
        active.map((s) => s.id),
        all.filter((s) => s.id !== paused.id && s.status === 'active').map((s) => s.id),
      );
    });

    it('lets pollers claim each due source once, within the per-host limit across them all', async () => {
      const tc = new Date('2020-01-01T00:00:00Z');
      const options = { claimMs: 60_000, perHost: 2 };
      const added = [];
      for (let i = 0; i < 5; i++)
        added.push(await store.sources.add({ feedUrl: `https://busy.example/${i}` }, tc));
      for (let i = 0; i < 6; i++)
        added.push(await store.sources.add({ feedUrl: `https://quiet${i}.example/feed` }, tc));
      const failing = added[1]!;
      await store.sources.update(failing.id, { consecutiveFailures: 3 });

      const [a, b] = await Promise.all([
        store.sources.claimDue('poller-a', tc, 4, options),
        store.sources.claimDue('poller-b', tc, 20, options),
      ]);
      const ids = [...a, ...b].map((s) => s.id);
      assert.equal(new Set(ids).size, ids.length, 'no source is claimed twice');
      const busy = [...a, ...b].filter((s) => s.feedUrl.startsWith('https://busy.example/'));
      assert.equal(busy.length, 2, 'two of the busy host, whichever poller took them');
      assert.ok(
        !busy.some((s) => s.id === failing.id),
        'a source that failed last time waits behind its host’s others',
      );
      assert.equal(ids.length, 8, 'and every source of the other hosts');
      assert.deepEqual(
        await store.sources.claimDue('poller-c', tc, 20, options),
        [],
        'nothing is left to claim',
      );

      // A check recorded ends its claim: the host has a free slot again.
      await store.sources.recordCheck(
        busy[0]!.id,
        { nextCheckAt: new Date(tc.getTime() + 3_600_000) },
        {
          startedAt: tc,
          durationMs: 5,
          outcome: 'not-modified',
          url: busy[0]!.feedUrl,
          httpStatus: 304,
          bytes: 0,
          inserted: 0,
          updated: 0,
          errorCode: null,
          message: null,
        },
      );
      const next = await store.sources.claimDue('poller-c', tc, 20, options);
      assert.equal(next.length, 1);
      assert.ok(next[0]!.feedUrl.startsWith('https://busy.example/'));

      // A poller that stopped gives its claims up; one that died holds them until they run out.
      assert.equal(await store.sources.releaseClaims('poller-c'), 1);
      assert.equal((await store.sources.claimDue('poller-d', tc, 20, options)).length, 1);
      const expired = new Date(tc.getTime() + options.claimMs);
      const takenOver = await store.sources.claimDue('poller-e', expired, 20, options);
      assert.equal(
        takenOver.length,
        8,
        'every due source again (two of the busy host), once the claims ran out',
      );
      for (const s of added) await store.sources.remove(s.id);
    });

    it('counts the polling queue: sources by status, due ones, and those being checked', async () => {
      const tq = new Date('2019-06-01T00:00:00Z');
      const before = await store.sources.queue(tq);
      const statusBefore = await store.sources.countByStatus();
      const added = [];
      for (let i = 0; i < 4; i++)
        added.push(await store.sources.add({ feedUrl: `https://queue${i}.example/feed` }, tq));
      await store.sources.update(added[3]!.id, { status: 'paused' });
      await store.sources.update(added[2]!.id, { nextCheckAt: new Date(tq.getTime() + 3_600_000) });
      const mid = await store.sources.queue(tq);
      assert.deepEqual(await store.sources.countByStatus(), {
        ...statusBefore,
        active: statusBefore.active + 3,
        paused: statusBefore.paused + 1,
      });
      assert.equal(mid.due, before.due + 2, 'a paused source, or one checked later, is not due');
      const claimed = await store.sources.claimDue('poller-q', tq, 100, { claimMs: 60_000, perHost: 16 });
      assert.ok(claimed.length >= 2);
      const during = await store.sources.queue(tq);
      assert.equal(during.claimed, before.claimed + claimed.length);
      assert.equal(during.due, mid.due - claimed.length, 'a source being checked is no longer waiting');
      await store.sources.releaseClaims('poller-q');
      assert.equal((await store.sources.queue(tq)).claimed, before.claimed);
      for (const s of added) await store.sources.remove(s.id);
    });

    it('claims each config seed once', async () => {
      assert.deepEqual(await store.sources.claimConfigSeeds(['a', 'b'], t0), ['a', 'b']);
      assert.deepEqual(await store.sources.claimConfigSeeds(['b', 'c'], t0), ['c']);
    });

    it('keeps one WebSub subscription per source, changes it only in the states asked, and lists renewals', async () => {
      const source = (await store.sources.findByUrl('https://paging.example/feed'))!;
      const sub: Subscription = {
        sourceId: source.id,
        token: 'token-1',
        hub: 'https://hub.example/',
        topic: 'https://paging.example/feed',
        secret: 's3cret',
        state: 'requested',
        requestedAt: t0,
        verifiedAt: null,
        leaseSeconds: null,
        expiresAt: null,
        renewAt: new Date(t0.getTime() + 3_600_000),
        attempts: 1,
        lastError: null,
        lastPushAt: null,
        pushes: 0,
        rejectedPushes: 0,
      };
      await store.subscriptions.put(sub);
      assert.deepEqual(await store.subscriptions.get(source.id), sub);
      assert.deepEqual(await store.subscriptions.findByToken('token-1'), sub);
      assert.equal(await store.subscriptions.findByToken('token-2'), null);

      await store.subscriptions.put({ ...sub, token: 'token-2', hub: 'https://other-hub.example/' });
      assert.equal((await store.subscriptions.get(source.id))?.hub, 'https://other-hub.example/', 'replaced');
      assert.equal(await store.subscriptions.findByToken('token-1'), null);

      const expires = new Date(t0.getTime() + 86_400_000);
      assert.equal(await store.subscriptions.update(source.id, { state: 'failed' }, ['active']), false);
      assert.equal(
        await store.subscriptions.update(source.id, { state: 'active', expiresAt: expires, attempts: 0 }, [
          'requested',
        ]),
        true,
      );
      const active = (await store.subscriptions.get(source.id))!;
      assert.equal(active.state, 'active');
      assert.deepEqual(active.expiresAt, expires);
      assert.equal(active.attempts, 0);

      await store.subscriptions.recordPush(source.id, t0, null);
      await store.subscriptions.recordPush(source.id, t0, 'bad signature');
      const counted = (await store.subscriptions.get(source.id))!;
      assert.equal(counted.pushes, 1);
      assert.equal(counted.rejectedPushes, 1);
      assert.deepEqual(counted.lastPushAt, t0);
      assert.equal(counted.lastError, 'bad signature');

      assert.deepEqual(await store.subscriptions.listDue(t0, 10), []);
      assert.deepEqual(
        (await store.subscriptions.listDue(new Date(t0.getTime() + 3_600_000), 10)).map((s) => s.sourceId),
        [source.id],
      );
    });

    it('removes a source with its entries and its subscription', async () => {
      const source = (await store.sources.findByUrl('https://paging.example/feed'))!;
      assert.equal(await store.sources.remove(source.id), true);
      assert.equal(await store.entries.count(source.id), 0);
      assert.equal(await store.subscriptions.get(source.id), null);
      assert.equal(await store.sources.remove(source.id), false);
    });

    it('lists an author’s and a tag’s entries, newest first, page by page, and forgets removed ones', async () => {
      const source = await store.sources.add({ feedUrl: 'https://facets.example/feed' }, t0);
      await store.entries.saveRefresh(
        source.id,
        [
          entry(41, {
            url: 'https://facets.example/41',
            author: 'Ada Lovelace and Grace Hopper',
            categories: ['Science', 'Éducation'],
          }),
          entry(42, { url: 'https://facets.example/42', author: 'Grace Hopper', categories: ['science'] }),
          entry(43, { url: 'https://facets.example/43', author: 'Alan Turing', categories: [] }),
        ],
        {},
        t0,
      );
      const grace = await store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 1 });
      assert.deepEqual(
        grace.entries.map((e) => e.url),
        ['https://facets.example/41'],
      );
      assert.ok(grace.next);
      const more = await store.entries.list({
        facet: { kind: 'author', key: 'grace-hopper' },
        limit: 1,
        before: grace.next,
      });
      assert.deepEqual(
        more.entries.map((e) => e.url),
        ['https://facets.example/42'],
      );
      assert.equal(more.next, null);
      assert.equal(
        (await store.entries.list({ facet: { kind: 'tag', key: 'education' }, limit: 10 })).entries.length,
        1,
      );
      assert.equal(await store.entries.facetLabel('tag', 'science'), 'Science');
      assert.equal(await store.entries.facetLabel('author', 'nobody'), null);
      const top = await store.entries.topFacets('tag', 5);
      assert.equal(top.find((t) => t.key === 'science')?.count, 2);
      assert.ok(
        top.every((t, i) => i === 0 || top[i - 1]!.count >= t.count),
        'the most used first',
      );

      // A changed entry moves to its new author; a removed one leaves every listing.
      await store.entries.saveRefresh(
        source.id,
        [
          entry(42, {
            url: 'https://facets.example/42',
            author: 'Alan Turing',
            categories: ['science'],
            contentHash: 'changed',
          }),
        ],
        {},
        t0,
      );
      assert.equal(
        (await store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 10 })).entries
          .length,
        1,
      );
      assert.equal(
        (await store.entries.list({ facet: { kind: 'author', key: 'alan-turing' }, limit: 10 })).entries
          .length,
        2,
      );
      await store.rights.grant(
        {
          kind: 'url',
          urlKey: 'facets.example/41',
          sourceId: null,
          author: null,
          domain: null,
          reason: 'r',
          actor: 'a',
        },
        t0,
      );
      assert.equal(
        (await store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 10 })).entries
          .length,
        0,
      );
      assert.equal(await store.entries.facetLabel('tag', 'education'), null);
    });

    it('searches titles, authors and text: stems, phrases, filters, ranking and highlighted snippets', async () => {
      const source = await store.sources.add({ feedUrl: 'https://search.example/feed' }, t0);
      const other = await store.sources.add({ feedUrl: 'https://search-other.example/feed' }, t0);
      const day = 86_400_000;
      await store.entries.saveRefresh(
        source.id,
        [
          entry(51, {
            url: 'https://search.example/51',
            title: 'Rivers freezing from the bottom',
            contentHtml: '<p>Anchor ice forms on the <b>riverbed</b> when the water is mixed &amp; cold.</p>',
            publishedAt: new Date(t0.getTime() - 300 * day),
          }),
          entry(52, {
            url: 'https://search.example/52',
            title: 'Harbour news',
            contentHtml:
              '<p>The ferry timetable changes; the river froze near the pier. Café owners cheered.</p>',
            publishedAt: new Date(t0.getTime() - day),
          }),
        ],
        {},
        t0,
      );
      await store.entries.saveRefresh(
        other.id,
        [
          entry(53, {
            url: 'https://search-other.example/53',
            title: 'Frozen rivers elsewhere',
            contentHtml: '<p>Ice.</p>',
          }),
        ],
        {},
        t0,
      );
      const search = (text: string, extra: Partial<SearchQuery> = {}) =>
        store.entries.search({ text, order: 'relevance', limit: 10, offset: 0, now: t0, ...extra });

      const stemmed = await search('freeze river');
      assert.deepEqual(
        stemmed.hits.map((h) => h.entry.url),
        ['https://search.example/51'],
        'freezing is freeze to a Porter stemmer (froze is not), and rivers is river',
      );
      const frozen = await search('rivers');
      assert.equal(frozen.total, 3);
      assert.equal(frozen.hits[0]!.entry.title, 'Frozen rivers elsewhere', 'a title match ranks first');
      const phrase = await search('"anchor ice"');
      assert.equal(phrase.hits.length, 1);
      assert.match(
        phrase.hits[0]!.snippet,
        /^<mark>Anchor ice<\/mark> forms on the riverbed when the water is mixed &amp; cold\.$/,
      );
      assert.equal((await search('"ice anchor"')).hits.length, 0);
      assert.equal((await search('cafe')).hits.length, 1, 'diacritics do not matter');
      assert.equal((await search('ferry', { sourceId: other.id })).hits.length, 0);
      assert.equal((await search('rivers', { sourceId: other.id })).hits.length, 1);
      assert.equal((await search('river', { since: new Date(t0.getTime() - 2 * day) })).hits.length, 2);
      assert.deepEqual(
        (await search('river', { until: new Date(t0.getTime() - 2 * day) })).hits.map((h) => h.entry.url),
        ['https://search.example/51'],
      );
      assert.equal((await search('rivers -elsewhere')).total, 2);
      assert.deepEqual((await search('-only')).hits, []);
      const recent = await search('river OR rivers', { order: 'recent' });
      assert.ok(recent.hits.every((h, i) => i === 0 || recent.hits[i - 1]!.entry.sortAt >= h.entry.sortAt));

      // An updated entry is found by its new words only; a removed one is found no more.
      await store.entries.saveRefresh(
        source.id,
        [
          entry(52, {
            url: 'https://search.example/52',
            title: 'Harbour news',
            contentHtml: '<p>Gulls.</p>',
            contentHash: 'v2',
          }),
        ],
        {},
        t0,
      );
      assert.equal((await search('ferry')).hits.length, 0);
      assert.equal((await search('gulls')).hits.length, 1);
      await store.rights.grant(
        {
          kind: 'url',
          urlKey: 'search.example/51',
          sourceId: null,
          author: null,
          domain: null,
          reason: 'r',
          actor: 'a',
        },
        t0,
      );
      assert.equal((await search('anchor')).hits.length, 0);
      await store.sources.remove(other.id);
      assert.equal((await search('elsewhere')).hits.length, 0, 'nor are the entries of a removed source');
    });

    it('indexes the search text an entry comes with, made where it was prepared', async () => {
      const source = await store.sources.add({ feedUrl: 'https://prepared.example/feed' }, t0);
      await store.entries.saveRefresh(
        source.id,
        [
          {
            ...entry(71, { url: 'https://prepared.example/71', contentHtml: '<p>Harbour</p>' }),
            searchText: 'Harbour zeppelinology',
          },
        ],
        {},
        t0,
      );
      const found = await store.entries.search({
        text: 'zeppelinology',
        order: 'relevance',
        limit: 10,
        offset: 0,
        now: t0,
      });
      assert.deepEqual(
        found.hits.map((h) => h.entry.url),
        ['https://prepared.example/71'],
      );
      await store.sources.remove(source.id);
    });

    it('leaves out of a longer search the single words most articles contain, and says so', async () => {
      const source = await store.sources.add({ feedUrl: 'https://breeze.example/feed' }, t0);
      // "zephyr" is in far more than half of the store: more entries than this suite ever stored before.
      const many = 3000;
      assert.ok((await store.entries.count()) < 500);
      const breezy = Array.from({ length: many }, (_, i) =>
        entry(2000 + i, {
          url: `https://breeze.example/${i}`,
          title: `Zephyr report ${i}`,
          contentHtml: '<p>A light zephyr.</p>',
          publishedAt: new Date(t0.getTime() - (i + 10) * 60_000),
        }),
      );
      await store.entries.saveRefresh(
        source.id,
        [
          ...breezy,
          entry(1990, {
            url: 'https://breeze.example/both',
            title: 'Gale and zephyr',
            contentHtml: '<p>Wind.</p>',
          }),
          entry(1991, { url: 'https://breeze.example/gale', title: 'A gale', contentHtml: '<p>Wind.</p>' }),
        ],
        {},
        t0,
      );
      const search = (text: string, extra: Partial<SearchQuery> = {}) =>
        store.entries.search({ text, order: 'relevance', limit: 5, offset: 0, now: t0, ...extra });

      const loose = await search('zephyr gale');
      assert.deepEqual(loose.ignored, ['zephyr']);
      assert.deepEqual(loose.hits.map((h) => h.entry.url).sort(), [
        'https://breeze.example/both',
        'https://breeze.example/gale',
      ]);
      assert.match(loose.hits[0]!.snippet + loose.hits[1]!.snippet, /Wind/);
      const quoted = await search('"zephyr" gale');
      assert.deepEqual(quoted.ignored, [], 'a word in quotes is always kept');
      assert.deepEqual(
        quoted.hits.map((h) => h.entry.url),
        ['https://breeze.example/both'],
      );
      assert.equal(
        (await search('zephyr gale', { sourceId: source.id })).hits.length,
        2,
        'with a filter too',
      );

      const alone = await search('zephyr');
      assert.deepEqual(alone.ignored, [], 'a search of common words only keeps them');
      assert.equal(alone.total, SEARCH_COUNT_LIMIT);
      assert.ok(alone.moreThanTotal);
      assert.ok(
        alone.hits.every((h, i) => i === 0 || alone.hits[i - 1]!.entry.sortAt >= h.entry.sortAt),
        'and, since bm25 weighs them at nearly nothing, is in date order',
      );
      assert.equal(alone.hits[0]!.entry.url, 'https://breeze.example/both');
      await store.sources.remove(source.id);
    });

    const newRequest = (n: number, patch: Partial<NewTakedownRequest> = {}) => ({
      name: 'Ada Lovelace',
      email: 'ada@requests.example',
      capacity: 'author' as const,
      scope: 'article' as const,
      urls: [`https://requests.example/${n}`],
      author: null,
      message: 'Please remove <b>this</b>.',
      signature: 'Ada Lovelace',
      verifyToken: `verify-${n}`,
      ...patch,
    });
    const notice = (to: string, subject: string): Notice => ({ to, subject, text: subject });

    it('files a takedown request with its audit line and its notices in one step', async () => {
      const request = await store.takedowns.create(
        newRequest(1),
        { reference: 'TD-0000000A', statusTokenHash: 'hash-a' },
        t0,
        (r) => [notice(r.email, `receipt ${r.reference}`), notice('ops@site.example', 'new')],
      );
      assert.equal(request.state, 'received');
      assert.deepEqual(request.urls, ['https://requests.example/1']);
      assert.equal((await store.takedowns.findByReference('TD-0000000A'))?.id, request.id);
      assert.equal((await store.takedowns.findByStatusToken('hash-a'))?.id, request.id);
      assert.equal(await store.takedowns.findByStatusToken('hash-b'), null);
      assert.deepEqual(
        (await store.takedowns.list({ state: 'received', limit: 10 })).map((r) => r.reference),
        ['TD-0000000A'],
      );
      const due = await store.outbox.due(t0, 10);
      assert.deepEqual(
        due.map((n) => [n.to, n.subject]),
        [
          ['ada@requests.example', 'receipt TD-0000000A'],
          ['ops@site.example', 'new'],
        ],
      );
      assert.equal((await store.rights.auditLog(1))[0]?.action, 'request.received');
    });

    it('does not file a request when its notices cannot be written', async () => {
      await assert.rejects(
        store.takedowns.create(
          newRequest(2),
          { reference: 'TD-0000000B', statusTokenHash: 'hash-b' },
          t0,
          () => {
            throw new Error('notice failed');
          },
        ),
      );
      assert.equal(await store.takedowns.findByReference('TD-0000000B'), null, 'nothing half-written');
    });

    it('grants a request once: rules, removal and tombstones, the decision, and its notice together', async () => {
      const source = await store.sources.add({ feedUrl: 'https://requests.example/feed' }, t0);
      await store.entries.saveRefresh(
        source.id,
        [
          entry(31, { url: 'https://requests.example/1?utm_source=x' }),
          entry(32, { url: 'https://requests.example/2' }),
        ],
        {},
        t0,
      );
      const request = (await store.takedowns.findByReference('TD-0000000A'))!;
      const rule = {
        kind: 'url' as const,
        urlKey: 'requests.example/1',
        sourceId: null,
        author: null,
        domain: null,
        reason: 'takedown request TD-0000000A',
        actor: '',
      };
      const preview = await store.rights.preview([rule], 10);
      assert.equal(preview.count, 1);
      assert.equal(preview.entries[0]?.url, 'https://requests.example/1?utm_source=x');

      const outcome = await store.takedowns.grant(
        request.id,
        [rule],
        { actor: 'operator ada', reason: 'clear case' },
        {},
        t0,
        (o) => [notice(o.request.email, `granted ${o.removed}`)],
      );
      assert.ok(outcome);
      assert.equal(outcome.removed, 1);
      assert.equal(outcome.request.state, 'granted');
      assert.equal(outcome.request.decidedBy, 'operator ada');
      assert.deepEqual(outcome.request.ruleIds, [outcome.rules[0]!.id]);
      assert.equal(outcome.rules[0]!.requestId, request.id);
      assert.equal(outcome.rules[0]!.actor, 'operator ada');
      assert.equal(await store.entries.count(source.id), 1);
      assert.equal((await store.outbox.due(t0, 10)).at(-1)?.subject, 'granted 1');

      const twice = await store.takedowns.grant(
        request.id,
        [rule],
        { actor: 'x', reason: 'y' },
        {},
        t0,
        () => [],
      );
      assert.equal(twice, null, 'a decided request is not decided again');
      assert.equal(await store.takedowns.reject(request.id, { actor: 'x', reason: 'y' }, t0, () => []), null);
      assert.equal((await store.rights.listRules()).filter((r) => r.requestId === request.id).length, 1);
    });

    it('takes counter-notices; upholding one revokes the rules of its request', async () => {
      const request = (await store.takedowns.findByReference('TD-0000000A'))!;
      const filed = await store.takedowns.fileCounterNotice(
        {
          requestId: request.id,
          name: 'Bob',
          email: 'bob@writer.example',
          address: '1 Main St',
          explanation: 'It is mine.',
          signature: 'Bob',
        },
        { reference: 'CN-0000000A', statusTokenHash: 'hash-cn' },
        t0,
        (c, r) => [notice(c.email, 'receipt'), notice(r.email, `copy of ${c.reference}`)],
      );
      assert.equal(filed.state, 'received');
      assert.equal((await store.takedowns.findCounterNoticeByStatusToken('hash-cn'))?.id, filed.id);
      assert.deepEqual(
        (await store.takedowns.counterNoticesOf(request.id)).map((c) => c.reference),
        ['CN-0000000A'],
      );
      const decided = await store.takedowns.decideCounterNotice(
        filed.id,
        true,
        { actor: 'operator ada', reason: 'licensed' },
        t0,
        (c) => [notice(c.email, `decided ${c.state}`)],
      );
      assert.equal(decided?.state, 'upheld');
      const rule = await store.rights.getRule(request.ruleIds[0]!);
      assert.ok(rule?.revokedAt, 'the rule is revoked');
      assert.match(rule.revokeReason ?? '', /CN-0000000A/);
      assert.equal(
        await store.takedowns.decideCounterNotice(filed.id, false, { actor: 'x', reason: 'y' }, t0, () => []),
        null,
      );
    });

    it('rejects a request with its reason', async () => {
      const request = await store.takedowns.create(
        newRequest(3),
        { reference: 'TD-0000000C', statusTokenHash: 'hash-c' },
        t0,
        () => [],
      );
      const rejected = await store.takedowns.reject(
        request.id,
        { actor: 'cli', reason: 'not the author' },
        t0,
        (r) => [notice(r.email, 'rejected')],
      );
      assert.equal(rejected?.state, 'rejected');
      assert.equal(rejected?.decisionReason, 'not the author');
      await store.takedowns.recordVerification(request.id, 'Not verified: no token', t0);
      assert.equal((await store.takedowns.get(request.id))?.lastVerifyResult, 'Not verified: no token');
    });

    it('sends notices once and retries failed ones later', async () => {
      const due = await store.outbox.due(t0, 100);
      assert.ok(due.length >= 2);
      const [first, second] = due;
      await store.outbox.markSent(first!.id, t0);
      await store.outbox.markFailed(second!.id, 'connection refused', new Date(t0.getTime() + 60_000));
      const later = await store.outbox.due(t0, 100);
      assert.ok(!later.some((n) => n.id === first!.id || n.id === second!.id));
      const retried = (await store.outbox.due(new Date(t0.getTime() + 60_000), 100)).find(
        (n) => n.id === second!.id,
      );
      assert.equal(retried?.attempts, 1);
      assert.equal(retried?.lastError, 'connection refused');
      assert.equal(await store.outbox.pending(), due.length - 1);
    });

    it('gives each due notice to one sender at a time, and to another once the first one’s hold runs out', async () => {
      const late = new Date(t0.getTime() + 86_400_000);
      const waiting = await store.outbox.due(late, 100);
      assert.ok(waiting.length >= 1);
      const [a, b] = await Promise.all([
        store.outbox.claim(late, 100, 60_000),
        store.outbox.claim(late, 100, 60_000),
      ]);
      const ids = [...a, ...b].map((n) => n.id).sort((x, y) => x - y);
      assert.deepEqual(
        ids,
        waiting.map((n) => n.id).sort((x, y) => x - y),
        'every due notice, once',
      );
      assert.deepEqual(await store.outbox.claim(late, 100, 60_000), [], 'held');
      const again = await store.outbox.claim(new Date(late.getTime() + 60_000), 100, 60_000);
      assert.equal(again.length, waiting.length, 'a sender that died lets go when its hold runs out');
    });

    it('keeps operators, locks one after repeated failures, and ends sessions', async () => {
      const user = await store.users.add('Ada', 'hash-1', t0);
      await assert.rejects(
        store.users.add('ada', 'hash-2', t0),
        (error: unknown) => error instanceof StoreError && error.code === 'store.duplicate-user',
        'names compare without case',
      );
      assert.equal((await store.users.findByName('ADA'))?.passwordHash, 'hash-1');
      const lockUntil = new Date(t0.getTime() + 900_000);
      const attempt = () => store.users.beginSignIn(user.id, t0, 3, lockUntil);
      assert.deepEqual(await attempt(), { admitted: true, lockedUntil: null, locked: false });
      assert.deepEqual(await attempt(), { admitted: true, lockedUntil: null, locked: false });
      assert.deepEqual(await attempt(), { admitted: true, lockedUntil: lockUntil, locked: true });
      assert.deepEqual(await attempt(), { admitted: false, lockedUntil: lockUntil, locked: false });
      // Attempts made at once are counted one by one: three are let through, the rest refused.
      const later = new Date(lockUntil.getTime() + 1);
      const lockAgain = new Date(later.getTime() + 900_000);
      const together = await Promise.all(
        Array.from({ length: 8 }, () => store.users.beginSignIn(user.id, later, 3, lockAgain)),
      );
      assert.equal(together.filter((a) => a.admitted).length, 3);
      assert.equal(together.filter((a) => a.locked).length, 1);
      // A right password clears the lock its own attempt made, and no other.
      const third = together.find((a) => a.locked)!;
      await store.users.recordSuccess(
        user.id,
        later,
        together.find((a) => a.admitted && !a.locked)!,
      );
      assert.deepEqual(
        (await store.users.findByName('Ada'))?.lockedUntil,
        lockAgain,
        'a lock others made stays',
      );
      await store.users.recordSuccess(user.id, later, third);
      assert.equal((await store.users.findByName('Ada'))?.lockedUntil, null, 'its own goes');
      assert.equal((await store.users.findByName('Ada'))?.failedLogins, 0);

      await store.users.createSession(user.id, 'session-1', 'csrf-1', t0, new Date(t0.getTime() + 3_600_000));
      const session = await store.users.session('session-1', t0);
      assert.equal(session?.user.name, 'Ada');
      assert.equal(session?.csrfToken, 'csrf-1');
      assert.equal(
        await store.users.session('session-1', new Date(t0.getTime() + 3_600_000)),
        null,
        'expired',
      );
      assert.equal(await store.users.setPassword('ada', 'hash-3'), true);
      assert.equal(await store.users.session('session-1', t0), null, 'a new password ends every session');
      const after = await store.users.findByName('Ada');
      assert.equal(after?.lockedUntil, null, 'and lifts the lockout');
      assert.equal(after?.passwordHash, 'hash-3');
      await store.users.createSession(user.id, 'session-2', 'csrf-2', t0, new Date(t0.getTime() + 1000));
      assert.equal(await store.users.purgeSessions(new Date(t0.getTime() + 1000)), 1);
      assert.equal(await store.users.remove('ada'), true);
      assert.deepEqual(await store.users.list(), []);
    });

    it('makes a secret once and gives every caller the same one', async () => {
      const [a, b] = await Promise.all([store.secret('form'), store.secret('form')]);
      assert.equal(a, b);
      assert.match(a, /^[0-9a-f]{64}$/);
      assert.notEqual(await store.secret('other'), a);
    });

    it('queues the pages of a full-text source’s new entries and gives each to one worker at a time', async () => {
      const source = await store.sources.add(
        {
          feedUrl: 'https://full.example/feed.xml',
          fullText: true,
          scraperSelector: 'article .body',
          scraperRemove: ['.share', '.related'],
        },
        t0,
      );
      assert.equal(source.scraperSelector, 'article .body');
      assert.deepEqual(source.scraperRemove, ['.share', '.related']);
      const other = await store.sources.add({ feedUrl: 'https://summary.example/feed.xml' }, t0);
      const pageOf = (n: number) => `https://full.example/story/${n}`;
      await store.entries.saveRefresh(
        source.id,
        [
          entry(1, {
            guid: 'full:1',
            url: pageOf(1),
            contentHtml: null,
            summaryHtml: '<p>Teaser of glacier</p>',
          }),
          entry(2, { guid: 'full:2', url: pageOf(2) }),
          entry(3, { guid: 'full:3', url: null }),
        ],
        {},
        t0,
      );
      await store.entries.saveRefresh(other.id, [entry(4, { guid: 'summary:4' })], {}, t0);
      assert.equal(await store.extractions.pending(), 2, 'the entries of full-text sources that have a page');

      const [a, b] = await Promise.all([
        store.extractions.claim(t0, 1, { claimMs: 60_000, perHost: 10 }),
        store.extractions.claim(t0, 5, { claimMs: 60_000, perHost: 10 }),
      ]);
      const claimed = [...a, ...b].sort((x, y) => x.entryId - y.entryId);
      assert.deepEqual(
        claimed.map((t) => t.url),
        [pageOf(1), pageOf(2)],
        'each page once, across claimers',
      );
      assert.deepEqual(claimed[0]!.remove, ['.share', '.related']);
      assert.equal(claimed[0]!.selector, 'article .body');
      assert.equal(claimed[0]!.feedHtml, '<p>Teaser of glacier</p>', 'the summary, when there is no content');
      assert.deepEqual(
        await store.extractions.claim(t0, 5, { claimMs: 60_000, perHost: 10 }),
        [],
        'claimed pages are not due',
      );
      const later = new Date(t0.getTime() + 61_000);
      assert.equal(
        (await store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 })).length,
        2,
        'a claim runs out',
      );

      const [one, two] = claimed;
      await store.extractions.finish(
        one!.entryId,
        {
          state: 'done',
          html: '<p>The whole article about a moraine</p>',
          searchText: 'The whole article about a moraine',
        },
        later,
      );
      await store.extractions.finish(
        two!.entryId,
        { state: 'pending', note: 'fetch.timeout: too slow', retryAt: new Date(later.getTime() + 600_000) },
        later,
      );
      const stored = await store.entries.get(one!.entryId);
      assert.equal(stored?.articleHtml, '<p>The whole article about a moraine</p>');
      const found = await store.entries.search({
        text: 'moraine',
        order: 'recent',
        limit: 10,
        offset: 0,
        now: later,
      });
      assert.deepEqual(
        found.hits.map((h) => h.entry.id),
        [one!.entryId],
        'the article is searched',
      );
      // A refresh that changes the entry keeps its article, and its search text.
      await store.entries.saveRefresh(
        source.id,
        [entry(1, { guid: 'full:1', url: pageOf(1), title: 'Retitled', contentHash: 'hash-1c' })],
        {},
        later,
      );
      assert.equal(
        (await store.entries.get(one!.entryId))?.articleHtml,
        '<p>The whole article about a moraine</p>',
      );
      const again = await store.entries.search({
        text: 'moraine',
        order: 'recent',
        limit: 10,
        offset: 0,
        now: later,
      });
      assert.equal(again.hits.length, 1);

      assert.deepEqual(
        await store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 }),
        [],
        'a retry waits for its time',
      );
      const retry = await store.extractions.claim(new Date(later.getTime() + 600_000), 5, {
        claimMs: 60_000,
        perHost: 10,
      });
      assert.equal(retry[0]?.attempts, 1);
      await store.extractions.finish(
        two!.entryId,
        { state: 'kept-feed', note: 'extract.too-short: a teaser' },
        later,
      );

      const summary = await store.extractions.summary(source.id, 10);
      assert.deepEqual(summary.counts, { pending: 0, done: 1, 'kept-feed': 1 });
      assert.equal(
        summary.recent.find((l) => l.entryId === two!.entryId)?.note,
        'extract.too-short: a teaser',
      );
      assert.equal(summary.recent.find((l) => l.entryId === two!.entryId)?.attempts, 2);

      // Re-running the rules queues the newest entries again, whatever their state.
      assert.equal(await store.extractions.requeue(source.id, 10, later), 2, 'the two that have a page');
      assert.equal((await store.extractions.summary(source.id, 10)).counts.pending, 2);
      // At most `perHost` pages of one host at a time, across claimers.
      const perHostAt = new Date(later.getTime() + 3_600_000);
      const first = await store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 });
      const second = await store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 });
      assert.equal(first.length, 1, 'one page of full.example');
      assert.equal(second.length, 0, 'its host has no free slot');
      await store.extractions.finish(first[0]!.entryId, { state: 'kept-feed', note: 'x' }, perHostAt);
      assert.equal(
        (await store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 })).length,
        1,
        'a slot freed',
      );
      // Turned off, a source's pages wait; removed, they go with it.
      await store.sources.update(source.id, { fullText: false });
      assert.deepEqual(await store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 }), []);
      await store.sources.remove(source.id);
      assert.equal(await store.extractions.pending(), 0);
    });

    it('stores a feed of 100,000 entries, checks it against the rules, and matches it again', async () => {
      const source = await store.sources.add({ feedUrl: 'https://huge-feed.example/feed' }, t0);
      const many = Array.from({ length: 100_000 }, (_, i) =>
        entry(200_000 + i, { summaryHtml: null, contentHtml: null, categories: [] }),
      );
      // A rule on one of its addresses: every entry's address is checked against the rules.
      const { rule } = await store.rights.grant(
        {
          kind: 'url',
          sourceId: null,
          author: null,
          domain: null,
          urlKey: urlKey('https://publisher.example/200007'),
          reason: 'asked',
          actor: 'test',
        },
        t0,
      );
      const first = await store.entries.saveRefresh(source.id, many, {}, t0);
      assert.deepEqual(first, { inserted: 99_999, updated: 0, unchanged: 0, suppressed: 1 });
      assert.equal(await store.entries.count(source.id), 99_999);
      const again = await store.entries.saveRefresh(source.id, many, {}, t0);
      assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 99_999, suppressed: 1 });
      await store.rights.revoke(rule.id, 'done', 'test', t0);
      await store.sources.remove(source.id);
    });
  });
}
