import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testImage } from '../../test/support/images.js';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import { MediaFiles } from '../media/files.js';
import { resizeImage } from '../media/resize.js';
import type { EntryInput } from '../model/entry.js';
import { mediaKey } from '../model/media.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';
import { articlePath } from './paths.js';

const t0 = new Date('2026-05-01T08:00:00Z');
const PICTURE = 'https://news.example/images/bridge.jpg';
const INLINE = 'https://news.example/images/old-span.png';
const MISSING = 'https://news.example/images/never.jpg';

/**
 * The site shows lead images from its own copies only: cards and articles as each source's policy
 * allows, with their size given, and the copies served only while their article is public.
 */
describe('lead images on the site', () => {
  let store: Store;
  let dir: string;
  let get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  let key: string;
  let sourceId: number;
  let entryId: number;
  let article: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-web-media-'));
    store = await openSqliteStore(':memory:');
    const defaults = loadConfig({ dataDir: dir }, {});
    const config: Config = {
      ...defaults,
      site: { ...defaults.site, baseUrl: 'https://mirror.example' },
      media: { ...defaults.media, dir: join(dir, 'media') },
    };
    const logger = createLogger('silent');
    const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const app = createApp({
      store,
      config,
      logger,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    get = async (path, headers = {}) => app.fetch(new Request(`https://mirror.example${path}`, { headers }));

    const source = await store.sources.add(
      { feedUrl: 'https://news.example/feed', name: 'Riverside Post' },
      t0,
    );
    sourceId = source.id;
    const entry: EntryInput = {
      guid: 'urn:bridge',
      url: 'https://news.example/bridge',
      title: 'Bridge repairs begin',
      author: 'Ada Lovelace',
      publishedAt: t0,
      updatedAt: null,
      summaryHtml:
        '<p>Crews started work on Monday on the bridge that carries forty thousand cars a day.</p>',
      contentHtml:
        `<figure><img src="${PICTURE}" alt="The bridge"><figcaption>The east span.</figcaption></figure><p>Crews started work on Monday.</p>` +
        `<p><img src="${INLINE}" alt="The old span, 1950"></p><p><a href="${MISSING}"><img src="${MISSING}"></a></p><p>The end.</p>`,
      categories: [],
      enclosures: [],
      contentHash: 'bridge',
      imageUrl: PICTURE,
      pictureUrls: [PICTURE, INLINE, MISSING],
    };
    await store.entries.saveRefresh(source.id, [entry], {}, t0);
    // The media cache's work, done by hand: the copies on disk, the lines ready (but one).
    const tasks = await store.media.claim(t0, 10, 60_000);
    assert.deepEqual(
      tasks.map((t) => [t.role, t.url]).sort(),
      [
        ['inline', MISSING],
        ['inline', INLINE],
        ['lead', PICTURE],
      ],
      'the lead image once, and the other pictures of the text',
    );
    const files = new MediaFiles(config.media.dir);
    for (const task of tasks) {
      if (task.url === MISSING) {
        await store.media.finish(task, { state: 'failed', note: 'media: gone' }, t0);
        continue;
      }
      const lead = task.url === PICTURE;
      const copies = await resizeImage(await testImage(lead ? 1600 : 640, lead ? 900 : 480), task.role);
      const bytes = await files.write(task.key, copies);
      await store.media.finish(
        task,
        { state: 'ready', width: lead ? 960 : 640, height: lead ? 540 : 480, bytes },
        t0,
      );
      if (lead) {
        key = task.key;
        entryId = task.entryId;
      }
    }
    assert.equal(key, mediaKey(PICTURE));
    article = articlePath((await store.entries.get(entryId))!);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each card its image, from the site, with its size, and the opening words', async () => {
    const home = await (await get('/')).text();
    assert.match(
      home,
      new RegExp(
        `<source type="image/webp" srcset="/media/${key}-480.webp 480w, /media/${key}-960.webp 960w"`,
      ),
    );
    assert.match(
      home,
      new RegExp(
        `<img src="/media/${key}-480.jpg" srcset="[^"]+" sizes="[^"]+" width="960" height="540" alt=""`,
      ),
    );
    assert.match(home, /<p class="excerpt">Crews started work on Monday on the bridge/);
    assert.doesNotMatch(home, /news\.example\/images/, 'the publisher is not hotlinked');
  });

  it('opens the article with the image, in place of the same picture in the text', async () => {
    const page = await (await get(article)).text();
    assert.match(
      page,
      new RegExp(
        `<picture class="lead-image"><source type="image/webp" srcset="/media/${key}-480.webp 480w, /media/${key}-960.webp 960w"`,
      ),
    );
    assert.doesNotMatch(page, /news\.example\/images\/bridge\.jpg"/, 'the text’s own copy is taken out');
    assert.match(page, /<figcaption>The east span.<\/figcaption>/);
    assert.match(
      page,
      new RegExp(`<meta property="og:image" content="https://mirror.example/media/${key}-960.jpg"/>`),
    );
  });

  it('serves the copies with validators, and nothing else under /media/', async () => {
    const res = await get(`/media/${key}-960.webp`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    assert.equal(res.headers.get('cache-control'), 'public, no-cache');
    const etag = res.headers.get('etag')!;
    assert.ok((await res.arrayBuffer()).byteLength > 1000);
    assert.equal((await get(`/media/${key}-960.webp`, { 'if-none-match': etag })).status, 304);
    assert.equal((await get(`/media/${key}-480.jpg`)).headers.get('content-type'), 'image/jpeg');
    for (const path of [
      `/media/${key}-720.webp`,
      `/media/${'0'.repeat(32)}-480.webp`,
      '/media/../courtesy.sqlite',
      `/media/${key}-480.png`,
    ])
      assert.equal((await get(path)).status, 404, path);
  });

  it('shows a thumbnail for an excerpt, and no image for a link-only source', async () => {
    await store.sources.update(sourceId, { policy: 'excerpt' });
    const excerpt = await (await get(article)).text();
    assert.match(
      excerpt,
      new RegExp(`<picture class="thumbnail"><source type="image/webp" srcset="/media/${key}-480.webp 480w"`),
    );
    assert.doesNotMatch(excerpt, /-960\./, 'the thumbnail only');
    assert.doesNotMatch(excerpt, /og:image/);
    await store.sources.update(sourceId, { policy: 'link' });
    for (const path of ['/', article]) {
      const page = await (await get(path)).text();
      assert.doesNotMatch(page, /<picture|\/media\//, path);
      assert.doesNotMatch(page, /class="excerpt"/, path);
    }
    await store.sources.update(sourceId, { policy: 'full' });
  });

  it('serves a hidden article’s image no more, at once', async () => {
    await store.entries.setWithheld([entryId], 'hidden', 'test', new Date());
    assert.equal((await get(`/media/${key}-480.webp`)).status, 404);
    assert.doesNotMatch(await (await get('/')).text(), /\/media\//);
  });
});
