import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFeed as independentParse } from 'feedsmith';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { EntryInput } from '../model/entry.js';
import { parseFeed } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

const t0 = new Date('2026-05-01T08:00:00Z');
const entry = (n: number, patch: Partial<EntryInput> = {}): EntryInput => ({
  guid: `urn:${n}`,
  url: `https://gazette.example/story-${n}`,
  title: `Story ${n} & <more>`,
  author: 'Ada Lovelace and Grace Hopper',
  publishedAt: new Date(t0.getTime() - n * 3_600_000),
  updatedAt: null,
  summaryHtml: null,
  contentHtml: `<p>Body of story ${n}, with <em>emphasis</em>. It has a second sentence too.</p>`,
  categories: ['Science', 'Sea'],
  enclosures: [],
  contentHash: `h${n}`,
  ...patch,
});

describe("courtesy's own feeds, sitemap and robots.txt", () => {
  let store: Store;
  let fetcher: Fetcher;
  let config: Config;
  let get: (path: string) => Promise<Response>;
  let full: number;
  let linkOnly: number;

  before(async () => {
    store = await openSqliteStore(':memory:');
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    config = { ...defaults, site: { ...defaults.site, name: 'Mirror', baseUrl: 'https://mirror.example' } };
    const logger = createLogger('silent');
    const app = createApp({
      store,
      config,
      logger,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    get = async (path) => app.fetch(new Request(`https://mirror.example${path}`));
    full = (
      await store.sources.add(
        { feedUrl: 'https://gazette.example/feed', siteUrl: 'https://gazette.example/', name: 'The Gazette' },
        t0,
      )
    ).id;
    linkOnly = (
      await store.sources.add(
        { feedUrl: 'https://ledger.example/feed', name: 'The Ledger', policy: 'link' },
        t0,
      )
    ).id;
    await store.entries.saveRefresh(full, [entry(1), entry(2)], {}, t0);
    await store.entries.saveRefresh(
      linkOnly,
      [entry(3, { url: 'https://ledger.example/story-3', author: 'Alan Turing', categories: ['Sea'] })],
      {},
      t0,
    );
  });

  after(async () => {
    await store.close();
    await fetcher.close();
  });

  for (const [file, type] of [
    ['feed.xml', 'application/rss+xml'],
    ['feed.atom', 'application/atom+xml'],
    ['feed.json', 'application/feed+json'],
  ] as const) {
    it(`serves ${file} that courtesy's parser and an independent one both read, attribution included`, async () => {
      const res = await get(`/${file}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(type.replace('+', '\\+')));
      const body = await res.text();

      const ours = parseFeed(body, `https://mirror.example/${file}`);
      assert.equal(ours.title?.startsWith('Mirror'), true);
      assert.equal(ours.entries.length, 3);
      const first = ours.entries[0]!;
      assert.equal(first.title, 'Story 1 & <more>');
      assert.match(first.link ?? '', /^https:\/\/mirror\.example\/articles\/\d+\/story-1-more$/);
      assert.match(first.author ?? '', /Ada Lovelace/);
      const html = first.content ?? first.summary ?? '';
      assert.match(html, /Body of story 1/, 'the full text, for a source with the full policy');
      assert.match(html, /courtesy of, and owned and copyrighted by, /);
      assert.match(html, /href="https:\/\/gazette\.example\/story-1"/, 'the link to the original');
      assert.match(html, /href="https:\/\/mirror\.example\/takedown\?url=/, 'and to the takedown page');
      const linked = ours.entries.find((e) => e.title?.startsWith('Story 3'))!;
      const linkedHtml = linked.content ?? linked.summary ?? '';
      assert.doesNotMatch(linkedHtml, /Body of story 3/, 'a link-only source gives no text');
      assert.match(linkedHtml, /Continue reading at The Ledger/);

      const theirs = independentParse(file === 'feed.json' ? JSON.parse(body) : body);
      assert.equal(theirs.format, file === 'feed.xml' ? 'rss' : file === 'feed.atom' ? 'atom' : 'json');
      const items =
        'items' in theirs.feed ? theirs.feed.items : 'entries' in theirs.feed ? theirs.feed.entries : [];
      assert.equal(items?.length, 3);
    });
  }

  it('has feeds for each source, author and tag, and announces them on their pages', async () => {
    const source = parseFeed(await (await get(`/sources/${full}/feed.atom`)).text(), null);
    assert.equal(source.entries.length, 2);
    const author = parseFeed(await (await get('/authors/grace-hopper/feed.xml')).text(), null);
    assert.equal(author.entries.length, 2);
    assert.match(author.title ?? '', /Articles by Grace Hopper/);
    const tag = await (await get('/tags/sea/feed.json')).json();
    assert.equal((tag as { items: unknown[] }).items.length, 3);
    assert.equal((await get('/authors/nobody/feed.xml')).status, 404);
    assert.equal((await get('/sources/99/feed.xml')).status, 404);
    const page = await (await get('/tags/sea')).text();
    assert.match(
      page,
      /<link rel="alternate" type="application\/rss\+xml" title="[^"]+" href="\/tags\/sea\/feed\.xml"/,
    );
    assert.match(page, /href="\/tags\/sea\/feed\.json"/);
  });

  it('drops a removed article from every feed at once', async () => {
    await store.rights.grant(
      {
        kind: 'url',
        urlKey: 'gazette.example/story-2',
        sourceId: null,
        author: null,
        domain: null,
        reason: 'r',
        actor: 'a',
      },
      t0,
    );
    for (const path of [
      '/feed.xml',
      `/sources/${full}/feed.atom`,
      '/authors/ada-lovelace/feed.json',
      '/tags/science/feed.xml',
    ]) {
      const body = await (await get(path)).text();
      assert.doesNotMatch(body, /Story 2|story-2/, path);
    }
  });

  it('lists the site’s own pages in the sitemap, and points robots to it', async () => {
    const sitemap = await (await get('/sitemap.xml')).text();
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    assert.ok(locs.includes('https://mirror.example/'));
    assert.ok(locs.includes(`https://mirror.example/sources/${full}`));
    assert.ok(locs.includes('https://mirror.example/authors/alan-turing'));
    assert.ok(locs.includes('https://mirror.example/tags/sea'));
    assert.ok(locs.includes('https://mirror.example/about'));
    const about = await (await get('/about')).text();
    assert.match(about, /from 2 publishers \(2 articles at present\)/);
    assert.match(about, /not to index them, and name the original as the canonical version/);
    assert.ok(
      !locs.some((l) => l?.includes('/articles/')),
      'republished copies are not this site’s canonical pages',
    );
    const robots = await (await get('/robots.txt')).text();
    assert.match(robots, /^Sitemap: https:\/\/mirror\.example\/sitemap\.xml$/m);
    assert.match(robots, /^Disallow: \/admin$/m);
    assert.equal((await get('/sitemaps/authors-1.xml')).status, 200);
    assert.equal((await get('/sitemaps/authors-9.xml')).status, 404);
  });
});
