import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { EntryInput } from '../model/entry.js';
import { parseFeed } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

const t0 = new Date('2026-05-01T08:00:00Z');
const entry = (n: number, title: string, body: string, patch: Partial<EntryInput> = {}): EntryInput => ({
  guid: `urn:${n}`,
  url: `https://gazette.example/${n}`,
  title,
  author: 'Ada Lovelace',
  publishedAt: new Date(t0.getTime() - n * 86_400_000),
  updatedAt: null,
  summaryHtml: null,
  contentHtml: body,
  categories: [],
  enclosures: [],
  contentHash: `h${n}`,
  ...patch,
});

describe('the search page', () => {
  let store: Store;
  let fetcher: Fetcher;
  let page: (query: string) => Promise<{ status: number; body: string }>;
  let gazette: number;

  before(async () => {
    store = await openSqliteStore(':memory:');
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    const config = {
      ...defaults,
      site: { ...defaults.site, baseUrl: 'https://mirror.example', pageSize: 2 },
    };
    const logger = createLogger('silent');
    const app = createApp({
      store,
      config,
      logger,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    page = async (query) => {
      const res = await app.fetch(new Request(`https://mirror.example/search${query}`));
      return { status: res.status, body: await res.text() };
    };
    gazette = (await store.sources.add({ feedUrl: 'https://gazette.example/feed', name: 'Gazette' }, t0)).id;
    const ledger = (await store.sources.add({ feedUrl: 'https://ledger.example/feed', name: 'Ledger' }, t0))
      .id;
    await store.entries.saveRefresh(
      gazette,
      [
        entry(
          1,
          'Ferry timetable changes',
          '<p>The winter ferry leaves at <b>seven</b> & returns at nine.</p>',
        ),
        entry(2, 'Ferry crews rest', '<p>Crews of the ferry take a break.</p>'),
        entry(3, 'Lifeboat called out', '<p>The ferry was not involved.</p>'),
      ],
      {},
      t0,
    );
    await store.entries.saveRefresh(
      ledger,
      [entry(4, 'Budget <script>', '<p>The ferry subsidy grows.</p>', { url: 'https://ledger.example/4' })],
      {},
      t0,
    );
  });

  after(async () => {
    await store.close();
    await fetcher.close();
  });

  it('shows results with highlighted, escaped passages, and pages through them', async () => {
    const first = await page('?q=ferry');
    assert.equal(first.status, 200);
    assert.match(first.body, /4 articles match; 1–2 shown\./);
    assert.match(first.body, /<mark>ferry<\/mark>/);
    assert.match(
      first.body,
      /<meta name="robots" content="noindex, follow"\/>/,
      'search pages stay out of search engines',
    );
    assert.match(first.body, /href="\/search\?q=ferry&amp;page=2" rel="next"/);
    const second = await page('?q=ferry&page=2');
    assert.match(second.body, /3–4 shown/);
    assert.match(second.body, /Budget &lt;script&gt;/, 'titles are escaped');
    assert.doesNotMatch(second.body, /rel="next"/);
  });

  it('filters by source and by date, and says what is wrong with a filter', async () => {
    assert.match((await page(`?q=ferry&source=${gazette}`)).body, /3 articles match/);
    assert.match((await page('?q=ferry&from=2026-04-29')).body, /2 articles match/, 'one and two days old');
    assert.match((await page('?q=ferry&to=2026-04-28')).body, /2 articles match/, 'three and four days old');
    const bad = await page('?q=ferry&from=yesterday');
    assert.equal(bad.status, 200);
    assert.match(bad.body, /“yesterday” is not a date/);
    assert.match((await page('?q=')).body, /Please type what to search for/);
    assert.match((await page('?q=zeppelin')).body, /Nothing matches\./);
  });

  it('says which words it left out because most articles contain them', async () => {
    const loose = await page('?q=ferry+crews');
    assert.match(loose.body, /1 article matches\./);
    assert.match(
      loose.body,
      /Left out, since most articles contain it: <q>ferry<\/q>\. Put a word in quotes/,
    );
    const strict = await page('?q=%22ferry%22+crews');
    assert.match(strict.body, /1 article matches\./);
    assert.doesNotMatch(strict.body, /Left out/);
  });

  it('has a feed for each search, newest first', async () => {
    const feed = parseFeed((await page('/feed.atom?q=ferry')).body, null);
    assert.equal(feed.entries.length, 4);
    assert.equal(feed.entries[0]!.title, 'Ferry timetable changes');
    assert.match((await page('/feed.xml?q=')).body, /no feed at this address/);
  });
});
