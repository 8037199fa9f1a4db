import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { loadConfig } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { EntryInput } from '../model/entry.js';
import type { PageChange } from '../model/page-tags.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { openPostgresStore } from '../store/postgres/open-postgres.js';
import { freshPostgres, SKIP_POSTGRES } from '../../test/support/postgres.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';
import { PageCache } from './page-cache.js';
import { startServer, type RunningServer } from './server.js';

const t0 = new Date('2026-05-01T08:00:00Z');
const entry = (n: number, host: string, patch: Partial<EntryInput> = {}): EntryInput => ({
  guid: `urn:${host}:${n}`,
  url: `https://${host}/${n}`,
  title: `Story ${n} from ${host}`,
  author: 'Ada Lovelace',
  publishedAt: new Date(t0.getTime() - n * 60_000),
  updatedAt: null,
  summaryHtml: null,
  contentHtml: `<p>Text ${n}</p>`,
  categories: ['Sea'],
  enclosures: [],
  contentHash: `h${n}`,
  ...patch,
});

describe('the page cache', () => {
  let dir: string;
  let store: Store;
  /** Another connection to the same database: what a `courtesy poll` or `takedown` process writes through. */
  let other: Store;
  let fetcher: Fetcher;
  let app: Hono;
  let cache: PageCache;
  let a: number;
  let b: number;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await app.fetch(new Request(`https://mirror.example${path}`, { headers }));
    return {
      status: res.status,
      cache: res.headers.get('x-cache'),
      etag: res.headers.get('etag'),
      body: await res.text(),
    };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-cache-'));
    store = await openSqliteStore(join(dir, 'site.sqlite'));
    other = await openSqliteStore(join(dir, 'site.sqlite'));
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: dir }, {});
    const config = { ...defaults, site: { ...defaults.site, baseUrl: 'https://mirror.example' } };
    const logger = createLogger('silent');
    cache = new PageCache(store, { maxBytes: 8 * 1024 * 1024 });
    app = createApp({
      store,
      config,
      logger,
      pageCache: cache,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    a = (await store.sources.add({ feedUrl: 'https://a.example/feed', name: 'Alpha' }, t0)).id;
    b = (await store.sources.add({ feedUrl: 'https://b.example/feed', name: 'Beta' }, t0)).id;
    await store.entries.saveRefresh(a, [entry(1, 'a.example')], {}, t0);
    await store.entries.saveRefresh(
      b,
      [entry(2, 'b.example', { author: 'Grace Hopper', categories: ['Sky'] })],
      {},
      t0,
    );
  });

  after(async () => {
    await other.close();
    await store.close();
    await fetcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders a page once, then serves it, answering a revalidation with 304', async () => {
    const first = await get('/');
    assert.equal(first.cache, 'miss');
    const second = await get('/');
    assert.equal(second.cache, 'hit');
    assert.equal(second.body, first.body);
    assert.ok(first.etag);
    const revalidated = await get('/', { 'if-none-match': first.etag });
    assert.equal(revalidated.status, 304);
    assert.equal((await get('/search?q=story')).cache, 'miss', 'a search is kept');
    assert.equal((await get('/search?q=story')).cache, 'hit');
    assert.equal((await get('/takedown')).cache, null, 'nor are forms');
  });

  it('sends Last-Modified and answers If-Modified-Since with 304 when the client has no ETag', async () => {
    const first = await app.fetch(new Request('https://mirror.example/sources'));
    const lastModified = first.headers.get('last-modified');
    assert.ok(lastModified && Number.isFinite(Date.parse(lastModified)));
    const hit = await get('/sources', { 'if-modified-since': lastModified });
    assert.equal(hit.status, 304);
    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    assert.equal((await get('/sources', { 'if-modified-since': older })).status, 200);
    assert.equal(
      (await get('/sources', { 'if-modified-since': lastModified, 'if-none-match': '"other"' })).status,
      200,
      'If-None-Match decides when both are sent',
    );
  });

  it('sends a kept page compressed once (brotli or gzip), with a weak validator that still revalidates', async () => {
    await get('/about');
    await new Promise((r) => setTimeout(r, 50)); // compression runs just after the page is kept
    const res = await app.fetch(
      new Request('https://mirror.example/about', { headers: { 'accept-encoding': 'gzip, deflate, br' } }),
    );
    assert.equal(res.headers.get('x-cache'), 'hit');
    assert.equal(res.headers.get('content-encoding'), 'br');
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    const html = brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString();
    assert.match(html, /<h1>About /);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^W\//);
    const gz = await app.fetch(
      new Request('https://mirror.example/about', { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } }),
    );
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString(), html);
    const again = await app.fetch(
      new Request('https://mirror.example/about', {
        headers: { 'accept-encoding': 'br', 'if-none-match': etag! },
      }),
    );
    assert.equal(again.status, 304);
    const search = await app.fetch(
      new Request('https://mirror.example/search?q=story', { headers: { 'accept-encoding': 'gzip' } }),
    );
    assert.equal(
      search.headers.get('content-encoding'),
      'gzip',
      'a page not cached is compressed as it is sent',
    );
  });

  it('empties exactly the pages a new entry touches, also when another process wrote it', async () => {
    for (const path of [
      '/',
      `/sources/${a}`,
      `/sources/${b}`,
      '/authors/ada-lovelace',
      '/tags/sky',
      '/feed.xml',
      `/sources/${b}/feed.atom`,
    ])
      await get(path);
    await other.entries.saveRefresh(a, [entry(3, 'a.example')], {}, t0);
    assert.equal((await get('/')).cache, 'miss', 'the home page lists it');
    assert.match((await get('/')).body, /Story 3 from a\.example/);
    assert.equal((await get(`/sources/${a}`)).cache, 'miss');
    assert.equal((await get('/authors/ada-lovelace')).cache, 'miss');
    assert.equal((await get('/feed.xml')).cache, 'miss');
    assert.equal((await get(`/sources/${b}`)).cache, 'hit', 'another source’s page is untouched');
    assert.equal((await get('/tags/sky')).cache, 'hit');
    assert.equal((await get(`/sources/${b}/feed.atom`)).cache, 'hit');
  });

  it('forgets a removed article on every page at once', async () => {
    const article = /href="(\/articles\/\d+\/story-2-from-b-example)"/.exec((await get('/')).body)![1]!;
    for (const path of [article, `/sources/${b}`, '/authors/grace-hopper', '/tags/sky', '/feed.json']) {
      assert.match((await get(path)).body, /Story 2 from b\.example/);
      assert.equal((await get(path)).cache, 'hit');
    }
    await other.rights.grant(
      {
        kind: 'url',
        urlKey: 'b.example/2',
        sourceId: null,
        author: null,
        domain: null,
        reason: 'r',
        actor: 'a',
      },
      t0,
    );
    assert.equal((await get(article)).status, 410);
    for (const path of ['/', `/sources/${b}`, '/feed.json', '/sitemap.xml']) {
      assert.doesNotMatch((await get(path)).body, /Story 2 from b\.example|grace-hopper/, path);
    }
    assert.equal((await get('/authors/grace-hopper')).status, 404);
  });

  it('empties everything when a source’s name or policy changes, but not for a poll that changes nothing', async () => {
    await get(`/sources/${a}`);
    await other.entries.saveRefresh(a, [entry(1, 'a.example'), entry(3, 'a.example')], { title: null }, t0);
    assert.equal((await get(`/sources/${a}`)).cache, 'hit', 'nothing changed');
    await other.sources.update(a, { policy: 'link' });
    assert.equal((await get(`/sources/${a}`)).cache, 'miss');
    assert.equal((await get('/tags/sea')).cache, 'miss', 'its articles show on other pages too');
  });
});

