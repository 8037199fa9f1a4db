import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Subscription } from '../../model/subscription.js';
import type { ContractContext } from './context.js';

/** The polling queue and its claims, WebSub subscriptions, and the listings. */
export function queueAndListingsContract(c: ContractContext): void {
  const { t0, entry } = c;

  it('lists the sources that have articles, without counting them', async () => {
    const empty = await c.store.sources.add({ feedUrl: 'https://empty.example/feed' }, t0);
    const publishing = await c.store.sources.listPublishing();
    const counted = (await c.store.sources.list()).filter((s) => s.entryCount > 0);
    assert.deepEqual(
      publishing.map((s) => s.id),
      counted.map((s) => s.id),
    );
    assert.ok(publishing.length > 0);
    assert.ok(!publishing.some((s) => s.id === empty.id));
    // The sections that have an article, with every source in them, for the menu and section pages.
    await c.store.sources.update(empty.id, { section: 'Empty' });
    await c.store.sources.update(publishing[0]!.id, { section: 'World' });
    const sections = async () => await c.store.sources.publishingSections();
    assert.ok((await sections()).some((s) => s.id === publishing[0]!.id && s.section === 'World'));
    assert.ok(
      !(await sections()).some((s) => s.section === 'Empty'),
      'a section without an article is not listed',
    );
    await c.store.sources.update(empty.id, { section: 'World' });
    assert.ok((await sections()).some((s) => s.id === empty.id && s.section === 'World'));
    await c.store.sources.update(publishing[0]!.id, { section: publishing[0]!.section });
    await c.store.sources.update(empty.id, { section: null });
  });

  it('lists due sources soonest first, active ones only', async () => {
    const later = new Date(t0.getTime() + 3_600_000);
    const paused = await c.store.sources.add({ feedUrl: 'https://paused.example/feed' }, t0);
    await c.store.sources.update(paused.id, { status: 'paused' });
    const all = await c.store.sources.list();
    for (const s of all) await c.store.sources.update(s.id, { nextCheckAt: later });
    const soon = all.find((s) => s.feedUrl === 'https://paging.example/feed')!;
    await c.store.sources.update(soon.id, { nextCheckAt: t0 });
    const due = await c.store.sources.listDue(new Date(t0.getTime() + 1), 10);
    assert.deepEqual(
      due.map((s) => s.id),
      [soon.id],
    );
    const dueLater = await c.store.sources.listDue(later, 10);
    assert.ok(!dueLater.some((s) => s.id === paused.id), 'a paused source is never due');
    assert.equal(dueLater[0]?.id, soon.id);
    const active = await c.store.sources.listActive();
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
      added.push(await c.store.sources.add({ feedUrl: `https://busy.example/${i}` }, tc));
    for (let i = 0; i < 6; i++)
      added.push(await c.store.sources.add({ feedUrl: `https://quiet${i}.example/feed` }, tc));
    const failing = added[1]!;
    await c.store.sources.update(failing.id, { consecutiveFailures: 3 });

    const [a, b] = await Promise.all([
      c.store.sources.claimDue('poller-a', tc, 4, options),
      c.store.sources.claimDue('poller-b', tc, 20, options),
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
      await c.store.sources.claimDue('poller-c', tc, 20, options),
      [],
      'nothing is left to claim',
    );

    // A check recorded ends its claim: the host has a free slot again.
    await c.store.sources.recordCheck(
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
    const next = await c.store.sources.claimDue('poller-c', tc, 20, options);
    assert.equal(next.length, 1);
    assert.ok(next[0]!.feedUrl.startsWith('https://busy.example/'));

    // A poller that stopped gives its claims up; one that died holds them until they run out.
    assert.equal(await c.store.sources.releaseClaims('poller-c'), 1);
    assert.equal((await c.store.sources.claimDue('poller-d', tc, 20, options)).length, 1);
    const expired = new Date(tc.getTime() + options.claimMs);
    const takenOver = await c.store.sources.claimDue('poller-e', expired, 20, options);
    assert.equal(
      takenOver.length,
      8,
      'every due source again (two of the busy host), once the claims ran out',
    );
    for (const s of added) await c.store.sources.remove(s.id);
  });

  it('counts the polling queue: sources by status, due ones, and those being checked', async () => {
    const tq = new Date('2019-06-01T00:00:00Z');
    const before = await c.store.sources.queue(tq);
    const statusBefore = await c.store.sources.countByStatus();
    const added = [];
    for (let i = 0; i < 4; i++)
      added.push(await c.store.sources.add({ feedUrl: `https://queue${i}.example/feed` }, tq));
    await c.store.sources.update(added[3]!.id, { status: 'paused' });
    await c.store.sources.update(added[2]!.id, { nextCheckAt: new Date(tq.getTime() + 3_600_000) });
    const mid = await c.store.sources.queue(tq);
    assert.deepEqual(await c.store.sources.countByStatus(), {
      ...statusBefore,
      active: statusBefore.active + 3,
      paused: statusBefore.paused + 1,
    });
    assert.equal(mid.due, before.due + 2, 'a paused source, or one checked later, is not due');
    const claimed = await c.store.sources.claimDue('poller-q', tq, 100, { claimMs: 60_000, perHost: 16 });
    assert.ok(claimed.length >= 2);
    const during = await c.store.sources.queue(tq);
    assert.equal(during.claimed, before.claimed + claimed.length);
    assert.equal(during.due, mid.due - claimed.length, 'a source being checked is no longer waiting');
    await c.store.sources.releaseClaims('poller-q');
    assert.equal((await c.store.sources.queue(tq)).claimed, before.claimed);
    for (const s of added) await c.store.sources.remove(s.id);
  });

  it('claims each config seed once', async () => {
    assert.deepEqual(await c.store.sources.claimConfigSeeds(['a', 'b'], t0), ['a', 'b']);
    assert.deepEqual(await c.store.sources.claimConfigSeeds(['b', 'c'], t0), ['c']);
  });

  it('keeps one WebSub subscription per source, changes it only in the states asked, and lists renewals', async () => {
    const source = (await c.store.sources.findByUrl('https://paging.example/feed'))!;
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
    await c.store.subscriptions.put(sub);
    assert.deepEqual(await c.store.subscriptions.get(source.id), sub);
    assert.deepEqual(await c.store.subscriptions.findByToken('token-1'), sub);
    assert.equal(await c.store.subscriptions.findByToken('token-2'), null);

    await c.store.subscriptions.put({ ...sub, token: 'token-2', hub: 'https://other-hub.example/' });
    assert.equal((await c.store.subscriptions.get(source.id))?.hub, 'https://other-hub.example/', 'replaced');
    assert.equal(await c.store.subscriptions.findByToken('token-1'), null);

    const expires = new Date(t0.getTime() + 86_400_000);
    assert.equal(await c.store.subscriptions.update(source.id, { state: 'failed' }, ['active']), false);
    assert.equal(
      await c.store.subscriptions.update(source.id, { state: 'active', expiresAt: expires, attempts: 0 }, [
        'requested',
      ]),
      true,
    );
    const active = (await c.store.subscriptions.get(source.id))!;
    assert.equal(active.state, 'active');
    assert.deepEqual(active.expiresAt, expires);
    assert.equal(active.attempts, 0);

    await c.store.subscriptions.recordPush(source.id, t0, null);
    await c.store.subscriptions.recordPush(source.id, t0, 'bad signature');
    const counted = (await c.store.subscriptions.get(source.id))!;
    assert.equal(counted.pushes, 1);
    assert.equal(counted.rejectedPushes, 1);
    assert.deepEqual(counted.lastPushAt, t0);
    assert.equal(counted.lastError, 'bad signature');

    assert.deepEqual(await c.store.subscriptions.listDue(t0, 10), []);
    assert.deepEqual(
      (await c.store.subscriptions.listDue(new Date(t0.getTime() + 3_600_000), 10)).map((s) => s.sourceId),
      [source.id],
    );
  });

  it('removes a source with its entries and its subscription', async () => {
    const source = (await c.store.sources.findByUrl('https://paging.example/feed'))!;
    assert.equal(await c.store.sources.remove(source.id), true);
    assert.equal(await c.store.entries.count(source.id), 0);
    assert.equal(await c.store.subscriptions.get(source.id), null);
    assert.equal(await c.store.sources.remove(source.id), false);
  });

  it('lists an author’s and a tag’s entries, newest first, page by page, and forgets removed ones', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://facets.example/feed' }, t0);
    await c.store.entries.saveRefresh(
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
    const grace = await c.store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 1 });
    assert.deepEqual(
      grace.entries.map((e) => e.url),
      ['https://facets.example/41'],
    );
    assert.ok(grace.next);
    const more = await c.store.entries.list({
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
      (await c.store.entries.list({ facet: { kind: 'tag', key: 'education' }, limit: 10 })).entries.length,
      1,
    );
    assert.equal(await c.store.entries.facetLabel('tag', 'science'), 'Science');
    assert.equal(await c.store.entries.facetLabel('author', 'nobody'), null);
    const top = await c.store.entries.topFacets('tag', 5);
    assert.equal(top.find((t) => t.key === 'science')?.count, 2);
    assert.ok(
      top.every((t, i) => i === 0 || top[i - 1]!.count >= t.count),
      'the most used first',
    );

    // A changed entry moves to its new author; a removed one leaves every listing.
    await c.store.entries.saveRefresh(
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
      (await c.store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 10 })).entries
        .length,
      1,
    );
    assert.equal(
      (await c.store.entries.list({ facet: { kind: 'author', key: 'alan-turing' }, limit: 10 })).entries
        .length,
      2,
    );
    await c.store.rights.grant(
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
      (await c.store.entries.list({ facet: { kind: 'author', key: 'grace-hopper' }, limit: 10 })).entries
        .length,
      0,
    );
    assert.equal(await c.store.entries.facetLabel('tag', 'education'), null);
  });
}
