import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchBrowser, seriousViolations } from '../support/browser.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * The public site as a reader uses it, in Chromium against the real `courtesy serve`: home, paging,
 * a source, an author, a tag, search, an article and its attribution links, the about page, the
 * feeds; light and dark, phone and desktop; each page photographed and checked with axe-core.
 */

const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
const TAGS = ['Sea', 'Science', 'Politics'];

for (const engine of ENGINES) {
  describe(`the public site in the browser, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;
    let site: RunningSite;
    let browser: Browser;

    const feed = (base: string) =>
      '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
      `<title>The Loopback Gazette</title><link>${base}/</link><description>News from the loopback harbour.</description>` +
      Array.from({ length: 30 }, (_, i) => {
        const n = i + 1;
        return (
          `<item><guid>${base}/story-${n}</guid><title>Harbour story number ${n}</title><link>${base}/story-${n}</link>` +
          `<dc:creator>${AUTHORS[n % 3]}</dc:creator><category>${TAGS[n % 3]}</category>` +
          `<pubDate>${new Date(Date.UTC(2026, 10, 1) + n * 3_600_000).toUTCString()}</pubDate>` +
          `<description><![CDATA[<p>The ${n % 2 ? 'ferry' : 'lifeboat'} crew reported calm water on day ${n}.</p><p>A second paragraph, with <a href="/more">a link</a>.</p>]]></description></item>`
        );
      }).join('') +
      '</channel></rss>';

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-site-');
      publisher = await startTestServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(`http://${req.headers.host}`));
      });
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        [
          '[site]',
          'name = "Loopback News"',
          `base_url = "http://127.0.0.1:${port}"`,
          'contact_email = "desk@loopback-news.example"',
          'page_size = 10',
          'logo = "logo.svg"',
          'accent = "#0b5394"',
          'accent_dark = "#99ccff"',
          '[[site.menu]]',
          'label = "Latest"',
          'url = "/"',
          '[[site.menu]]',
          'label = "Science"',
          'url = "/tags/science"',
          '[server]',
          `port = ${port}`,
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dataDir, 'logo.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="32" viewBox="0 0 40 32">' +
          '<rect width="40" height="32" rx="6" fill="#0b5394"/><path d="M8 22 20 8l12 14z" fill="#fff"/></svg>',
      );
      const add = await courtesy(dataDir, ['sources', 'add', `${publisher.url}/feed.xml`]);
      assert.equal(add.code, 0, add.stderr);
      assert.equal((await courtesy(dataDir, ['poll', '--once'])).code, 0);
      site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      await site?.stop();
      await publisher?.close();
      await removeSiteFolder(dataDir);
    });

    /** Clicks a link (or a submit button) and waits until the next page has loaded. */
    const follow = async (page: Page, selector: string) => {
      const from = page.url();
      await page.click(selector);
      await page.waitForURL((url) => url.href !== from);
      await page.waitForLoadState('load');
    };

    const look = async (page: Page, name: string) => {
      await page.screenshot({ path: artifactPath(name), fullPage: true });
      assert.deepEqual(
        await seriousViolations(page),
        [],
        `${name}: no serious or critical accessibility violations`,
      );
    };

    for (const [width, height, label] of [
      [1200, 900, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      it(`reads well at ${label} width, in light and dark`, async () => {
        const page = await browser.newPage({ viewport: { width, height } });
        await page.goto(`${site.url}/`);
        assert.equal(await page.locator('.card').count(), 10, 'a page of ten');
        const accent = () => page.evaluate("getComputedStyle(document.querySelector('.pager a')).color");
        assert.equal(await accent(), 'rgb(11, 83, 148)', "links take the operator's accent");
        await look(page, `home-${label}.png`);
        await page.emulateMedia({ colorScheme: 'dark' });
        const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
        assert.equal(background, 'rgb(22, 23, 26)', 'the dark theme follows the system');
        assert.equal(await accent(), 'rgb(153, 204, 255)', "and the operator's dark accent");
        await look(page, `home-${label}-dark.png`);
        await page.emulateMedia({ colorScheme: 'light' });
        await follow(page, '.card h2 a >> nth=0');
        assert.match(page.url(), /\/articles\/\d+\/harbour-story-number-30$/);
        await look(page, `article-${label}.png`);
        await page.close();
      });
    }

    it("shows the operator's logo, name and menu in the header", async () => {
      const page = await browser.newPage();
      await page.goto(`${site.url}/about`);
      assert.deepEqual(
        await page.evaluate(
          "(({ naturalWidth, width, height, alt }) => [naturalWidth, width, height, alt])(document.querySelector('.site-name img'))",
        ),
        [40, 40, 32, ''],
        'the logo loads at its own size (the name beside it is the text alternative)',
      );
      assert.equal(await page.textContent('.site-name'), 'Loopback News');
      const menu = await page.locator('nav[aria-label] a').allTextContents();
      assert.deepEqual(
        menu.map((t) => t.trim()).filter((t) => ['Latest', 'Science', 'About', 'Contact'].includes(t)),
        ['Latest', 'Science', 'About', 'Contact'],
      );
      await page.click('nav[aria-label] >> text=Science');
      await page.waitForURL(/\/tags\/science$/);
      assert.equal(await page.locator('.card').count(), 10);
      await page.close();
    });

    it('pages through the home page, and visits a source, an author and a tag', async () => {
      const page = await browser.newPage();
      await page.goto(`${site.url}/`);
      const first = await page.locator('.card h2').allTextContents();
      await follow(page, 'text=Older articles →');
      const second = await page.locator('.card h2').allTextContents();
      assert.equal(second.length, 10);
      assert.ok(!second.some((t) => first.includes(t)), 'no repeats across pages');
      await follow(page, 'text=Older articles →');
      assert.equal(await page.locator('.card').count(), 10);
      assert.equal(await page.locator('text=Older articles →').count(), 0, 'the last page has no next link');

      await page.goto(`${site.url}/`);
      await follow(page, '.card .meta a[href^="/sources/"] >> nth=0');
      assert.equal(await page.textContent('h1'), 'The Loopback Gazette');
      assert.match((await page.textContent('.lede')) ?? '', /News from the loopback harbour/);
      await look(page, 'source.png');

      await follow(page, '.card .meta a[rel=author] >> nth=0');
      assert.match(page.url(), /\/authors\/(ada-lovelace|grace-hopper|alan-turing)$/);
      assert.equal(await page.locator('.card').count(), 10);
      await look(page, 'author.png');

      await page.goto(`${site.url}/articles/1/x`);
      await follow(page, '.tags a >> nth=0');
      assert.match(page.url(), /\/tags\/(sea|science|politics)$/);
      await look(page, 'tag.png');
      await page.close();
    });

    it('searches from the header without any script, with highlighted passages and filters', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${site.url}/`);
      await page.fill('#site-search', 'ferry calm');
      await page.press('#site-search', 'Enter');
      await page.waitForURL(/\/search\?q=ferry\+calm$/);
      assert.match((await page.textContent('#results-title')) ?? '', /^15 articles match; 1–10 shown\./);
      assert.equal(await page.locator('mark >> text=ferry').count(), 10);
      // axe runs as a script: the same page, looked at in a context that has scripts (the site has none).
      const withScripts = await browser.newPage();
      await withScripts.goto(page.url());
      await look(withScripts, 'search.png');
      await withScripts.close();
      await follow(page, 'text=More results →');
      assert.equal(await page.locator('.card').count(), 5);
      await page.selectOption('#search-order', 'recent');
      await page.fill('#search-q', '"lifeboat crew" -day');
      await follow(page, 'form.search-form button[type=submit]');
      assert.match((await page.textContent('#results-title')) ?? '', /Nothing matches/);
      await context.close();
    });

    it('follows the attribution links to the original and to the takedown page', async () => {
      const page = await browser.newPage();
      await page.goto(`${site.url}/articles/1/x`);
      const original = await page.getAttribute('.attribution-original', 'href');
      assert.equal(original, `${publisher.url}/story-1`);
      const sourceSite = await page.getAttribute('.attribution-source-site', 'href');
      assert.equal(sourceSite, `${publisher.url}/`);
      const response = await page.request.get(original ?? '');
      assert.equal(response.status(), 200, 'the original answers');
      await follow(page, '.attribution >> text=takedown page');
      assert.equal(await page.inputValue('#field-urls'), `${publisher.url}/story-1`);
      await page.goto(`${site.url}/about`);
      assert.match((await page.textContent('main')) ?? '', /from 1 publisher \(30 articles at present\)/);
      await look(page, 'about.png');
      const feed = await page.request.get(`${site.url}/feed.xml`);
      assert.match(await feed.text(), /<title>Harbour story number 30<\/title>/);
      await page.close();
    });
  });
}
