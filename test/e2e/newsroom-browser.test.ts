import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, fitsTheScreen, launchBrowser, seriousViolations } from '../support/browser.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesyOk, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * The newsroom's controls as an operator uses them, in Chromium against the real `courtesy serve`:
 * a feed that floods the home page is held to its share of it, with a line that says where the
 * rest are; an exclude rule set on a source's page keeps its sponsored articles off every public
 * surface at once, lists them under Filtered out with the reason, and one published by hand comes
 * back. Two loopback publishers: a quotations feed of twelve items, a newspaper of three.
 */

const PASSWORD = 'a long and careful passphrase';

for (const engine of ENGINES) {
  describe(`the newsroom's controls in the browser, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;
    let site: RunningSite;
    let browser: Browser;
    const now = Date.now();
    const item = (base: string, guid: string, title: string, minutesAgo: number, category = 'News') =>
      `<item><guid>${guid}</guid><title>${title}</title><link>${base}/${guid}</link>` +
      `<pubDate>${new Date(now - minutesAgo * 60_000).toUTCString()}</pubDate><category>${category}</category>` +
      `<description>Text of ${title}.</description></item>`;
    const channel = (title: string, base: string, items: string[], language = '') =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/</link>` +
      `${language ? `<language>${language}</language>` : ''}${items.join('')}</channel></rss>`;

    const run = (args: string[], input?: string) => courtesyOk(dataDir, args, input);
    const submit = async (page: Page, selector: string) => {
      await Promise.all([page.waitForEvent('load'), page.click(selector)]);
    };
    const text = async (path: string) => (await fetch(`${site.url}${path}`)).text();
    const shot = async (page: Page, name: string) => {
      for (const [scheme, width] of [
        ['light', 1280],
        ['dark', 1280],
        ['light', 390],
        ['dark', 390],
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({
          path: artifactPath(`newsroom-${name}-${width}-${scheme}.png`),
          fullPage: true,
        });
        assert.deepEqual(
          await seriousViolations(page),
          [],
          `${name} (${scheme}, ${width} px): no serious violations`,
        );
        if (width === 390) assert.ok(await fitsTheScreen(page), `${name} fits a phone`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 900 });
    };

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-newsroom-');
      publisher = await startTestServer((req, res) => {
        const base = `http://${req.headers.host}`;
        if (req.url === '/quotes.xml') {
          const quotes = Array.from({ length: 12 }, (_, i) =>
            item(base, `q${i}`, `Quote of the day ${i}`, 10 + i),
          );
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(channel('Quotations Daily', base, quotes, 'fr-fr'));
          return;
        }
        if (req.url === '/post.xml') {
          const stories = [
            item(base, 'p1', 'Council approves the bridge repairs', 40),
            item(base, 'p2', 'Best mattresses of the year', 50, 'Sponsored'),
            item(base, 'p3', 'Ferry timetable changes on Monday', 60),
          ];
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(channel('Riverside Post', base, stories));
          return;
        }
        res.writeHead(404).end();
      });
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        [
          '[site]',
          'name = "Newsroom Test"',
          `base_url = "http://127.0.0.1:${port}"`,
          'page_size = 6',
          'most_per_source = 4',
          '[server]',
          `port = ${port}`,
          '[poll]',
          'allow_private_networks = true',
          '',
        ].join('\n'),
      );
      await run(['sources', 'add', `${publisher.url}/quotes.xml`]);
      await run(['sources', 'add', `${publisher.url}/post.xml`]);
      await run(['poll', '--once', '--all']);
      await run(['sources', 'set', '2', '--section', 'Local news']);
      await run(['users', 'add', 'ada', '--password-stdin'], `${PASSWORD}\n`);
      site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      await site?.stop();
      await publisher?.close();
      await removeSiteFolder(dataDir);
    });

    it('holds a flooding feed to its share of the home page, and says where the rest are', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${site.url}/`);
      const titles = (await page.locator('.card h2').allTextContents()).map((t) => t.trim());
      assert.equal(titles.filter((t) => t.startsWith('Quote of the day')).length, 4, titles.join(' | '));
      assert.equal(
        titles.filter((t) => !t.startsWith('Quote of the day')).length,
        2,
        'the Post fills the rest of the page',
      );
      const more = (await page.textContent('.more-from')) ?? '';
      assert.match(more, /Also new: 8 more from Quotations Daily\./);
      assert.match(
        (await page.locator('.card h2').first().getAttribute('lang')) ?? '',
        /^fr-FR$/,
        'the language its feed declares, read by the poll',
      );
      await shot(page, 'home');
      await submit(page, '.more-from a');
      assert.match(page.url(), /\/sources\/1$/);
      assert.equal(
        (await page.$$('.card')).length,
        6,
        "the source's own page lists its articles, all of them paged",
      );
      assert.ok(await page.$('a[rel=next]'), 'with older ones after');
      await page.close();
    });

    it('keeps out what an exclude rule matches, everywhere at once, and publishes one by hand', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${site.url}/admin/login`);
      await page.fill('#field-name', 'ada');
      await page.fill('#field-password', PASSWORD);
      await submit(page, 'form.login button[type=submit]');
      const articleHref = (await text('/sources/2')).match(
        /href="(\/articles\/[^"]+)"[^>]*>Best mattresses/,
      )?.[1];
      assert.ok(articleHref, 'the sponsored article is on the site first');

      await page.goto(`${site.url}/admin/sources/2`);
      await page.fill('#field-exclude', 'titel:mattresses');
      await page.fill('#field-language', 'English');
      await submit(page, 'button[value=save]');
      assert.match(
        (await page.textContent('#field-exclude-error')) ?? '',
        /names no field “titel:” \(title, content, author or category\)/,
        'a mistyped field is refused at its field',
      );
      assert.equal(await page.inputValue('#field-exclude'), 'titel:mattresses', 'what was typed is kept');
      assert.match(
        (await page.textContent('#field-language-error')) ?? '',
        /“English” is not a language tag/,
      );
      await page.fill('#field-language', 'en-gb');
      await page.fill('#field-exclude', 'category:sponsored');
      await page.fill('#field-maxAgeDays', '30');
      await shot(page, 'source-intake');
      await submit(page, 'button[value=save]');
      assert.match(
        (await page.textContent('[role=status]')) ?? '',
        /the intake rules keep out 1 article of this source/,
      );
      for (const path of [
        '/',
        '/sources/2',
        '/feed.xml',
        '/feed.json',
        '/search?q=mattresses',
        '/sitemap.xml',
      ])
        assert.doesNotMatch(await text(path), /Best mattresses/, `gone from ${path}`);
      assert.equal((await fetch(`${site.url}${articleHref}`)).status, 404);
      assert.match(
        await text('/sources/2'),
        /<h2 lang="en-GB">/,
        'its articles are marked with its language',
      );

      await page.goto(`${site.url}/admin/articles?show=filtered`);
      const row = (await page.textContent('table')) ?? '';
      assert.match(row, /Best mattresses of the year/);
      assert.match(row, /exclude rule “category:sponsored”/);
      await shot(page, 'articles-filtered');
      await page.check('input[aria-label="Select Best mattresses of the year"]');
      await submit(page, 'button[value=publish]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Published 1 article/);
      assert.equal((await fetch(`${site.url}${articleHref}`)).status, 200, 'published by hand, it is back');
      await page.goto(`${site.url}/admin/log`);
      assert.match((await page.textContent('main')) ?? '', /intake[\s\S]*exclude “category:sponsored”/);
      await page.close();
    });

    it('gives a section its page and its feed', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${site.url}/sources`);
      await submit(page, 'nav[aria-label=Sections] >> text=Local news');
      assert.match(page.url(), /\/sections\/local-news$/);
      const titles = (await page.locator('.card h2').allTextContents()).map((t) => t.trim());
      assert.ok(titles.includes('Council approves the bridge repairs'), titles.join(' | '));
      assert.ok(!titles.some((t) => t.startsWith('Quote of the day')), 'only the section’s sources');
      await shot(page, 'section');
      assert.match(await text('/sections/local-news/feed.xml'), /Ferry timetable changes on Monday/);
      await page.close();
    });
  });
}
