import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NO_INTAKE_RULES, type IntakeRules } from '../../model/intake.js';
import { UsageError } from '../../model/errors.js';
import type { ContractContext } from './context.js';

/**
 * The newsroom's controls: intake rules (what a source takes in, kept out of every page, and taken
 * back) and the per-source share of a listing page.
 */
export function newsroomContract(c: ContractContext): void {
  const { t0, entry } = c;
  const day = 86_400_000;
  const rules = (patch: Partial<IntakeRules>): IntakeRules => ({ ...NO_INTAKE_RULES, ...patch });
  const search = async (text: string) =>
    (await c.store.entries.search({ text, order: 'recent', limit: 10, offset: 0, now: t0 })).total;
  const publicTitles = async (sourceId: number) =>
    (await c.store.entries.list({ sourceId, limit: 100 })).entries.map((e) => e.title);

  it('stores what the rules keep out as filtered, with why, on no page and in no search', async () => {
    const source = await c.store.sources.add(
      {
        feedUrl: 'https://intake.example/feed',
        intake: rules({ exclude: ['title:quote*', 'category:sponsored'], maxAgeDays: 30 }),
      },
      t0,
    );
    assert.deepEqual(source.intake.exclude, ['title:quote*', 'category:sponsored']);
    const saved = await c.store.entries.saveRefresh(
      source.id,
      [
        entry(401, {
          url: 'https://intake.example/401',
          title: 'Harbour dredging starts',
          author: 'Intake Ida',
        }),
        entry(402, { url: 'https://intake.example/402', title: 'Quotes of the day', author: 'Intake Ida' }),
        entry(403, {
          url: 'https://intake.example/403',
          title: 'Best mattresses',
          categories: ['Sponsored'],
        }),
        entry(404, {
          url: 'https://intake.example/404',
          title: 'Old archive piece',
          publishedAt: new Date(t0.getTime() - 400 * day),
        }),
      ],
      {},
      t0,
    );
    assert.deepEqual(saved, { inserted: 4, updated: 0, unchanged: 0, suppressed: 0, filtered: 3 });
    assert.deepEqual(await publicTitles(source.id), ['Harbour dredging starts']);
    assert.equal(await search('mattresses'), 0, 'a filtered entry is not searched');
    assert.deepEqual(
      (await c.store.entries.list({ facet: { kind: 'author', key: 'intake-ida' }, limit: 10 })).entries.map(
        (e) => e.title,
      ),
      ['Harbour dredging starts'],
    );
    const filtered = await c.store.entries.listWithheld({
      withheld: 'filtered',
      sourceId: source.id,
      limit: 10,
      offset: 0,
    });
    assert.equal(filtered.total, 3);
    const why = new Map(filtered.entries.map((e) => [e.title, e.filter]));
    assert.deepEqual(why.get('Quotes of the day'), { kind: 'rule', why: 'exclude rule “title:quote*”' });
    assert.deepEqual(why.get('Best mattresses'), { kind: 'rule', why: 'exclude rule “category:sponsored”' });
    assert.equal(why.get('Old archive piece')?.kind, 'age');
    const hidden = await c.store.entries.listWithheld({
      withheld: 'hidden',
      sourceId: source.id,
      limit: 10,
      offset: 0,
    });
    assert.equal(hidden.total, 0, "the operator's hidden articles are another list");
  });

  it('takes at most the newest N new entries a check', async () => {
    const source = await c.store.sources.add(
      { feedUrl: 'https://limit.example/feed', intake: rules({ maxPerCheck: 2 }) },
      t0,
    );
    const feed = [5, 1, 4, 2, 3].map((n) =>
      entry(500 + n, { url: `https://limit.example/${n}`, title: `Limit ${n}` }),
    );
    const saved = await c.store.entries.saveRefresh(source.id, feed, {}, t0);
    assert.equal(saved.filtered, 3);
    // entry(n) is published n minutes before t0: 501 and 502 are the newest.
    assert.deepEqual(await publicTitles(source.id), ['Limit 1', 'Limit 2']);
    const again = await c.store.entries.saveRefresh(source.id, feed, {}, t0);
    assert.deepEqual(
      again,
      { inserted: 0, updated: 0, unchanged: 5, suppressed: 0 },
      'the rest are not taken later',
    );
  });

  it('applies changed rules at once to stored entries, both ways, and logs it', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://change.example/feed' }, t0);
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(601, {
          url: 'https://change.example/1',
          title: 'Election results are in',
          contentHtml: '<p>Turnout rose.</p>',
        }),
        entry(602, {
          url: 'https://change.example/2',
          title: 'Garden show',
          contentHtml: '<p>Roses and turnips.</p>',
        }),
        entry(603, {
          url: 'https://change.example/3',
          title: 'Town hall',
          contentHtml: '<p>The election date is set.</p>',
        }),
      ],
      {},
      t0,
    );
    const [garden] = (await c.store.entries.list({ sourceId: source.id, limit: 10 })).entries.filter(
      (e) => e.title === 'Garden show',
    );
    const lastBefore = (await c.store.pageChanges(-1, 100_000)).at(-1)?.id ?? -1;
    const applied = await c.store.entries.applyIntake(source.id, rules({ include: ['election'] }), 'ada', t0);
    assert.deepEqual(applied, { filtered: 1, restored: 0 });
    assert.deepEqual(await publicTitles(source.id), ['Election results are in', 'Town hall']);
    assert.equal(await search('turnips'), 0);
    const tags = (await c.store.pageChanges(lastBefore, 100)).flatMap((ch) => ch.tags);
    assert.ok(tags.includes(`entry:${garden!.id}`), `the filtered entry's page changes: ${tags.join(' ')}`);
    assert.deepEqual((await c.store.sources.get(source.id))?.intake.include, ['election']);
    assert.match(
      (await c.store.rights.auditLog(10)).find((a) => a.action === 'intake')?.detail ?? '',
      /include “election”; 1 article\(s\) filtered out, 0 back/,
    );

    assert.deepEqual(
      await c.store.entries.applyIntake(source.id, rules({ exclude: ['content:date'] }), 'ada', t0),
      {
        filtered: 1,
        restored: 1,
      },
    );
    assert.deepEqual(await publicTitles(source.id), ['Election results are in', 'Garden show']);
    assert.equal(await search('turnips'), 1, 'taken back into search');
    assert.deepEqual(await c.store.entries.applyIntake(source.id, NO_INTAKE_RULES, 'ada', t0), {
      filtered: 0,
      restored: 1,
    });
    assert.equal((await publicTitles(source.id)).length, 3);
    assert.equal((await c.store.sources.get(source.id))?.intake.exclude.length, 0);
  });

  it('leaves hidden, held and limit-filtered entries to the operator, and an operator decision wins', async () => {
    const source = await c.store.sources.add(
      { feedUrl: 'https://mixed.example/feed', intake: rules({ maxPerCheck: 1 }) },
      t0,
    );
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(701, { url: 'https://mixed.example/1', title: 'Newest' }),
        entry(702, { url: 'https://mixed.example/2', title: 'Second' }),
      ],
      {},
      t0,
    );
    const [second] = (
      await c.store.entries.listWithheld({ withheld: 'filtered', sourceId: source.id, limit: 10, offset: 0 })
    ).entries;
    assert.equal(second?.filter?.kind, 'limit');
    assert.deepEqual(
      await c.store.entries.applyIntake(
        source.id,
        rules({ maxPerCheck: 1, exclude: ['nothing'] }),
        'ada',
        t0,
      ),
      {
        filtered: 0,
        restored: 0,
      },
    );
    assert.equal(
      (await c.store.entries.get(second.id))?.withheld,
      'filtered',
      'a limit is not undone by a rule change',
    );
    assert.equal(
      await c.store.entries.setWithheld([second.id], null, 'ada', t0),
      1,
      'the operator publishes it',
    );
    const published = await c.store.entries.get(second.id);
    assert.equal(published?.withheld, null);
    assert.equal(published?.filter, null);
    assert.deepEqual(await publicTitles(source.id), ['Newest', 'Second']);
  });

  it('lets an edit in or out as the keyword rules read it', async () => {
    const source = await c.store.sources.add(
      { feedUrl: 'https://edit.example/feed', intake: rules({ exclude: ['advertorial'] }) },
      t0,
    );
    const first = entry(801, { url: 'https://edit.example/1', title: 'Bakery opens', contentHash: 'a' });
    await c.store.entries.saveRefresh(source.id, [first], {}, t0);
    assert.deepEqual(await publicTitles(source.id), ['Bakery opens']);
    await c.store.entries.saveRefresh(
      source.id,
      [{ ...first, title: 'Bakery opens (advertorial)', contentHash: 'b' }],
      {},
      t0,
    );
    assert.deepEqual(await publicTitles(source.id), [], 'the edit matches an exclude rule');
    assert.equal(await search('bakery'), 0);
    await c.store.entries.saveRefresh(
      source.id,
      [{ ...first, title: 'Bakery opens at last', contentHash: 'c' }],
      {},
      t0,
    );
    assert.deepEqual(
      await publicTitles(source.id),
      ['Bakery opens at last'],
      'and back when it no longer does',
    );
    assert.equal(await search('bakery'), 1);
  });

  it('refuses a rule it cannot read, and changes nothing', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://bad-rule.example/feed' }, t0);
    await assert.rejects(
      c.store.entries.applyIntake(source.id, rules({ exclude: ['"open'] }), 'ada', t0),
      (e: unknown) => e instanceof UsageError && /quote that is not closed/.test(e.message),
    );
    assert.deepEqual((await c.store.sources.get(source.id))?.intake, NO_INTAKE_RULES);
  });

  it('lists at most N entries of one source on a page, folding the rest of its span', async () => {
    const flood = await c.store.sources.add({ feedUrl: 'https://flood.example/feed' }, t0);
    const calm = await c.store.sources.add({ feedUrl: 'https://calm.example/feed' }, t0);
    // Newer than everything else in the contract: t0 + minutes.
    const at = (m: number) => new Date(t0.getTime() + 3_600_000 + m * 60_000);
    await c.store.entries.saveRefresh(
      flood.id,
      Array.from({ length: 12 }, (_, i) =>
        entry(900 + i, { url: `https://flood.example/${i}`, title: `Quote ${i}`, publishedAt: at(100 - i) }),
      ),
      {},
      at(200),
    );
    await c.store.entries.saveRefresh(
      calm.id,
      [0, 1, 2].map((i) =>
        entry(950 + i, {
          url: `https://calm.example/${i}`,
          title: `Calm ${i}`,
          publishedAt: at(50 - i * 40),
        }),
      ),
      {},
      at(200),
    );
    const first = await c.store.entries.list({ limit: 4, perSource: 2 });
    assert.deepEqual(
      first.entries.map((e) => e.title),
      ['Quote 0', 'Quote 1', 'Calm 0', 'Calm 1'],
    );
    assert.deepEqual(first.folded, [{ sourceId: flood.id, count: 10 }]);
    assert.ok(first.next, 'older entries follow');
    const second = await c.store.entries.list({ limit: 4, perSource: 2, before: first.next });
    assert.equal(
      second.entries[0]?.title,
      'Calm 2',
      'the next page starts after the span the first one read',
    );
    const plain = await c.store.entries.list({ limit: 4 });
    assert.deepEqual(
      plain.entries.map((e) => e.title),
      ['Quote 0', 'Quote 1', 'Quote 2', 'Quote 3'],
      'without a share, the flood fills the page',
    );
    // Newer than everything: a span of one source alone.
    const lone = await c.store.sources.add({ feedUrl: 'https://lone.example/feed' }, t0);
    const later = (m: number) => new Date(t0.getTime() + 5 * 3_600_000 + m * 60_000);
    await c.store.entries.saveRefresh(
      lone.id,
      Array.from({ length: 40 }, (_, i) =>
        entry(1000 + i, {
          url: `https://lone.example/${i}`,
          title: `Lone ${i}`,
          publishedAt: later(100 - i),
        }),
      ),
      {},
      later(200),
    );
    const few = await c.store.entries.list({ limit: 3, perSource: 1 });
    assert.deepEqual(
      few.entries.map((e) => e.title),
      ['Lone 0', 'Lone 1', 'Lone 2'],
      'a span of one source is not left short: the share rises until the page is full',
    );
    assert.deepEqual(few.folded, []);
    const next = await c.store.entries.list({ limit: 3, perSource: 1, before: few.next });
    assert.equal(next.entries[0]?.title, 'Lone 3', 'and nothing is skipped');
  });
}
