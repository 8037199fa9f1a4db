import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { EntryInput } from '../model/entry.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

const t0 = new Date('2026-05-01T08:00:00Z');

/** The site over a store, with some of its settings changed; a page's status and text. */
function siteOf(store: Store, patch: Partial<Config['site']>) {
  const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
  const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
  const config: Config = {
    ...defaults,
    site: { ...defaults.site, baseUrl: 'https://mirror.example', ...patch },
  };
  const logger = createLogger('silent');
  const app = createApp({
    store,
    config,
    logger,
    takedowns: new Takedowns({ store, fetcher, config, logger }),
  });
  return async (path: string) => {
    const res = await app.fetch(new Request(`https://mirror.example${path}`));
    return { status: res.status, body: await res.text() };
  };
}
const entry = (host: string, n: number, title: string): EntryInput => ({
  guid: `urn:${host}:${n}`,
  url: `https://${host}/${n}`,
  title,
  author: null,
  publishedAt: new Date(t0.getTime() - n * 60_000),
  updatedAt: null,
  summaryHtml: `<p>${title}.</p>`,
  contentHtml: null,
  categories: [],
  enclosures: [],
  contentHash: `${host}${n}`,
});

describe('the home page', () => {
  let store: Store;
  let home: (mostPerSource: number) => Promise<string>;

  before(async () => {
    store = await openSqliteStore(':memory:');
    home = async (mostPerSource) => (await siteOf(store, { pageSize: 6, mostPerSource })('/')).body;
    const quotes = await store.sources.add(
      { feedUrl: 'https://quotes.example/feed', name: 'Quotations Daily' },
      t0,
    );
    const news = await store.sources.add(
      { feedUrl: 'https://news.example/feed', name: 'Riverside Post' },
      t0,
    );
    await store.entries.saveRefresh(
      quotes.id,
      Array.from({ length: 30 }, (_, i) => entry('quotes.example', i, `Quote number ${i}`)),
      {},
      t0,
    );
    await store.entries.saveRefresh(
      news.id,
      [40, 41, 42].map((n) => entry('news.example', n, `Council story ${n}`)),
      {},
      t0,
    );
  });
  after(() => store.close());

  it('gives one source its share of the page, and says where the rest are', async () => {
    const page = await home(2);
    const titles = [...page.matchAll(/Quote number \d+|Council story \d+/g)].map((m) => m[0]);
    // Two of each would leave the page short: the share rises to three, which fills it.
    assert.deepEqual(titles, [
      'Quote number 0',
      'Quote number 1',
      'Quote number 2',
      'Council story 40',
      'Council story 41',
      'Council story 42',
    ]);
    assert.match(page, /Also new: <a href="\/sources\/1">27 more from Quotations Daily<\/a>\./);
  });

  it('lets a flood fill the page when the share is off', async () => {
    const page = await home(0);
    assert.equal([...page.matchAll(/Quote number \d+/g)].length, 6);
    assert.doesNotMatch(page, /Also new/);
  });
});