describe('the page cache and a change that lands while a page renders', () => {
  it('does not keep a page rendered from before the change', async () => {
    const log: PageChange[] = [];
    const fake = {
      lastPageChange: () => Promise.resolve(log.at(-1)?.id ?? 0),
      pageChanges: (after: number) => Promise.resolve(log.filter((c) => c.id > after)),
      pageChangeHint: () => null,
    } as unknown as Store;
    const cache = new PageCache(fake, { maxBytes: 1024 * 1024 });
    await cache.sync();
    const version = cache.version;
    const page = {
      body: new Uint8Array([1, 2, 3]),
      status: 200,
      headers: [],
      etag: null,
      tags: ['source:1'],
      renderedAt: 0,
      lastModified: new Date(0).toUTCString(),
    };
    // Rendering started at `version`; meanwhile a poll touched source 1.
    log.push({ id: 1, tags: ['listing', 'source:1'], additions: false });
    await cache.sync();
    cache.put('/sources/1', page, version);
    assert.equal(cache.get('/sources/1'), undefined, 'it might show what the change replaced');
    cache.put('/sources/2', { ...page, tags: ['source:2'] }, version);
    assert.ok(cache.get('/sources/2'), 'a page the change did not touch is kept');
  });

  it('starts afresh when the log was trimmed past what it read', async () => {
    let log: PageChange[] = [{ id: 1, tags: ['listing'], additions: false }];
    const fake = {
      lastPageChange: () => Promise.resolve(log.at(-1)?.id ?? 0),
      pageChanges: (after: number) => Promise.resolve(log.filter((c) => c.id > after)),
      pageChangeHint: () => null,
    } as unknown as Store;
    const cache = new PageCache(fake, { maxBytes: 1024 * 1024 });
    await cache.sync();
    cache.put(
      '/sources/9',
      {
        body: new Uint8Array(1),
        status: 200,
        headers: [],
        etag: null,
        tags: ['source:9'],
        renderedAt: 0,
        lastModified: new Date(0).toUTCString(),
      },
      cache.version,
    );
    log = [{ id: 5, tags: ['source:1'], additions: false }];
    await cache.sync();
    assert.equal(cache.size, 0);
  });
});

