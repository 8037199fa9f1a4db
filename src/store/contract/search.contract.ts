import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SEARCH_COUNT_LIMIT, type SearchQuery } from '../store.js';
import type { ContractContext } from './context.js';

/** Search: stems, phrases, filters, ranking, highlights and bounded work. */
export function searchContract(c: ContractContext): void {
  const { t0, entry } = c;

  it('searches titles, authors and text: stems, phrases, filters, ranking and highlighted snippets', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://search.example/feed' }, t0);
    const other = await c.store.sources.add({ feedUrl: 'https://search-other.example/feed' }, t0);
    const day = 86_400_000;
    await c.store.entries.saveRefresh(
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
    await c.store.entries.saveRefresh(
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
      c.store.entries.search({ text, order: 'relevance', limit: 10, offset: 0, now: t0, ...extra });

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
    await c.store.entries.saveRefresh(
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
    await c.store.rights.grant(
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
    await c.store.sources.remove(other.id);
    assert.equal((await search('elsewhere')).hits.length, 0, 'nor are the entries of a removed source');
  });

  it('indexes the search text an entry comes with, made where it was prepared', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://prepared.example/feed' }, t0);
    await c.store.entries.saveRefresh(
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
    const found = await c.store.entries.search({
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
    await c.store.sources.remove(source.id);
  });

  it('leaves out of a longer search the single words most articles contain, and says so', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://breeze.example/feed' }, t0);
    // "zephyr" is in far more than half of the store: more entries than this suite ever stored before.
    const many = 3000;
    assert.ok((await c.store.entries.count()) < 500);
    const breezy = Array.from({ length: many }, (_, i) =>
      entry(2000 + i, {
        url: `https://breeze.example/${i}`,
        title: `Zephyr report ${i}`,
        contentHtml: '<p>A light zephyr.</p>',
        publishedAt: new Date(t0.getTime() - (i + 10) * 60_000),
      }),
    );
    await c.store.entries.saveRefresh(
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
      c.store.entries.search({ text, order: 'relevance', limit: 5, offset: 0, now: t0, ...extra });

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
    assert.equal((await search('zephyr gale', { sourceId: source.id })).hits.length, 2, 'with a filter too');

    const alone = await search('zephyr');
    assert.deepEqual(alone.ignored, [], 'a search of common words only keeps them');
    assert.equal(alone.total, SEARCH_COUNT_LIMIT);
    assert.ok(alone.moreThanTotal);
    assert.ok(
      alone.hits.every((h, i) => i === 0 || alone.hits[i - 1]!.entry.sortAt >= h.entry.sortAt),
      'and, since bm25 weighs them at nearly nothing, is in date order',
    );
    assert.equal(alone.hits[0]!.entry.url, 'https://breeze.example/both');
    await c.store.sources.remove(source.id);
  });
}
