import assert from 'node:assert/strict';
import { pino } from 'pino';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher, RobotsRules } from '../fetch/index.js';
import { createFeedProcessor } from '../ingest/feed-processor.js';
import { refreshSource } from '../ingest/refresh.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { FullTextExtractor, type PageReport } from './full-text.js';
import { createExtractionPool, type ExtractionPool } from './pool.js';

/**
 * A publisher whose feed carries summaries only, and its article pages: courtesy fetches each
 * new entry's page, where robots.txt lets it, and republishes the article, or keeps the feed's
 * content and says why.
 */

const words = (n: number) =>
  Array.from({ length: n }, (_, i) => `word${i % 50}`)
    .join(' ')
    .replace(/(.{60,80}?) /g, '$1. ');

const article = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>${title}</h1>${body}</article>
<aside class="related"><a href="/other">Other story</a></aside>
<section class="comments"><p>Nice article!</p></section></body></html>`;

describe('full text', () => {
  let site: TestServer;
  let store: Store;
  let fetcher: Fetcher;
  let pool: ExtractionPool;
  let config: Config;
  let extractor: FullTextExtractor;
  let flaky = 0;

  before(async () => {
    site = await startTestServer((req, res) => {
      const html = (body: string) =>
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      switch (req.url) {
        case '/robots.txt':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /members/\n');
          return;
        case '/feed.xml': {
          const item = (n: string, path: string, summary = `Summary of ${n}.`) =>
            `<item><guid>urn:${n}</guid><title>${n}</title><link>${site.url}${path}</link><description>${summary}</description></item>`;
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
            `<?xml version="1.0"?><rss version="2.0"><channel><title>Publisher</title><link>${site.url}/</link>
            ${item('whole', '/news/whole.html')}
            ${item('members', '/members/only.html')}
            ${item('gone', '/news/gone.html')}
            ${item('teaser', '/news/teaser.html', `<p>${words(400)}</p>`)}
            ${item('flaky', '/news/flaky.html')}
            </channel></rss>`,
          );
          return;
        }
        case '/selected.xml':
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
            `<?xml version="1.0"?><rss version="2.0"><channel><title>Selected</title>
            <item><guid>urn:selected</guid><title>selected</title><link>${site.url}/news/selected.html</link></item>
            </channel></rss>`,
          );
          return;
        case '/news/whole.html':
          html(
            article(
              'Whole',
              `<p>${words(120)}</p><figure><img src="/img/a.jpg" alt="A"><figcaption>Caption</figcaption></figure>
               <p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/lazy.jpg" alt="Lazy"></p>
               <p>${words(120)}</p><script>alert(1)</script><p onclick="alert(2)">Clicks</p>`,
            ),
          );
          return;
        case '/news/teaser.html':
          html(article('Teaser', `<p>Subscribe to read the rest of ${words(20)}</p>`));
          return;
        case '/news/flaky.html':
          flaky++;
          res.writeHead(503, { 'retry-after': '120' }).end('busy');
          return;
        case '/news/selected.html':
          html(
            `<html><body><div class="story">${`<p>${words(40)}</p>`.repeat(3)}<div class="promo">Buy now</div></div><div class="x">${words(300)}</div></body></html>`,
          );
          return;
        default:
          res.writeHead(404).end('not found');
      }
    });
    const loaded = loadConfig({ dataDir: '/nonexistent-courtesy-test', allowPrivateNetworks: true }, {});
    config = { ...loaded, fullText: { workers: 1, concurrency: 4, maxAttempts: 3 } };
    store = await openSqliteStore(':memory:');
    fetcher = new Fetcher({ userAgent: config.poll.userAgent, allowPrivateNetworks: true });
    pool = createExtractionPool(1);
    extractor = new FullTextExtractor({
      store,
      fetcher,
      robots: new RobotsRules(fetcher, config.poll.userAgent),
      pool,
      config,
      logger: createLogger('silent'),
    });
  });
  after(async () => {
    await pool.close();
    await fetcher.close();
    await store.close();
    await site.close();
  });

  it('republishes the article of each page it may fetch, and keeps the feed’s content where it cannot, saying why', async () => {
    const source = await store.sources.add({ feedUrl: `${site.url}/feed.xml`, fullText: true }, new Date());
    let woken = 0;
    const processor = createFeedProcessor(0);
    const outcome = await refreshSource(
      { store, fetcher, processor, config, logger: createLogger('silent'), onFullTextQueued: () => woken++ },
      source,
    );
    assert.equal(outcome.kind, 'stored');
    assert.equal(woken, 1, 'the extractor is told');
    const ruled = await store.sources.add(
      {
        feedUrl: `${site.url}/selected.xml`,
        fullText: true,
        scraperSelector: '.story',
        scraperRemove: ['.promo'],
      },
      new Date(),
    );
    await refreshSource({ store, fetcher, processor, config, logger: createLogger('silent') }, ruled);

    const reports: PageReport[] = [];
    await extractor.drain((r) => reports.push(r));
    const byTitle = async (title: string) =>
      (await store.entries.list({ sourceId: source.id, limit: 10 })).entries.find((e) => e.title === title)!;

    const whole = await byTitle('whole');
    assert.ok(whole.articleHtml, 'the article is stored');
    for (const kept of [
      'word10',
      `src="${site.url}/img/a.jpg"`,
      `src="${site.url}/img/lazy.jpg"`,
      '<figcaption>Caption</figcaption>',
    ])
      assert.ok(whole.articleHtml.includes(kept), kept);
    for (const dropped of ['Home', 'Other story', 'Nice article', 'alert', 'onclick'])
      assert.ok(!whole.articleHtml.includes(dropped), dropped);
    assert.equal(whole.summaryHtml, 'Summary of whole.', 'the feed’s own content stays as it was');

    const note = (title: string) => reports.find((r) => r.task.url.includes(title))?.outcome;
    assert.match(
      JSON.stringify(note('members')),
      /kept-feed.*extract: .*robots\.txt does not allow courtesy/,
    );
    assert.match(JSON.stringify(note('gone')), /kept-feed.*fetch: resource not found \(404/);
    assert.match(
      JSON.stringify(note('teaser')),
      /kept-feed.*extract: the page's article .*much shorter than the feed/,
    );
    const retry = note('flaky');
    assert.equal(retry?.state, 'pending', 'a 503 is tried again later');
    assert.ok(retry?.state === 'pending' && retry.retryAt.getTime() >= Date.now() + 9 * 60_000);
    assert.equal((await byTitle('teaser')).articleHtml, null);

    const story = (await store.entries.list({ sourceId: ruled.id, limit: 1 })).entries[0]!;
    assert.match(story.articleHtml ?? '', /word39/);
    assert.ok(!story.articleHtml?.includes('Buy now'), 'the remove rule');
    assert.ok(!story.articleHtml?.includes('word299'), 'only what the selector names');

    const summary = await store.extractions.summary(source.id, 10);
    assert.deepEqual(summary.counts, { done: 1, 'kept-feed': 3, pending: 1 });
    assert.deepEqual((await store.extractions.summary(ruled.id, 10)).counts, {
      done: 1,
      'kept-feed': 0,
      pending: 0,
    });
    assert.equal(flaky, 1);
    assert.equal(await extractor.drain(), 0, 'nothing else is due');
  });

  it('keeps the feed’s content and logs an error of its own, without trying it again as a network failure', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    // A fetcher with a bug in it: what it throws is no failure of the network or of the page.
    const broken = {
      fetch: () => Promise.reject(new TypeError('cannot read properties of undefined')),
    } as unknown as Fetcher;
    const buggy = new FullTextExtractor({
      store,
      fetcher: broken,
      robots: new RobotsRules(fetcher, config.poll.userAgent),
      pool,
      config,
      logger,
    });
    const [source] = await store.sources.listActive();
    const queued = await store.extractions.requeue(source!.id, 10, new Date());
    assert.ok(queued > 0);
    const reports: PageReport[] = [];
    await buggy.drain((r) => reports.push(r));
    assert.equal(reports.length, queued);
    // The page robots.txt forbids is never fetched; every other page meets the bug.
    const fetched = reports.filter((r) => !r.task.url.includes('members'));
    assert.equal(fetched.length, queued - 1);
    for (const { outcome } of fetched) {
      assert.equal(outcome.state, 'kept-feed', 'not pending, as a network failure would be');
      assert.match(
        outcome.state === 'kept-feed' ? outcome.note : '',
        /^extract: internal error: cannot read/,
      );
    }
    assert.ok(
      lines.some((line) => /full text: internal error/.test(line)),
      'logged as an error',
    );
  });
});
