import assert from 'node:assert/strict';
import { it } from 'node:test';
import { urlKey } from '../../model/identity.js';
import type { ContractContext } from './context.js';

/** A story of a hundred-odd words, in paragraphs, as a feed's HTML carries it. */
export const BRIDGE_STORY = [
  'The city council voted on Tuesday to close the old river bridge for eight months of repairs, starting in March next year.',
  'Engineers found cracks in two of the steel beams that carry the road deck during an inspection last autumn, the council said.',
  'Buses will take a detour through the northern ring road, adding about ten minutes to the journey into the town centre.',
  'Shop owners on the east bank said they feared losing customers, and asked the council for help with parking while the work lasts.',
  'The mayor said the work could not wait any longer, and promised that the footpaths would stay open throughout the repairs.',
];
const OTHER_STORY = [
  'A colony of rare bats has been found in the roof of the village church, delighting the naturalists of the county.',
  'The lesser horseshoe bats, which weigh less than a coin, had not been recorded in the county for several decades.',
  'Volunteers will count them at dusk each evening this summer, using detectors that pick up their high-pitched calls.',
  'The church will postpone repairs to its roof until the young bats are old enough to leave the roost in the autumn.',
];
const html = (paragraphs: readonly string[]) => paragraphs.map((p) => `<p>${p}</p>`).join('');
/** What a republishing site wraps a copy in. */
const TEMPLATE_TOP = '<p>Valley Courier | Home | News | Sport | Weather</p>';
const TEMPLATE_END =
  '<p>This story first appeared on the Riverside Post and is republished under a syndication agreement.</p>';

