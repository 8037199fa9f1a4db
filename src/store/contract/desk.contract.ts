import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ContractContext } from './context.js';
import { NOTICE_GIVEN_UP, noticeState } from '../../model/takedown.js';

/** What the operator's desk reads and changes: withheld entries, the review queue, health, roles. */
export function deskContract(c: ContractContext): void {
  const { t0, entry } = c;
  const day = 86_400_000;

  it('hides an entry from every public listing, search and facet at once, and shows it again', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://hide.example/feed' }, t0);
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(301, {
          url: 'https://hide.example/301',
          title: 'Glacier retreat measured',
          author: 'Hidden Hal',
        }),
        entry(302, { url: 'https://hide.example/302', title: 'Harbour opens', author: 'Hidden Hal' }),
      ],
      {},
      t0,
    );
    const [first] = (await c.store.entries.list({ sourceId: source.id, limit: 10 })).entries;
    assert.equal(first!.title, 'Glacier retreat measured');
    const changesBefore = await c.store.pageChanges(-1, 100_000);
    const lastBefore = changesBefore.at(-1)?.id ?? -1;

    assert.equal(await c.store.entries.setWithheld([first!.id], 'hidden', 'operator ada', t0), 1);
    assert.equal(
      await c.store.entries.setWithheld([first!.id], 'hidden', 'operator ada', t0),
      0,
      'hiding twice changes nothing',
    );
    const titles = async (q: Parameters<Store['entries']['list']>[0]) =>
      (await c.store.entries.list(q)).entries.map((e) => e.title);
    assert.deepEqual(await titles({ sourceId: source.id, limit: 10 }), ['Harbour opens']);
    assert.ok(!(await titles({ limit: 100 })).includes('Glacier retreat measured'));
    assert.deepEqual(await titles({ facet: { kind: 'author', key: 'hidden-hal' }, limit: 10 }), [
      'Harbour opens',
    ]);
    const found = await c.store.entries.search({
      text: 'glacier',
      order: 'recent',
      limit: 10,
      offset: 0,
      now: t0,
    });
    assert.equal(found.total, 0, 'a hidden entry is not searched');
    assert.equal((await c.store.entries.get(first!.id))?.withheld, 'hidden', 'the desk still reads it');
    assert.deepEqual(await titles({ sourceId: source.id, limit: 10, includeWithheld: true }), [
      'Glacier retreat measured',
      'Harbour opens',
    ]);
    const listed = (await c.store.sources.list()).find((s) => s.id === source.id)!;
    assert.equal(listed.entryCount, 1, 'public counts leave it out');
    const changes = (await c.store.pageChanges(lastBefore, 100)).flatMap((ch) => ch.tags);
    assert.ok(
      changes.includes(`entry:${first!.id}`),
      `its page is dropped from every cache: ${changes.join(' ')}`,
    );
    assert.ok(changes.includes('author:hidden-hal'));
    const hidden = await c.store.entries.listWithheld({ withheld: 'hidden', limit: 10, offset: 0 });
    assert.deepEqual(
      hidden.entries.map((e) => e.id),
      [first!.id],
    );
    assert.equal(hidden.total, 1);

    // The feed brings it again, edited: it is rewritten and stays hidden.
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(301, {
          url: 'https://hide.example/301',
          title: 'Glacier retreat measured again',
          author: 'Hidden Hal',
          contentHash: 'edited',
        }),
      ],
      {},
      t0,
    );
    assert.equal((await c.store.entries.get(first!.id))?.withheld, 'hidden');
    assert.equal(
      (await c.store.entries.search({ text: 'glacier', order: 'recent', limit: 10, offset: 0, now: t0 }))
        .total,
      0,
      'an edit does not index it again',
    );

    assert.equal(await c.store.entries.setWithheld([first!.id], null, 'operator ada', t0), 1);
    assert.deepEqual(await titles({ sourceId: source.id, limit: 10 }), [
      'Glacier retreat measured again',
      'Harbour opens',
    ]);
    assert.equal(
      (await c.store.entries.search({ text: 'glacier', order: 'recent', limit: 10, offset: 0, now: t0 }))
        .total,
      1,
    );
    assert.deepEqual(await titles({ facet: { kind: 'author', key: 'hidden-hal' }, limit: 10 }), [
      'Glacier retreat measured again',
      'Harbour opens',
    ]);
    const log = (await c.store.rights.auditLog(10)).filter((l) => l.detail.includes(`entry ${first!.id} `));
    assert.deepEqual(
      log.map((l) => [l.actor, l.action]),
      [
        ['operator ada', 'show'],
        ['operator ada', 'hide'],
      ],
    );
  });

  it('holds a source’s new entries for review until they are published', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://hold.example/feed' }, t0);
    await c.store.sources.update(source.id, { holdNew: true });
    assert.equal((await c.store.sources.get(source.id))?.holdNew, true);
    const result = await c.store.entries.saveRefresh(
      source.id,
      [entry(311, { url: 'https://hold.example/311', title: 'Held back', author: 'Holden' })],
      {},
      t0,
    );
    assert.equal(result.inserted, 1);
    assert.deepEqual((await c.store.entries.list({ sourceId: source.id, limit: 10 })).entries, []);
    assert.deepEqual(
      (await c.store.entries.list({ facet: { kind: 'author', key: 'holden' }, limit: 10 })).entries,
      [],
    );
    const held = await c.store.entries.listWithheld({
      withheld: 'held',
      sourceId: source.id,
      limit: 10,
      offset: 0,
    });
    assert.deepEqual(
      held.entries.map((e) => e.title),
      ['Held back'],
    );
    const [health] = (await c.store.sources.desk({ text: 'hold.example', limit: 10, offset: 0 })).sources;
    assert.equal(health?.heldCount, 1);
    assert.equal(await c.store.entries.setWithheld([held.entries[0]!.id], null, 'operator ada', t0), 1);
    assert.deepEqual(
      (await c.store.entries.list({ facet: { kind: 'author', key: 'holden' }, limit: 10 })).entries.map(
        (e) => e.title,
      ),
      ['Held back'],
    );
    const log = await c.store.rights.auditLog(1);
    assert.equal(log[0]?.action, 'publish');
  });

  it('lists sources for the desk: failing first, filtered, searched, with their health and checks by day', async () => {
    const bad = await c.store.sources.add(
      { feedUrl: 'https://desk-bad.example/feed', name: 'Zulu Daily' },
      t0,
    );
    const off = await c.store.sources.add(
      { feedUrl: 'https://desk-off.example/feed', name: 'Yankee Post' },
      t0,
    );
    const good = await c.store.sources.add(
      { feedUrl: 'https://desk-good.example/feed', name: 'Alpha News' },
      t0,
    );
    await c.store.sources.update(off.id, { status: 'disabled', consecutiveFailures: 9 });
    const check = (at: Date, outcome: 'stored' | 'failed', durationMs: number) => ({
      startedAt: at,
      durationMs,
      outcome,
      url: 'https://desk-bad.example/feed',
      httpStatus: outcome === 'failed' ? 500 : 200,
      bytes: null,
      inserted: 0,
      updated: 0,
      errorCode: outcome === 'failed' ? 'fetch.http-status' : null,
      message: null,
    });
    await c.store.sources.recordCheck(
      bad.id,
      { consecutiveFailures: 1 },
      check(new Date(t0.getTime() - 2 * day), 'stored', 100),
    );
    await c.store.sources.recordCheck(
      bad.id,
      { consecutiveFailures: 1 },
      check(new Date(t0.getTime() - 2 * day + 60_000), 'failed', 300),
    );
    await c.store.sources.recordCheck(bad.id, { consecutiveFailures: 2 }, check(t0, 'failed', 50));
    await c.store.entries.saveRefresh(
      good.id,
      [entry(321, { url: 'https://desk-good.example/321' })],
      {},
      t0,
    );

    const all = await c.store.sources.desk({ text: 'desk-', limit: 10, offset: 0 });
    assert.deepEqual(
      all.sources.map((s) => s.name),
      ['Yankee Post', 'Zulu Daily', 'Alpha News'],
      'disabled, then failing, then by name',
    );
    assert.equal(all.total, 3);
    assert.equal(all.sources[1]!.meanFetchMs, 150);
    assert.equal(all.sources[2]!.entryCount, 1);
    const failing = await c.store.sources.desk({ text: 'DESK-', status: 'failing', limit: 10, offset: 0 });
    assert.deepEqual(
      failing.sources.map((s) => s.id),
      [off.id, bad.id],
    );
    const paged = await c.store.sources.desk({ text: 'desk-', limit: 1, offset: 2 });
    assert.deepEqual(
      paged.sources.map((s) => s.id),
      [good.id],
    );
    assert.equal(paged.total, 3);
    assert.equal(
      (await c.store.sources.desk({ text: '100%_', limit: 10, offset: 0 })).total,
      0,
      'LIKE’s wildcards are words',
    );

    const days = await c.store.sources.days(bad.id, new Date(t0.getTime() - 30 * day));
    assert.deepEqual(
      days.map((d) => [d.checks, d.failures, d.meanDurationMs, d.maxDurationMs]),
      [
        [2, 1, 200, 300],
        [1, 1, 50, 50],
      ],
    );
    assert.equal(days[0]!.day.getTime() % day, 0, 'a day starts at midnight UTC');

    const perDay = await c.store.entries.perDay(good.id, new Date(t0.getTime() - 30 * day));
    assert.deepEqual(
      perDay.map((d) => d.count),
      [1],
    );
    assert.ok((await c.store.entries.countSince(new Date(t0.getTime() - day))) >= 1);
  });

  it('keeps each user’s role, and changes it', async () => {
    const editor = await c.store.users.add('Edna', 'hash', t0, 'editor');
    assert.equal(editor.role, 'editor');
    assert.equal((await c.store.users.findByName('edna'))?.role, 'editor');
    assert.equal(await c.store.users.setRole('EDNA', 'rights'), true);
    assert.equal((await c.store.users.list()).find((u) => u.name === 'Edna')?.role, 'rights');
    assert.equal(await c.store.users.setRole('nobody', 'admin'), false);
    assert.equal((await c.store.users.add('Admira', 'hash', t0)).role, 'admin', 'administrator by default');
  });

  it('lists the outbox by state for the desk, and retries a notice that was given up on', async () => {
    const unsent = await c.store.outbox.list({ sent: false, limit: 100, offset: 0 });
    assert.ok(unsent.notices.length >= 1, 'the takedown contract left notices');
    assert.ok(unsent.notices.every((n) => n.sentAt === null));
    const target = unsent.notices[0]!;
    await c.store.outbox.markFailed(target.id, 'mailbox full', NOTICE_GIVEN_UP);
    const summary = await c.store.outbox.summary();
    const states = (await c.store.outbox.list({ sent: false, limit: 100, offset: 0 })).notices.map(
      noticeState,
    );
    assert.deepEqual(summary, {
      waiting: states.filter((s) => s === 'waiting').length,
      failing: states.filter((s) => s === 'failing').length,
      givenUp: states.filter((s) => s === 'given-up').length,
    });
    assert.ok(summary.givenUp >= 1);
    assert.equal(noticeState((await c.store.outbox.get(target.id))!), 'given-up');

    assert.equal(await c.store.outbox.retry([target.id], t0), 1);
    const retried = (await c.store.outbox.get(target.id))!;
    assert.equal(retried.nextAttemptAt.getTime(), t0.getTime());
    assert.equal(noticeState(retried), 'failing', 'tried before, due again');
    assert.ok((await c.store.outbox.due(t0, 100)).some((n) => n.id === target.id));

    await c.store.outbox.markSent(target.id, t0);
    assert.equal(await c.store.outbox.retry([target.id], t0), 0, 'a sent notice is not sent again');
    const sent = await c.store.outbox.list({ sent: true, limit: 100, offset: 0 });
    assert.ok(sent.notices.some((n) => n.id === target.id && n.sentAt?.getTime() === t0.getTime()));
    assert.equal(sent.total, sent.notices.length);
    assert.equal(await c.store.outbox.get(999_999), null);
  });

  it('keeps the site settings saved from the desk, each save one audit line and a change of every page', async () => {
    assert.deepEqual(await c.store.settings.all(), {});
    const last = async () => (await c.store.pageChanges(-1, 100_000)).at(-1);
    const before = (await last())?.id ?? 0;
    const changed = await c.store.settings.save(
      { name: '"Riverside Digest"', menu: '[{"label":"Politics","url":"/tags/politics"}]', operator: null },
      'ada',
      t0,
    );
    assert.deepEqual(changed, ['name', 'menu'], 'removing a key that is not there changes nothing');
    assert.deepEqual(await c.store.settings.all(), {
      name: '"Riverside Digest"',
      menu: '[{"label":"Politics","url":"/tags/politics"}]',
    });
    const change = await last();
    assert.ok(change && change.id > before);
    assert.deepEqual(change.tags, ['*']);
    const [line] = await c.store.rights.auditLog(1);
    assert.deepEqual([line?.actor, line?.action, line?.detail], ['ada', 'change-settings', 'name, menu']);

    assert.deepEqual(await c.store.settings.save({ name: '"Riverside Digest"' }, 'ada', t0), []);
    assert.equal((await last())?.id, change.id, 'a save that changes nothing writes nothing');
    assert.deepEqual(await c.store.settings.save({ name: '"River News"', menu: null }, 'bo', t0), [
      'name',
      'menu',
    ]);
    assert.deepEqual(await c.store.settings.all(), { name: '"River News"' });
    await c.store.settings.save({ name: null }, 'bo', t0);
  });
}

type Store = ContractContext['store'];
