import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

describe('what an article page tells machines: OpenGraph, Twitter cards, JSON-LD', () => {
  let store: Store;
  let fetcher: Fetcher;
  let html: string;

  before(async () => {
    store = await openSqliteStore(':memory:');
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    const config = {
      ...defaults,
      site: { ...defaults.site, name: 'Mirror', baseUrl: 'https://mirror.example' },
    };
    const logger = createLogger('silent');
    const app = createApp({
      store,
      config,
      logger,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    const t0 = new Date('2026-05-01T08:00:00Z');
    const source = await store.sources.add(
      { feedUrl: 'https://gazette.example/feed', siteUrl: 'https://gazette.example/', name: 'The Gazette' },
      t0,
    );
    await store.entries.saveRefresh(
      source.id,
      [
        {
          guid: 'g1',
          url: 'https://gazette.example/a',
          title: 'Tides </script><script>alert(1)</script> & moons',
          author: 'Ada Lovelace and Grace Hopper',
          publishedAt: t0,
          updatedAt: null,
          summaryHtml: null,
          contentHtml: '<p>The tide comes in twice a day.</p>',
          categories: ['Sea'],
          enclosures: [],
          contentHash: 'h',
        },
      ],
      {},
      t0,
    );
    const res = await app.fetch(
      new Request('https://mirror.example/articles/1/tides-script-script-alert-1-script-moons'),
    );
    html = await res.text();
  });

  after(async () => {
    await store.close();
    await fetcher.close();
  });

  it('describes the article as a NewsArticle based on the original, owned by its publisher and authors', () => {
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map(
      (m) => m[1]!,
    );
    assert.equal(blocks.length, 1, 'a title cannot close the data block');
    const data = JSON.parse(blocks[0]!) as Record<string, unknown>;
    assert.equal(data['@type'], 'NewsArticle');
    assert.equal(data.headline, 'Tides </script><script>alert(1)</script> & moons');
    assert.equal(data.isBasedOn, 'https://gazette.example/a');
    assert.equal(data.datePublished, '2026-05-01T08:00:00.000Z');
    assert.deepEqual(data.author, [
      { '@type': 'Person', name: 'Ada Lovelace' },
      { '@type': 'Person', name: 'Grace Hopper' },
    ]);
    assert.deepEqual(data.publisher, {
      '@type': 'Organization',
      name: 'The Gazette',
      url: 'https://gazette.example/',
    });
    assert.ok(Array.isArray(data.copyrightHolder) && data.copyrightHolder.length === 3);
  });

  it('has OpenGraph and Twitter card tags that point shares at the original', () => {
    assert.match(html, /<meta property="og:type" content="article"\/>/);
    assert.match(html, /<meta property="og:url" content="https:\/\/gazette\.example\/a"\/>/);
    assert.match(
      html,
      /<meta property="og:title" content="Tides &lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; moons"\/>/,
    );
    assert.match(html, /<meta property="og:description" content="The tide comes in twice a day\."\/>/);
    assert.match(html, /<meta property="article:author" content="Grace Hopper"\/>/);
    assert.match(html, /<meta name="twitter:card" content="summary"\/>/);
    assert.doesNotMatch(html, /<script>alert/);
  });
});