describe('the sections of the site', () => {
  let store: Store;
  let get: (path: string) => Promise<{ status: number; body: string }>;

  before(async () => {
    store = await openSqliteStore(':memory:');
    get = siteOf(store, {});
    const add = async (host: string, name: string, section: string | null, titles: string[]) => {
      const source = await store.sources.add({ feedUrl: `https://${host}/feed`, name, section }, t0);
      await store.entries.saveRefresh(
        source.id,
        titles.map((t, i) => entry(host, i, t)),
        {},
        t0,
      );
    };
    await add('post.example', 'Riverside Post', 'Local politics', ['Council votes on the bridge']);
    await add('wire.example', 'Capital Wire', 'Local politics', ['Mayor answers questions']);
    await add('lab.example', 'Lab Notes', 'Science', ['Comet seen at dusk']);
    await add('misc.example', 'Miscellany', null, ['A recipe for soup']);
  });
  after(() => store.close());

  it('each have a page of their sources’ articles', async () => {
    const page = await get('/sections/local-politics');
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Local politics<\/h1>/);
    assert.match(page.body, /Council votes on the bridge/);
    assert.match(page.body, /Mayor answers questions/);
    assert.doesNotMatch(page.body, /Comet seen at dusk|A recipe for soup/);
    assert.match(page.body, /href="\/sections\/local-politics\/feed\.xml"/, 'the page announces its feeds');
    assert.equal((await get('/sections/sport')).status, 404);
  });

  it('each have their feeds', async () => {
    for (const file of ['feed.xml', 'feed.atom', 'feed.json']) {
      const feed = await get(`/sections/science/${file}`);
      assert.equal(feed.status, 200, file);
      assert.match(feed.body, /Comet seen at dusk/);
      assert.doesNotMatch(feed.body, /Council votes/);
    }
  });

  it('are listed on the sources page, linked from their sources, and in the sitemap', async () => {
    const sources = (await get('/sources')).body;
    assert.match(
      sources,
      /<a href="\/sections\/local-politics">Local politics<\/a>\s*<span class="meta"> · 2 sources/,
    );
    assert.match(sources, /<a href="\/sections\/science">Science<\/a>/);
    assert.match(
      (await get('/sources/1')).body,
      /In <a href="\/sections\/local-politics">Local politics<\/a>/,
    );
    const sitemap = (await get('/sitemaps/pages-1.xml')).body;
    assert.match(sitemap, /<loc>https:\/\/mirror\.example\/sections\/local-politics<\/loc>/);
    assert.match(sitemap, /<loc>https:\/\/mirror\.example\/sections\/science<\/loc>/);
  });
});

describe("the language of a source's articles", () => {
  let store: Store;
  let get: (path: string) => Promise<{ status: number; body: string }>;

  before(async () => {
    store = await openSqliteStore(':memory:');
    get = siteOf(store, { language: 'en' });
    const french = await store.sources.add(
      { feedUrl: 'https://journal.example/feed', name: 'Le Journal' },
      t0,
    );
    await store.sources.update(french.id, { feedLanguage: 'fr' });
    await store.entries.saveRefresh(french.id, [entry('journal.example', 1, 'Le conseil vote')], {}, t0);
    const told = await store.sources.add(
      { feedUrl: 'https://told.example/feed', name: 'Told', language: 'pt-BR' },
      t0,
    );
    await store.sources.update(told.id, { feedLanguage: 'en' });
    await store.entries.saveRefresh(told.id, [entry('told.example', 2, 'O prefeito fala')], {}, t0);
    const english = await store.sources.add({ feedUrl: 'https://post.example/feed', name: 'Post' }, t0);
    await store.sources.update(english.id, { feedLanguage: 'en-GB' });
    await store.entries.saveRefresh(english.id, [entry('post.example', 3, 'The mayor speaks')], {}, t0);
  });
  after(() => store.close());

  it('marks their words where it differs from the site’s, the operator’s before the feed’s', async () => {
    const home = (await get('/')).body;
    assert.match(home, /<h2 lang="fr"><a href="[^"]+">Le conseil vote<\/a>/);
    assert.match(
      home,
      /<h2 lang="pt-BR"><a href="[^"]+">O prefeito fala<\/a>/,
      'the operator’s language wins',
    );
    assert.match(home, /<h2 lang="en-GB"><a href="[^"]+">The mayor speaks<\/a>/);
    const href = /href="(\/articles\/[^"]+)">Le conseil vote/.exec(home)?.[1];
    assert.ok(href);
    const article = (await get(href)).body;
    assert.match(article, /<html lang="en">/, 'the page itself is the site’s');
    assert.match(article, /<h1 lang="fr">Le conseil vote<\/h1>/);
    assert.match(article, /<div class="content" lang="fr">/);
  });

  it('says it in the feeds that can', async () => {
    const json = JSON.parse((await get('/feed.json')).body) as {
      items: Array<{ title: string; language?: string }>;
    };
    assert.equal(json.items.find((i) => i.title === 'Le conseil vote')?.language, 'fr');
    assert.match((await get('/feed.atom')).body, /<title type="text" xml:lang="fr">Le conseil vote<\/title>/);
  });
});
