import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { declaredPng, testImage } from '../../test/support/images.js';
import { freshPostgres, type TestDatabase } from '../../test/support/postgres.js';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher, RobotsRules } from '../fetch/index.js';
import { createFeedProcessor } from '../ingest/feed-processor.js';
import { refreshSource } from '../ingest/refresh.js';
import { createLogger } from '../log/logger.js';
import type { Entry } from '../model/entry.js';
import { MEDIA_FORMATS, MEDIA_WIDTHS, mediaKey } from '../model/media.js';
import { urlKey } from '../model/identity.js';
import { openStore, type Store } from '../store/index.js';
import { MediaCache } from './cache.js';

/**
 * A publisher whose feed names a picture for each entry, and serves them (or fails to): courtesy
 * fetches each image once, keeps resized copies, says why it shows none, and deletes the copies
 * of what is hidden or taken down, on both engines.
 */
for (const engine of ENGINES) {
  describe(`the media cache (${engine.name})`, { skip: engine.skip }, () => {
    let site: TestServer;
    let store: Store;
    let fetcher: Fetcher;
    let config: Config;
    let cache: MediaCache;
    let database: TestDatabase | undefined;
    let dir: string;
    const requests = new Map<string, number>();
    const images = new Map<string, Buffer>();

    const entries = async (): Promise<Map<string, Entry>> => {
      const page = await store.entries.list({ limit: 50 });
      return new Map(page.entries.map((e) => [e.title ?? '', e]));
    };
    const files = () =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(webp|jpg)$/.test(f));

    before(async () => {
      images.set('/img/wide.jpg', await testImage(1600, 900));
      images.set('/img/shared.jpg', await testImage(1000, 700));
      images.set('/img/small.png', await testImage(48, 48, 'png'));
      images.set('/img/bomb.png', declaredPng(60_000, 60_000));
      images.set('/private/secret.jpg', await testImage(800, 600));
      site = await startTestServer((req, res) => {
        const path = req.url ?? '';
        requests.set(path, (requests.get(path) ?? 0) + 1);
        if (path === '/robots.txt') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
          return;
        }
        if (path === '/feed.xml') {
          const item = (title: string, picture: string) =>
            `<item><guid>urn:${title}</guid><title>${title}</title><link>${site.url}/news/${title}.html</link>
             <description>About ${title}.</description><media:thumbnail url="${site.url}${picture}"/></item>`;
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
            `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
             <title>Publisher</title><link>${site.url}/</link>
             ${item('wide', '/img/wide.jpg')}
             ${item('shared-one', '/img/shared.jpg')}
             ${item('shared-two', '/img/shared.jpg')}
             ${item('small', '/img/small.png')}
             ${item('bomb', '/img/bomb.png')}
             ${item('private', '/private/secret.jpg')}
             ${item('page', '/img/page.html')}
             ${item('missing', '/img/missing.jpg')}
             ${item('flaky', '/img/flaky.jpg')}
             </channel></rss>`,
          );
          return;
        }
        if (path === '/img/page.html') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<p>not an image</p>');
          return;
        }
        if (path === '/img/flaky.jpg') {
          res.writeHead(503).end('busy');
          return;
        }
        const image = images.get(path);
        if (!image) {
          res.writeHead(404).end('not found');
          return;
        }
        res.writeHead(200, { 'content-type': path.endsWith('.png') ? 'image/png' : 'image/jpeg' }).end(image);
      });
      dir = mkdtempSync(join(tmpdir(), 'courtesy-media-'));
      const loaded = loadConfig({ dataDir: dir, allowPrivateNetworks: true }, {});
      config = { ...loaded, media: { ...loaded.media, dir: join(dir, 'media') } };
      if (engine.name === 'PostgreSQL') database = await freshPostgres('media');
      store = await openStore(database?.url ?? 'sqlite::memory:');
      fetcher = new Fetcher({ userAgent: config.poll.userAgent, allowPrivateNetworks: true });
      cache = new MediaCache({
        store,
        fetcher,
        robots: new RobotsRules(fetcher, config.poll.userAgent),
        config,
        logger: createLogger('silent'),
      });
      const source = await store.sources.add({ feedUrl: `${site.url}/feed.xml` }, new Date());
      let woken = 0;
      const outcome = await refreshSource(
        {
          store,
          fetcher,
          processor: createFeedProcessor(0),
          config,
          logger: createLogger('silent'),
          onMediaQueued: () => woken++,
        },
        source,
      );
      assert.equal(outcome.kind, 'stored');
      assert.equal(woken, 1, 'the cache is told of new entries');
    });
    after(async () => {
      await cache.stop();
      await fetcher.close();
      await store.close();
      await site.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps resized copies of each lead image, fetching an image two entries share once', async () => {
      const pass = await cache.drain();
      assert.equal(pass.fetched, 9);
      assert.equal(requests.get('/img/shared.jpg'), 1, 'fetched once for two entries');
      const byTitle = await entries();
      const wide = byTitle.get('wide')!.image;
      assert.deepEqual(wide, {
        key: mediaKey(`${site.url}/img/wide.jpg`),
        width: 960,
        height: 540,
        sourceUrl: `${site.url}/img/wide.jpg`,
      });
      for (const w of MEDIA_WIDTHS)
        for (const f of MEDIA_FORMATS) assert.ok(existsSync(cache.files.path(wide.key, w, f)), `${w}.${f}`);
      assert.deepEqual(byTitle.get('shared-one')!.image, byTitle.get('shared-two')!.image);
      assert.equal(files().length, 8, 'two images, four copies each');
      assert.equal(await store.media.servable(wide.key), true);
      assert.equal((await store.entries.get(byTitle.get('wide')!.id))!.image?.key, wide.key);
    });

    it('shows no image where there is none to show, and records why', async () => {
      const counts = await store.media.counts();
      assert.equal(counts.ready, 3);
      assert.equal(counts.failed, 5);
      assert.equal(counts.pending, 1, 'the 503 is tried again later');
      const byTitle = await entries();
      for (const title of ['small', 'bomb', 'private', 'page', 'missing', 'flaky'])
        assert.equal(byTitle.get(title)!.image, null, title);
      assert.equal(requests.get('/private/secret.jpg'), undefined, 'robots.txt is obeyed');
      assert.equal(requests.get('/img/flaky.jpg'), 1);
    });

    it('serves a hidden article’s image no more at once, deletes its copies, and fetches it again when shown', async () => {
      const wide = (await entries()).get('wide')!;
      const key = wide.image!.key;
      await store.entries.setWithheld([wide.id], 'hidden', 'test', new Date());
      assert.equal(await store.media.servable(key), false, 'at once');
      assert.ok(existsSync(cache.files.path(key, 480, 'webp')));
      const pass = await cache.drain();
      assert.equal(pass.purged, 1);
      assert.ok(!existsSync(cache.files.path(key, 480, 'webp')), 'its copies are deleted');

      await store.entries.setWithheld([wide.id], null, 'test', new Date());
      await cache.drain();
      assert.equal(requests.get('/img/wide.jpg'), 2, 'fetched again');
      assert.equal((await store.entries.get(wide.id))!.image?.key, key);
      assert.equal(await store.media.servable(key), true);
    });

    it('keeps an image another article shows when one of them is taken down, and deletes it with the last', async () => {
      const byTitle = await entries();
      const one = byTitle.get('shared-one')!;
      const two = byTitle.get('shared-two')!;
      const key = one.image!.key;
      const grant = (entry: Entry) =>
        store.rights.grant(
          {
            kind: 'url',
            urlKey: urlKey(entry.url),
            sourceId: null,
            author: null,
            domain: null,
            reason: 'asked',
            actor: 'test',
          },
          new Date(),
        );
      assert.equal((await grant(one)).removed, 1);
      assert.equal(await store.media.servable(key), true, 'the other article still shows it');
      await cache.drain();
      assert.ok(existsSync(cache.files.path(key, 960, 'jpg')));
      assert.equal((await store.entries.get(two.id))!.image?.key, key);

      assert.equal((await grant(two)).removed, 1);
      assert.equal(await store.media.servable(key), false, 'at once');
      await cache.drain();
      assert.ok(
        !existsSync(cache.files.path(key, 960, 'jpg')),
        'deleted with the last article that showed it',
      );
      assert.equal((await store.media.counts()).purged, 0, 'the removed entries’ lines are gone');
    });

    it('keeps within its disk bound, the oldest image going first', async () => {
      const before = await store.media.usage();
      assert.equal(before.images, 1);
      const small = new MediaCache({
        store,
        fetcher,
        robots: new RobotsRules(fetcher, config.poll.userAgent),
        config: { ...config, media: { ...config.media, maxDiskBytes: 1 } },
        logger: createLogger('silent'),
      });
      // The image is fetched again (hidden, then shown): past a bound that leaves room for nothing,
      // the oldest, here the only one, goes.
      const wide = (await entries()).get('wide')!;
      const oldKey = wide.image!.key;
      await store.entries.setWithheld([wide.id], 'hidden', 'test', new Date());
      await store.entries.setWithheld([wide.id], null, 'test', new Date());
      await small.drain();
      const after = await store.media.usage();
      assert.equal(after.bytes, 0, `evicted: ${JSON.stringify(after)}`);
      assert.ok(!existsSync(small.files.path(oldKey, 480, 'jpg')));
      assert.equal((await store.entries.get(wide.id))!.image, null, 'an evicted image is shown no more');
      assert.equal(files().length, 0);
    });
  });
}