describe('the page cache and new entries (additionsDelayMs)', () => {
  const DELAY = 60_000;
  const page = (tags: string[], renderedAt: number) => ({
    body: new Uint8Array([1, 2, 3]),
    status: 200,
    headers: [],
    etag: null,
    tags,
    renderedAt,
    lastModified: new Date(renderedAt).toUTCString(),
  });
  const fakeStore = (log: PageChange[]) =>
    ({
      lastPageChange: () => Promise.resolve(log.at(-1)?.id ?? 0),
      pageChanges: (after: number) => Promise.resolve(log.filter((c) => c.id > after)),
      pageChangeHint: () => null,
    }) as unknown as Store;

  it('keeps a page rendered a moment ago until the delay, drops an older one at once, and drops both for any other change', async () => {
    const log: PageChange[] = [];
    const cache = new PageCache(fakeStore(log), { maxBytes: 1024 * 1024, additionsDelayMs: DELAY });
    await cache.sync();
    const now = Date.now();
    cache.put('/', page(['listing'], now), cache.version);
    cache.put('/sources/1', page(['source:1'], now - 2 * DELAY), cache.version);
    log.push({ id: 1, tags: ['listing', 'source:1'], additions: true });
    await cache.sync();
    assert.equal(cache.get('/')?.staleAt, now + DELAY, 'rendered just now: shown until the delay is up');
    assert.equal(cache.get('/sources/1'), undefined, 'rendered long ago: rendered again at once');
    log.push({ id: 2, tags: ['listing'], additions: false });
    await cache.sync();
    assert.equal(cache.get('/'), undefined, 'an edit or a removal is never delayed');
  });

  it('renders a page again once the delay is up', async () => {
    const log: PageChange[] = [];
    const cache = new PageCache(fakeStore(log), { maxBytes: 1024 * 1024, additionsDelayMs: 100 });
    await cache.sync();
    cache.put('/', page(['listing'], Date.now()), cache.version);
    log.push({ id: 1, tags: ['listing'], additions: true });
    await cache.sync();
    assert.ok(cache.get('/'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(cache.get('/'), undefined);
  });

  it('keeps, stale, a page rendered across new entries, and only with a delay', async () => {
    for (const delay of [DELAY, 0]) {
      const log: PageChange[] = [];
      const cache = new PageCache(fakeStore(log), { maxBytes: 1024 * 1024, additionsDelayMs: delay });
      await cache.sync();
      const version = cache.version;
      log.push({ id: 1, tags: ['source:1'], additions: true });
      await cache.sync();
      const renderedAt = Date.now();
      cache.put('/sources/1', page(['source:1'], renderedAt), version);
      if (delay === 0) assert.equal(cache.get('/sources/1'), undefined, 'without a delay it is not kept');
      else assert.equal(cache.get('/sources/1')?.staleAt, renderedAt + delay);
    }
  });

  it('learns from the store which changes only add: new entries, not edits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courtesy-additions-'));
    const store = await openSqliteStore(join(dir, 'site.sqlite'));
    try {
      const defaults = loadConfig({ dataDir: dir }, {});
      const config = { ...defaults, site: { ...defaults.site, baseUrl: 'https://mirror.example' } };
      const logger = createLogger('silent');
      const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
      const cache = new PageCache(store, { maxBytes: 1024 * 1024, additionsDelayMs: DELAY });
      const app = createApp({
        store,
        config,
        logger,
        pageCache: cache,
        takedowns: new Takedowns({ store, fetcher, config, logger }),
      });
      const home = async () => {
        const res = await app.fetch(new Request('https://mirror.example/'));
        return { cache: res.headers.get('x-cache'), body: await res.text() };
      };
      const id = (await store.sources.add({ feedUrl: 'https://a.example/feed', name: 'Alpha' }, t0)).id;
      await store.entries.saveRefresh(id, [entry(1, 'a.example')], {}, t0);
      assert.equal((await home()).cache, 'miss');
      await store.entries.saveRefresh(id, [entry(1, 'a.example'), entry(2, 'a.example')], {}, t0);
      const during = await home();
      assert.equal(during.cache, 'hit', 'a new entry waits for the delay');
      assert.ok(!during.body.includes('Story 2 from'));
      const corrected = entry(1, 'a.example', { title: 'Story 1, corrected', contentHash: 'h1b' });
      await store.entries.saveRefresh(id, [corrected, entry(2, 'a.example')], {}, t0);
      const after = await home();
      assert.equal(after.cache, 'miss', 'an edit does not wait');
      assert.ok(after.body.includes('Story 1, corrected') && after.body.includes('Story 2 from'));
      // A source's first poll names it: nothing of it showed before, so that only adds too.
      const other = (await store.sources.add({ feedUrl: 'https://b.example/feed' }, t0)).id;
      await store.entries.saveRefresh(other, [entry(3, 'b.example')], { title: 'The Beta Gazette' }, t0);
      assert.equal((await home()).cache, 'hit', "a new source's first entries wait too");
      await store.entries.saveRefresh(
        id,
        [corrected, entry(2, 'a.example')],
        { title: 'Alpha, renamed' },
        t0,
      );
      const renamed = await home();
      assert.equal(renamed.cache, 'miss', 'a shown source renamed does not wait');
      assert.ok(renamed.body.includes('The Beta Gazette'), "the new source's name, once rendered again");
      await fetcher.close();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the server, answering kept pages before the app', () => {
  let dir: string;
  let store: Store;
  let other: Store;
  let fetcher: Fetcher;
  let server: RunningServer;
  let cache: PageCache;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-cache-'));
    store = await openSqliteStore(join(dir, 'site.sqlite'));
    other = await openSqliteStore(join(dir, 'site.sqlite'));
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const config = loadConfig({ dataDir: dir }, {});
    const logger = createLogger('silent');
    cache = new PageCache(store, { maxBytes: 8 * 1024 * 1024 });
    const takedowns = new Takedowns({ store, fetcher, config, logger });
    server = await startServer({ store, config, logger, takedowns, pageCache: cache }, '127.0.0.1', 0);
    const a = (await store.sources.add({ feedUrl: 'https://a.example/feed', name: 'Alpha' }, t0)).id;
    await store.entries.saveRefresh(a, [entry(1, 'a.example')], {}, t0);
  });

  after(async () => {
    await server.close();
    await other.close();
    await store.close();
    await fetcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the same bytes and headers as the app would, security headers included', async () => {
    const miss = await fetch(`${server.url}/`);
    assert.equal(miss.headers.get('x-cache'), 'miss');
    const missBody = await miss.text();
    const hitsBefore = cache.stats.hits;
    const hit = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(hit.headers.get('x-cache'), 'hit');
    assert.equal(cache.stats.hits, hitsBefore + 1);
    assert.equal(await hit.text(), missBody);
    for (const name of [
      'content-security-policy',
      'x-content-type-options',
      'referrer-policy',
      'cache-control',
    ]) {
      assert.equal(hit.headers.get(name), miss.headers.get(name), name);
    }
    assert.equal(hit.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(hit.headers.get('last-modified'), miss.headers.get('last-modified'));
    assert.equal(Number(hit.headers.get('content-length')), Buffer.byteLength(missBody));
  });

  it('answers HEAD without a body, and revalidations with 304', async () => {
    const page = await fetch(`${server.url}/about`);
    const etag = page.headers.get('etag')!;
    await page.text();
    const head = await fetch(`${server.url}/about`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-cache'), 'hit');
    assert.equal(await head.text(), '');
    const revalidated = await fetch(`${server.url}/about`, { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers.get('etag'), etag);
  });

  it('serves a compressed copy, and lets the app read the change log after another process wrote', async () => {
    await (await fetch(`${server.url}/feed.xml`)).text();
    await new Promise((r) => setTimeout(r, 50));
    const gz = await fetch(`${server.url}/feed.xml`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.match(await gz.text(), /Story 1 from a\.example/, 'fetch decodes it');
    const a = (await other.sources.list())[0]!.id;
    await other.entries.saveRefresh(a, [entry(1, 'a.example'), entry(7, 'a.example')], {}, t0);
    const fresh = await fetch(`${server.url}/feed.xml`);
    assert.equal(fresh.headers.get('x-cache'), 'miss');
    assert.match(await fresh.text(), /Story 7 from a\.example/);
  });
});

describe('the page cache on PostgreSQL', { skip: SKIP_POSTGRES }, () => {
  it("knows without reading the log that nothing was committed, and hears another process's commit", async () => {
    const database = await freshPostgres('cache');
    const store = await openPostgresStore(database.url);
    const other = await openPostgresStore(database.url);
    try {
      const cache = new PageCache(store, { maxBytes: 1024 * 1024 });
      const current = async (ms: number): Promise<boolean> => {
        const end = Date.now() + ms;
        for (;;) {
          await cache.sync();
          if (cache.isCurrent()) return true;
          if (Date.now() > end) return false;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      assert.ok(await current(3000), 'once listening, a synced cache is current');
      const source = await other.sources.add({ feedUrl: 'https://a.example/feed', name: 'Alpha' }, t0);
      await cache.sync();
      const before = cache.version;
      await other.entries.saveRefresh(source.id, [entry(1, 'a.example')], {}, t0);
      const heard = Date.now();
      while (cache.isCurrent() && Date.now() - heard < 2000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(cache.isCurrent(), false, "the other process's commit was heard");
      assert.ok(Date.now() - heard < 1000, `heard within a second (${Date.now() - heard} ms)`);
      await cache.sync();
      assert.ok(cache.version > before, 'and the sync read it');
    } finally {
      await other.close();
      await store.close();
      await database.drop();
    }
  });
});
