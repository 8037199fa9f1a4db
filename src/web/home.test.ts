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
    const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    const logger = createLogger('silent');
    home = async (mostPerSource) => {
      const config: Config = { ...defaults, site: { ...defaults.site, pageSize: 6, mostPerSource } };
      const app = createApp({
        store,
        config,
        logger,
        takedowns: new Takedowns({ store, fetcher, config, logger }),
      });
      return (await app.fetch(new Request('http://localhost/'))).text();
    };
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
