import assert from 'node:assert/strict';
import { it } from 'node:test';
import { urlKey } from '../../model/identity.js';
import type { ContractContext } from './context.js';

/** A wire story of a hundred-odd words, and a different story on the same topic. */
const FERRY_STORY = [
  'The harbour authority said on Monday that the night ferry to the islands will stop running from the first of November.',
  'Fewer than forty passengers a night used the service last winter, and the old vessel needs repairs that would cost more than it earns.',
  'Islanders who work late shifts on the mainland said they would have no way home, and called on the regional council to step in.',
  'The authority said it would talk to the council about a smaller boat, but could promise nothing before the spring timetable.',
  'A day ferry will keep running every two hours, and the first crossing will leave half an hour earlier to make up for the change.',
];
const FERRY_REACTION = [
  'Islanders packed the village hall on Wednesday evening to protest against the end of the night ferry, which they say will cut them off.',
  'The nurse who organised the meeting said that a dozen people on her street alone depend on the late crossing to get back from work.',
  'Council members who came to listen promised a study of the costs, and a reply to a petition that has gathered two thousand names.',
  'The harbour authority did not send anyone to the meeting, which ended with a vote to march on the regional offices next month.',
];
const html = (paragraphs: readonly string[]) => paragraphs.map((p) => `<p>${p}</p>`).join('');