/** A removed text's copies, kept out by their fingerprints whatever their address, byline or source (sql/prints.ts). */
export function copiesContract(c: ContractContext): void {
  const { t0, entry } = c;
  const text = (n: number, body: string, patch = {}) =>
    entry(n, { contentHtml: body, summaryHtml: null, contentHash: `copy-${n}`, ...patch });

  it('removes a removed text’s copies stored elsewhere, keeps later ones out, and lets them in once no rule covers the article', async () => {
    const post = await c.store.sources.add({ feedUrl: 'https://post.example/feed.xml' }, t0);
    const courier = await c.store.sources.add({ feedUrl: 'https://courier.example/feed.xml' }, t0);
    const wire = await c.store.sources.add({ feedUrl: 'https://wire.example/feed.xml' }, t0);
    await c.store.entries.saveRefresh(
      post.id,
      [
        text(71, html(BRIDGE_STORY), {
          url: 'https://post.example/bridge-repairs.html',
          author: 'Ada Lovelace',
        }),
        text(72, html(OTHER_STORY), { url: 'https://post.example/bats.html', author: 'Ada Lovelace' }),
      ],
      {},
      t0,
    );
    await c.store.entries.saveRefresh(
      courier.id,
      [
        // The courier's copies come after the post's originals: the texts are the post's.
        text(73, TEMPLATE_TOP + html(BRIDGE_STORY) + TEMPLATE_END, {
          url: 'https://courier.example/news/bridge',
          author: 'Courier staff',
          publishedAt: t0,
        }),
        text(74, TEMPLATE_TOP + html(OTHER_STORY) + TEMPLATE_END, {
          url: 'https://courier.example/news/bats',
          publishedAt: t0,
        }),
      ],
      {},
      t0,
    );
    const idOf = async (sourceId: number, guid: string) =>
      (await c.store.entries.list({ sourceId, limit: 10, includeWithheld: true })).entries.find(
        (e) => e.guid === guid,
      )?.id ?? null;
    const courierCopy = await idOf(courier.id, 'urn:entry:73');
    assert.ok(courierCopy);
    const rule = {
      kind: 'url' as const,
      sourceId: null,
      author: null,
      domain: null,
      urlKey: urlKey('https://post.example/bridge-repairs.html'),
      reason: 'asked by its author',
      actor: 'test',
    };

    // Before granting, the operator sees the copy among what goes.
    const preview = await c.store.rights.preview([rule], 10);
    assert.equal(preview.count, 2);
    assert.equal(preview.copies, 1);
    assert.deepEqual(preview.entries.map((e) => e.guid).sort(), ['urn:entry:71', 'urn:entry:73']);
    assert.equal((await c.store.rights.preview([rule], 10, { copies: false })).count, 1);

    const granted = await c.store.rights.grant(rule, t0);
    assert.equal(granted.removed, 2);
    assert.equal(granted.copies, 1);
    assert.equal(await c.store.entries.get(courierCopy), null, 'the copy under another site is gone');
    assert.equal((await c.store.rights.tombstone(courierCopy))?.ruleId, granted.rule.id);
    assert.ok(await idOf(post.id, 'urn:entry:72'), 'another article of the same source stays');
    assert.ok(await idOf(courier.id, 'urn:entry:74'), 'another article under the same template stays');
    assert.match((await c.store.rights.auditLog(1))[0]!.detail, /1 of them copies of a removed text/);

    // A later copy, from another source, under a new address, guid and byline, edited: kept out.
    const edited = [
      "<p>Editor's note: this story was updated with the mayor's comments.</p>",
      ...[4, 2, 3, 0, 1].map((i) => `<p>${BRIDGE_STORY[i]!}</p>`),
    ].join('');
    const saved = await c.store.entries.saveRefresh(
      wire.id,
      [
        text(75, edited, {
          url: 'https://wire.example/2026/bridge-closure?utm_source=rss',
          author: 'Wire desk',
        }),
        text(76, html(OTHER_STORY).replace('bats', 'owls'), { url: 'https://wire.example/owls' }),
      ],
      {},
      t0,
    );
    assert.equal(saved.suppressed, 1);
    assert.equal(saved.inserted, 1);
    assert.equal(await idOf(wire.id, 'urn:entry:75'), null);
    // The rules list counts what each rule kept out, once an article however often it comes again.
    await c.store.entries.saveRefresh(wire.id, [text(75, edited, { url: 'https://wire.example/b' })], {}, t0);
    const listed = (await c.store.rights.listRules()).find((r) => r.id === granted.rule.id);
    assert.equal(listed?.removed, 2);
    assert.equal(listed?.keptOut, 1);

    // A copy that only its full text shows: removed when its article is extracted.
    const reader = await c.store.sources.add(
      { feedUrl: 'https://reader.example/feed.xml', fullText: true },
      t0,
    );
    await c.store.entries.saveRefresh(
      reader.id,
      [text(77, '<p>Bridge to close for repairs.</p>', { url: 'https://reader.example/p/77' })],
      {},
      t0,
    );
    const task = (await c.store.extractions.claim(t0, 10, { claimMs: 60_000, perHost: 10 })).find(
      (t) => t.url === 'https://reader.example/p/77',
    );
    assert.ok(task);
    await c.store.extractions.finish(
      task.entryId,
      { state: 'done', html: TEMPLATE_TOP + html(BRIDGE_STORY), searchText: BRIDGE_STORY.join(' ') },
      t0,
    );
    assert.equal(await c.store.entries.get(task.entryId), null, 'its extracted article is a copy');
    assert.match((await c.store.rights.auditLog(1))[0]!.detail, /its article is a copy of removed entry/);

    // Another rule covers the same article: revoking the first keeps its copies out all the same.
    const byAuthor = await c.store.rights.grant(
      { ...rule, kind: 'author', urlKey: null, sourceId: post.id, author: 'Ada Lovelace' },
      t0,
    );
    await c.store.rights.revoke(granted.rule.id, 'withdrawn', 'test', t0);
    const still = await c.store.entries.saveRefresh(
      wire.id,
      [text(78, edited, { url: 'https://wire.example/2026/bridge-again' })],
      {},
      t0,
    );
    assert.equal(still.suppressed, 1, 'the author rule still covers the article the text was');

    // No rule covers it any more: a copy may come in again.
    await c.store.rights.revoke(byAuthor.rule.id, 'withdrawn', 'test', t0);
    const again = await c.store.entries.saveRefresh(
      wire.id,
      [text(78, edited, { url: 'https://wire.example/2026/bridge-again' })],
      {},
      t0,
    );
    assert.equal(again.inserted, 1);

    // A rule granted later for the removed article knows its text: the stored copy goes.
    const later = await c.store.rights.grant(
      { ...rule, kind: 'domain', urlKey: null, domain: 'post.example' },
      t0,
    );
    assert.equal(later.copies, 1);
    assert.equal(await idOf(wire.id, 'urn:entry:78'), null);
    await c.store.rights.revoke(later.rule.id, 'done', 'test', t0);
    for (const s of [post, courier, wire, reader]) await c.store.sources.remove(s.id);
  });
}
