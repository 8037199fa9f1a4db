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
import { SectionMenu } from './sections.js';

const t0 = new Date('2026-05-01T08:00:00Z');
const entry = (n: number): EntryInput => ({
  guid: `urn:${n}`,
  url: `https://news.example/${n}`,
  title: `Story ${n}`,
  author: null,
  publishedAt: t0,
  updatedAt: null,
  summaryHtml: `<p>Story ${n}.</p>`,
  contentHtml: null,
  categories: [],
  enclosures: [],
  contentHash: `h${n}`,
});

describe('the sections in the menu', () => {
  let store: Store;
  let politics: number;

  before(async () => {
    store = await openSqliteStore(':memory:');
    politics = (await store.sources.add({ feedUrl: 'https://news.example/feed', section: 'Politics' }, t0))
      .id;
    await store.entries.saveRefresh(politics, [entry(1)], {}, t0);
    // A section whose sources have no articles yet has no page, and no place in the menu.
    await store.sources.add({ feedUrl: 'https://empty.example/feed', section: 'Science' }, t0);
  });
  after(() => store.close());

  const site = (menu: Config['site']['menu']) => {
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    const config: Config = { ...defaults, site: { ...defaults.site, menu, sections: [] } };
    const logger = createLogger('silent');
    const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    return createApp({ store, config, logger, takedowns: new Takedowns({ store, fetcher, config, logger }) });
  };
  const nav = async (app: ReturnType<typeof site>, path = '/') => {
    const page = await (await app.fetch(new Request(`https://mirror.example${path}`))).text();
    return [
      ...(page.match(/<nav aria-label="Main">([\s\S]*?)<\/nav>/)?.[1] ?? '').matchAll(
        /href="([^"]+)"( aria-current="page")?>\s*([^<]+?)\s*</g,
      ),
    ].map((m) => `${m[3]} ${m[1]}${m[2] ? ' (current)' : ''}`);
  };

  it('lists each section with articles between Latest and Sources', async () => {
    assert.deepEqual(await nav(site([])), [
      'Latest / (current)',
      'Politics /sections/politics',
      'Sources /sources',
      'About /about',
      'Contact /takedown',
    ]);
  });

  it('marks the page a reader is on', async () => {
    const app = site([]);
    assert.deepEqual(
      (await nav(app, '/sections/politics')).filter((item) => item.endsWith('(current)')),
      ['Politics /sections/politics (current)'],
    );
    for (const path of ['/sources', '/about', '/takedown']) {
      assert.deepEqual(
        (await nav(app, path)).filter((item) => item.endsWith('(current)')).map((item) => item.split(' ')[1]),
        [path],
      );
    }
    assert.deepEqual(
      (await nav(app, '/search?q=x')).filter((item) => item.endsWith('(current)')),
      [],
    );
  });

  it('leaves an operator’s own menu as it is', async () => {
    assert.deepEqual(await nav(site([{ label: 'World', url: '/tags/world' }])), [
      'World /tags/world',
      'About /about',
      'Contact /takedown',
    ]);
  });

  it('follows the store, and says when the list changed so that kept pages are made again', async () => {
    let now = 0;
    let changes = 0;
    const shown = { sections: [] as Array<{ label: string; url: string }> };
    const menu = new SectionMenu(
      store,
      shown,
      () => changes++,
      () => now,
    );
    await menu.refresh();
    assert.deepEqual(shown.sections, [{ label: 'Politics', url: '/sections/politics' }]);
    assert.equal(changes, 1);
    const science = (await store.sources.list()).find((s) => s.section === 'Science')!;
    await store.entries.saveRefresh(science.id, [entry(2)], {}, t0);
    await menu.refresh();
    assert.equal(shown.sections.length, 1, 'not looked at again within 15 s');
    now += 15_000;
    await menu.refresh();
    assert.deepEqual(
      shown.sections.map((s) => s.label),
      ['Politics', 'Science'],
    );
    assert.equal(changes, 2);
    now += 15_000;
    await menu.refresh();
    assert.equal(changes, 2, 'the same list is no change');
  });
});