/** Stories: one article carried by several sources is listed once, the earliest copy first (sql/stories.ts). */
export function storiesContract(c: ContractContext): void {
  const { t0, entry } = c;
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  it('folds copies of one article from several sources into one story, listed once, the earliest first', async () => {
    const wire = await c.store.sources.add({ feedUrl: 'https://wire.stories.example/feed.xml' }, t0);
    const gazette = await c.store.sources.add({ feedUrl: 'https://gazette.stories.example/feed.xml' }, t0);
    const planet = await c.store.sources.add({ feedUrl: 'https://planet.stories.example/feed.xml' }, t0);
    const sourceIds = [wire.id, gazette.id, planet.id];
    const listed = async () =>
      (await c.store.entries.list({ sourceIds, limit: 50, oncePerStory: true })).entries
        .map((e) => e.guid)
        .sort();
    const idOf = async (sourceId: number, guid: string) =>
      (await c.store.entries.list({ sourceId, limit: 50, includeWithheld: true })).entries.find(
        (e) => e.guid === guid,
      )!.id;

    await c.store.entries.saveRefresh(
      wire.id,
      [
        entry(901, {
          url: 'https://wire.stories.example/ferry',
          contentHtml: html(FERRY_STORY),
          publishedAt: at(1),
        }),
      ],
      {},
      at(1),
    );
    // The gazette runs the wire story under its own template, cut by a paragraph, with a note; and
    // the islanders' reaction, a different text on the same news.
    await c.store.entries.saveRefresh(
      gazette.id,
      [
        entry(902, {
          url: 'https://gazette.stories.example/news/ferry?utm_source=rss',
          contentHtml:
            '<p>Gazette | News | Islands | Weather</p>' +
            html(FERRY_STORY.slice(0, 4)) +
            '<p>This story was supplied by the wire service and edited by the Gazette.</p>',
          publishedAt: at(5),
        }),
        entry(903, {
          url: 'https://gazette.stories.example/news/hall',
          contentHtml: html(FERRY_REACTION),
          publishedAt: at(6),
        }),
      ],
      {},
      at(6),
    );
    // A planet reaches the wire's page through its own feed: the same address, a summary only.
    await c.store.entries.saveRefresh(
      planet.id,
      [
        entry(904, {
          url: 'https://wire.stories.example/ferry#top',
          contentHtml: null,
          summaryHtml: '<p>Night ferry to stop.</p>',
          publishedAt: at(8),
        }),
      ],
      {},
      at(8),
    );

    assert.deepEqual(
      await listed(),
      ['urn:entry:901', 'urn:entry:903'],
      'the story once, the other text apart',
    );
    const original = await idOf(wire.id, 'urn:entry:901');
    const copies = await c.store.stories.copies(original);
    assert.deepEqual(
      copies.map((copy) => copy.entry.guid),
      ['urn:entry:901', 'urn:entry:902', 'urn:entry:904'],
      'earliest first',
    );
    assert.equal(copies[0]!.note, null);
    assert.match(copies[1]!.note ?? '', /% of the text in common with entry \d+/);
    assert.match(
      copies[2]!.note ?? '',
      new RegExp(`same address \\(${urlKey('https://wire.stories.example/ferry')}\\)`),
    );
    const story = copies[0]!.entry.story!;
    assert.deepEqual((await c.store.stories.carriers([story])).get(story), [wire.id, gazette.id, planet.id]);
    // The desk's list of stories: every copy, newest story first, paged back by story id.
    const recent = (await c.store.stories.recent({ limit: 50 })).find((s) => s.story === story);
    assert.deepEqual(
      recent?.copies.map((copy) => copy.entry.guid),
      ['urn:entry:901', 'urn:entry:902', 'urn:entry:904'],
    );
    assert.deepEqual(
      (await c.store.stories.members(story)).map((copy) => copy.entry.id),
      recent?.copies.map((copy) => copy.entry.id),
    );
    assert.equal(
      (await c.store.stories.recent({ limit: 50, before: story })).some((s) => s.story === story),
      false,
    );
    // A source's own listing keeps all its articles.
    assert.equal((await c.store.entries.list({ sourceId: planet.id, limit: 10 })).entries.length, 1);
    // Search lists the story once.
    const found = await c.store.entries.search({
      text: 'night ferry islands',
      limit: 20,
      offset: 0,
      order: 'recent',
      now: at(8),
    });
    assert.equal(found.hits.filter((h) => h.entry.story === story).length, 1);
    const everyCopy = await c.store.entries.search({
      text: 'night ferry islands',
      limit: 20,
      offset: 0,
      order: 'recent',
      now: at(8),
      oncePerStory: false,
    });
    assert.equal(
      everyCopy.hits.filter((h) => h.entry.story === story).length,
      2,
      'the desk finds every copy with text',
    );

    // Hidden, the original gives its place to the next copy; shown again, takes it back.
    await c.store.entries.setWithheld([original], 'hidden', 'test', at(9));
    assert.deepEqual(await listed(), ['urn:entry:902', 'urn:entry:903']);
    await c.store.entries.setWithheld([original], null, 'test', at(9));
    assert.deepEqual(await listed(), ['urn:entry:901', 'urn:entry:903']);

    // Split by hand, a copy stands alone for good; merged by hand, two stories are one.
    const gazetteCopy = await idOf(gazette.id, 'urn:entry:902');
    assert.equal(await c.store.stories.split(gazetteCopy, 'ana', at(10)), true);
    assert.deepEqual(await listed(), ['urn:entry:901', 'urn:entry:902', 'urn:entry:903']);
    assert.equal(await c.store.stories.split(gazetteCopy, 'ana', at(10)), false, 'already alone');
    const reaction = await idOf(gazette.id, 'urn:entry:903');
    assert.equal(await c.store.stories.merge(reaction, original, 'ana', at(11)), 1);
    assert.deepEqual(await listed(), ['urn:entry:901', 'urn:entry:902']);
    const merged = (await c.store.stories.copies(reaction)).find((copy) => copy.entry.id === reaction);
    assert.match(merged?.note ?? '', /merged by ana with entry/);
    assert.match((await c.store.rights.auditLog(1))[0]!.detail, /into story/);
    await c.store.stories.split(reaction, 'ana', at(12));

    // A takedown of the planet's copy of the wire's text takes that copy alone: the story stays.
    const planetCopy = await idOf(planet.id, 'urn:entry:904');
    const granted = await c.store.rights.grant(
      {
        kind: 'source',
        sourceId: planet.id,
        urlKey: null,
        author: null,
        domain: null,
        reason: 'asked by the planet',
        actor: 'test',
      },
      at(13),
    );
    assert.equal(granted.removed, 1);
    assert.equal(await c.store.entries.get(planetCopy), null);
    assert.deepEqual(
      (await c.store.stories.copies(original)).map((copy) => copy.entry.guid),
      ['urn:entry:901'],
      'the gazette’s copy was split off; the wire’s original stays',
    );
    assert.ok(await c.store.entries.get(original));
    assert.equal(
      (await c.store.stories.recent({ limit: 50 })).some((s) => s.story === story),
      false,
      'a story of one copy is not listed',
    );
    await c.store.rights.revoke(granted.rule.id, 'done', 'test', at(14));
    for (const s of [wire, gazette, planet]) await c.store.sources.remove(s.id);
  });

  it('joins two copies that came before their original into one story when the original comes', async () => {
    const wire = await c.store.sources.add({ feedUrl: 'https://wire3.stories.example/feed.xml' }, t0);
    const gazette = await c.store.sources.add({ feedUrl: 'https://gazette3.stories.example/feed.xml' }, t0);
    const planet = await c.store.sources.add({ feedUrl: 'https://planet3.stories.example/feed.xml' }, t0);
    // The planet links to the wire's page with a summary, the gazette prints the text: nothing in
    // common between the two, until the wire's own entry, which both are copies of, arrives.
    await c.store.entries.saveRefresh(
      planet.id,
      [
        entry(921, {
          url: 'https://wire3.stories.example/ferry?utm_source=planet',
          contentHtml: null,
          summaryHtml: '<p>Night ferry to stop.</p>',
          publishedAt: at(2),
        }),
      ],
      {},
      at(2),
    );
    await c.store.entries.saveRefresh(
      gazette.id,
      [
        entry(922, {
          url: 'https://gazette3.stories.example/ferry',
          contentHtml: html(FERRY_STORY),
          publishedAt: at(3),
        }),
      ],
      {},
      at(3),
    );
    await c.store.entries.saveRefresh(
      wire.id,
      [
        entry(923, {
          url: 'https://wire3.stories.example/ferry',
          contentHtml: html(FERRY_STORY),
          publishedAt: at(1),
        }),
      ],
      {},
      at(4),
    );
    const listed = (
      await c.store.entries.list({
        sourceIds: [wire.id, gazette.id, planet.id],
        limit: 50,
        oncePerStory: true,
      })
    ).entries;
    assert.deepEqual(
      listed.map((e) => e.guid),
      ['urn:entry:923'],
      'one story, led by the original, the earliest',
    );
    const copies = await c.store.stories.copies(listed[0]!.id);
    assert.deepEqual(
      copies.map((copy) => copy.entry.guid),
      ['urn:entry:923', 'urn:entry:921', 'urn:entry:922'],
    );
    // The planet's copy began the story (the wire's joined it at its address); the gazette's was
    // alone, and says what it is a copy of.
    assert.match(copies[0]!.note ?? '', /^same address/);
    assert.equal(copies[1]!.note, null);
    assert.match(
      copies[2]!.note ?? '',
      new RegExp(`% of the text in common with entry ${copies[0]!.entry.id}$`),
    );
    for (const s of [wire, gazette, planet]) await c.store.sources.remove(s.id);
  });

  it('takes down every copy with the original when the text is the removed one’s', async () => {
    const wire = await c.store.sources.add({ feedUrl: 'https://wire2.stories.example/feed.xml' }, t0);
    const gazette = await c.store.sources.add({ feedUrl: 'https://gazette2.stories.example/feed.xml' }, t0);
    await c.store.entries.saveRefresh(
      wire.id,
      [
        entry(911, {
          url: 'https://wire2.stories.example/ferry',
          contentHtml: html(FERRY_STORY),
          publishedAt: at(1),
        }),
      ],
      {},
      at(1),
    );
    // In one refresh, a post, the same post again, and a copy of the wire's text.
    await c.store.entries.saveRefresh(
      gazette.id,
      [
        entry(912, {
          url: 'https://gazette2.stories.example/a',
          contentHtml: html(FERRY_REACTION),
          publishedAt: at(2),
        }),
        // The gazette's feed carries its own post twice, under two guids.
        entry(913, {
          url: 'https://gazette2.stories.example/b',
          contentHtml: html(FERRY_REACTION),
          publishedAt: at(3),
        }),
        entry(914, {
          url: 'https://gazette2.stories.example/c',
          contentHtml: html(FERRY_STORY),
          publishedAt: at(4),
        }),
      ],
      {},
      at(4),
    );
    const listed = (
      await c.store.entries.list({ sourceIds: [wire.id, gazette.id], limit: 50, oncePerStory: true })
    ).entries;
    assert.deepEqual(listed.map((e) => e.guid).sort(), ['urn:entry:911', 'urn:entry:912']);
    const original = listed.find((e) => e.guid === 'urn:entry:911')!;
    const granted = await c.store.rights.grant(
      {
        kind: 'url',
        sourceId: null,
        urlKey: urlKey('https://wire2.stories.example/ferry'),
        author: null,
        domain: null,
        reason: 'asked by the wire',
        actor: 'test',
      },
      at(5),
    );
    assert.equal(granted.removed, 2);
    assert.equal(granted.copies, 1);
    assert.equal(await c.store.entries.get(original.id), null);
    await c.store.rights.revoke(granted.rule.id, 'done', 'test', at(6));
    for (const s of [wire, gazette]) await c.store.sources.remove(s.id);
  });
}
