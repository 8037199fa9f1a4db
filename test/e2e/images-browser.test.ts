import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, fitsTheScreen, launchBrowser, seriousViolations } from '../support/browser.js';
import { courtesyOk, serve, type RunningSite } from '../support/cli.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';
import { testImage } from '../support/images.js';

/**
 * Lead images as a reader sees them, in Chromium against the real `courtesy serve` after a real
 * `poll --once`: three loopback publishers (full text, excerpt, link only) whose feeds name their
 * pictures in each of the ways feeds do. Every picture comes from the site itself, nothing moves
 * while the pages load, and each policy shows what it allows.
 */

const LAYOUT_SHIFT = `new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve(total), 300);
})`;

for (const engine of ENGINES) {
  describe(`lead images in the browser, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;
    let site: RunningSite;
    let browser: Browser;
    const pictures = new Map<string, Buffer>();
    const now = Date.now();

    const run = (args: string[], input?: string) => courtesyOk(dataDir, args, input);
    /** Opens a page, lets it settle, and says what it asked of other hosts and how far it moved. */
    const visit = async (page: Page, path: string) => {
      const elsewhere: string[] = [];
      const listener = (request: { url(): string }) => {
        if (!request.url().startsWith(site.url)) elsewhere.push(request.url());
      };
      page.on('request', listener);
      await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
      const shift = await page.evaluate<number>(LAYOUT_SHIFT);
      page.off('request', listener);
      return { elsewhere, shift };
    };
    const shots = async (page: Page, path: string, name: string) => {
      for (const [scheme, width] of [
        ['light', 1280],
        ['dark', 1280],
        ['light', 390],
        ['dark', 390],
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        const { elsewhere, shift } = await visit(page, path);
        assert.deepEqual(elsewhere, [], `${name}: no request to any host but the site's own`);
        assert.ok(shift < 0.05, `${name} (${width} px): cumulative layout shift ${shift}`);
        await page.screenshot({
          path: artifactPath(`images-${name}-${width}-${scheme}.png`),
          fullPage: false,
        });
        assert.deepEqual(await seriousViolations(page), [], `${name} (${scheme}, ${width} px)`);
        if (width === 390) assert.ok(await fitsTheScreen(page), `${name} fits a phone`);
      }
    };

    before(async () => {
      pictures.set('/img/bridge.jpg', await testImage(1600, 1000));
      pictures.set('/img/library.png', await testImage(900, 600, 'png'));
      pictures.set('/img/festival.jpg', await testImage(1200, 675));
      pictures.set('/img/storm.jpg', await testImage(800, 600));
      pictures.set('/img/ferry.jpg', await testImage(1000, 700));
      dataDir = await siteFolder(engine, 'courtesy-images-');
      publisher = await startTestServer((req, res) => {
        const base = `http://${req.headers.host}`;
        const item = (guid: string, title: string, minutesAgo: number, extra: string) =>
          `<item><guid>${guid}</guid><title>${title}</title><link>${base}/news/${guid}.html</link>` +
          `<pubDate>${new Date(now - minutesAgo * 60_000).toUTCString()}</pubDate><author>desk@post.example (Ada Lovelace)</author>${extra}</item>`;
        const channel = (title: string, items: string[]) =>
          `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/">` +
          `<channel><title>${title}</title><link>${base}/</link>${items.join('')}</channel></rss>`;
        const feeds: Record<string, string> = {
          '/post.xml': channel('Riverside Post', [
            item(
              'bridge',
              'Bridge repairs begin on the east span',
              10,
              `<description>Crews started work on Monday on the bridge that carries forty thousand cars a day.</description><media:thumbnail url="${base}/img/bridge.jpg" width="1600"/>`,
            ),
            item(
              'library',
              'Council approves the new library budget',
              20,
              `<content:encoded><![CDATA[<figure><img src="${base}/img/library.png" alt="The library"><figcaption>The central branch.</figcaption></figure><p>The council voted seven to two for the budget, which adds Sunday hours at the central branch.</p><p><img src="${base}/img/ferry.jpg" alt="The ferry landing"></p><p><a href="${base}/img/nowhere.jpg"><img src="${base}/img/nowhere.jpg"></a></p><p>The vote was on Monday.</p>]]></content:encoded>`,
            ),
          ]),
          '/weekly.xml': channel('Valley Weekly', [
            item(
              'festival',
              'Harvest festival draws record crowds',
              30,
              `<description>More than twelve thousand people came to the riverside for the weekend festival, the most since it began.</description><enclosure url="${base}/img/festival.jpg" type="image/jpeg" length="1"/>`,
            ),
          ]),
          '/wire.xml': channel('Wire Digest', [
            item(
              'storm',
              'Storm warning for the weekend',
              40,
              `<description>Forecasters expect winds of up to ninety kilometres an hour.</description><media:content url="${base}/img/storm.jpg" medium="image"/>`,
            ),
          ]),
        };
        const url = req.url ?? '';
        if (feeds[url])
          return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feeds[url]);
        const picture = pictures.get(url);
        if (picture)
          return void res
            .writeHead(200, { 'content-type': url.endsWith('.png') ? 'image/png' : 'image/jpeg' })
            .end(picture);
        res.writeHead(404).end();
      });
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        [
          '[site]',
          'name = "Pictures Test"',
          `base_url = "http://127.0.0.1:${port}"`,
          '[server]',
          `port = ${port}`,
          '[poll]',
          'allow_private_networks = true',
          '',
        ].join('\n'),
      );
      await run(['sources', 'add', `${publisher.url}/post.xml`]);
      await run(['sources', 'add', `${publisher.url}/weekly.xml`, '--policy', 'excerpt']);
      await run(['sources', 'add', `${publisher.url}/wire.xml`, '--policy', 'link']);
      const polled = await run(['poll', '--once', '--all']);
      assert.match(polled, /images: 6 worked; 5 kept, 1 not shown/, polled);
      await run(['sources', 'set', '1', '--section', 'Local news']);
      site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      await site?.stop();
      await publisher?.close();
      await removeSiteFolder(dataDir);
    });

    it('opens each card with its picture from the site, as each source’s policy allows', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await visit(page, '/');
      const cards = await page.evaluate<
        Array<{ title: string; src: string | null; loaded: boolean | null; excerpt: string | null }>
      >(`
        [...document.querySelectorAll('.card')].map((card) => {
          const img = card.querySelector('img');
          return {
            title: card.querySelector('h2')?.textContent?.trim() ?? '',
            src: img ? img.currentSrc : null,
            loaded: img ? img.complete && img.naturalWidth > 0 : null,
            excerpt: card.querySelector('.excerpt')?.textContent ?? null,
          };
        })`);
      const card = (title: string) => cards.find((c) => c.title.startsWith(title))!;
      for (const title of ['Bridge repairs', 'Council approves', 'Harvest festival']) {
        assert.match(
          card(title).src ?? '',
          new RegExp(`^${site.url}/media/[0-9a-f]{32}-(480|960)\\.webp$`),
          title,
        );
        assert.equal(card(title).loaded, true, `${title}: the picture loaded`);
      }
      assert.equal(card('Storm warning').src, null, 'a link-only source shows no picture');
      assert.equal(card('Storm warning').excerpt, null, '… and none of its words');
      assert.match(card('Harvest festival').excerpt ?? '', /More than twelve thousand people/);
      await page.close();
    });

    it('keeps every picture on the site, and nothing moves while pages load, in both themes and widths', async () => {
      const page = await browser.newPage();
      const home = await (await fetch(`${site.url}/`)).text();
      const article = (title: string) => home.match(new RegExp(`href="(/articles/[^"]+)">${title}`))?.[1];
      const full = article('Council approves');
      const excerpt = article('Harvest festival');
      assert.ok(full && excerpt);
      await shots(page, '/', 'home');
      await shots(page, '/sections/local-news', 'section');
      await shots(page, full, 'article');
      const lead = await page.evaluate<{ width: string | null; height: string | null }>(`(() => {
        const img = document.querySelector('.lead-image img');
        return { width: img.getAttribute('width'), height: img.getAttribute('height') };
      })()`);
      assert.deepEqual([lead.width, lead.height], ['900', '600'], 'the lead image gives its size');
      const inText = await page.evaluate<Array<{ src: string; alt: string; width: string | null }>>(`
        [...document.querySelectorAll('.content img')].map((img) => ({ src: img.currentSrc, alt: img.alt, width: img.getAttribute('width') }))`);
      assert.equal(
        inText.length,
        1,
        'the text’s own copy of the lead stands aside, and a picture never fetched is left out',
      );
      assert.match(
        inText[0]!.src,
        new RegExp(`^${site.url}/media/[0-9a-f]{32}-960\\.webp$`),
        'the text’s picture from the site',
      );
      assert.equal(inText[0]!.alt, 'The ferry landing');
      assert.match((await page.textContent('.content figcaption')) ?? '', /The central branch/);
      await shots(page, excerpt, 'excerpt');
      assert.match(
        await page.evaluate<string>(`document.querySelector('.thumbnail img').currentSrc`),
        /-480\.webp$/,
        'an excerpt shows a thumbnail only',
      );
      await page.close();
    });
  });
}
