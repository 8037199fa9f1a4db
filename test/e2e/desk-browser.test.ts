import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  artifactPath,
  fitsTheScreen,
  keyboardWalk,
  launchBrowser,
  seriousViolations,
} from '../support/browser.js';
import { ENGINES, removeSiteFolder, siteFolder, storeEnv } from '../support/engines.js';
import { openStore } from '../../src/store/index.js';
import { courtesyOk, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * The operator's desk as an operator uses it, in Chromium against the real `courtesy serve`: add a
 * source from a page of its site (the feed found and previewed before saving), fix a failing source
 * by giving it its new address, hide an article and see it gone from every public surface and
 * back, hold a source's new articles and publish one, and add an editor who then cannot open the
 * takedown decisions. The publisher is a loopback server whose feed moves.
 */

const PASSWORD = 'a long and careful passphrase';

const EDITOR_PASSWORD = 'another careful passphrase';

for (const engine of ENGINES) {
  describe(`the desk in the browser, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;
    let site: RunningSite;
    let browser: Browser;
    /** The path the publisher's feed answers at; the old one answers 404 once it moves. */
    let feedPath = '/feed.xml';
    const items = [
      { guid: 'd1', title: 'Desk tide tables', author: 'Tess Tide' },
      { guid: 'd2', title: 'Desk harbour dredging', author: 'Dora Dredge' },
    ];
    const rss = (base: string) =>
      '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
      `<title>Desk Daily</title><link>${base}/</link>` +
      items
        .map(
          (i) =>
            `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${base}/${i.guid}</link>` +
            `<dc:creator>${i.author}</dc:creator><description>Text of ${i.title}.</description></item>`,
        )
        .join('') +
      '</channel></rss>';
    const run = (args: string[], input?: string) => courtesyOk(dataDir, args, input);
    const submit = async (page: Page, selector: string) => {
      await Promise.all([page.waitForEvent('load'), page.click(selector)]);
    };
    const shot = async (page: Page, name: string) => {
      for (const [scheme, width] of [
        ['light', 1280],
        ['dark', 390],
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: artifactPath(`desk-${name}-${width}-${scheme}.png`), fullPage: true });
        assert.deepEqual(
          await seriousViolations(page),
          [],
          `${name} (${scheme}, ${width} px): no serious violations`,
        );
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 900 });
    };
    const signIn = async (name: string, password: string) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${site.url}/admin/login`);
      await page.fill('#field-name', name);
      await page.fill('#field-password', password);
      await submit(page, 'form.login button[type=submit]');
      return page;
    };
    const text = async (path: string) => (await fetch(`${site.url}${path}`)).text();
    /** A source as stored, read through a store of the test's own on the site's database. */
    const sourceOf = async (id: number) => {
      const store = await openStore(
        storeEnv(dataDir).DATABASE_URL ?? `sqlite:${join(dataDir, 'courtesy.sqlite')}`,
      );
      try {
        return (await store.sources.get(id))!;
      } finally {
        await store.close();
      }
    };

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-desk-');
      publisher = await startTestServer((req, res) => {
        const base = `http://${req.headers.host}`;
        if (req.url === '/') {
          res
            .writeHead(200, { 'content-type': 'text/html' })
            .end(
              `<!doctype html><html><head><title>Desk Daily</title><link rel="alternate" type="application/rss+xml" href="${feedPath}"></head><body>News</body></html>`,
            );
          return;
        }
        const article = /^\/(d\d+)$/.exec(req.url ?? '');
        if (article) {
          const item = items.find((i) => i.guid === article[1]);
          res
            .writeHead(item ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
            .end(
              `<!doctype html><html><head><title>${item?.title ?? 'Gone'}</title></head><body>` +
                '<nav><a href="/">Home</a> <a href="/weather">Weather</a></nav>' +
                `<div class="story"><h1>${item?.title ?? ''}</h1>` +
                '<p>The harbour master said the new tables take effect on Monday, after a winter of surveys.</p>' +
                '<aside class="promo">Subscribe to the Desk Daily for more tide news every morning.</aside>' +
                '<p>Boats leaving before dawn should check the revised times, which move by up to forty minutes.</p>' +
                '</div><footer>Desk Daily, all rights reserved</footer></body></html>',
            );
          return;
        }
        const imported = /^\/opml\/(politics|science)\.xml$/.exec(req.url ?? '');
        if (imported) {
          const topic = imported[1]!;
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(
              `<?xml version="1.0"?><rss version="2.0"><channel><title>The ${topic} wire</title><link>${base}/</link>` +
                `<item><guid>${topic}-1</guid><title>First ${topic} story</title><link>${base}/${topic}-1</link>` +
                `<description>Text.</description></item></channel></rss>`,
            );
          return;
        }
        if (req.url !== feedPath) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(base));
      });
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        [
          '[site]',
          'name = "Desk Test"',
          `base_url = "http://127.0.0.1:${port}"`,
          '[server]',
          `port = ${port}`,
          '',
        ].join('\n'),
      );
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

    it('adds a source from a page of its site, after a preview of what it would republish', async () => {
      const page = await signIn('ada', PASSWORD);
      assert.equal(new URL(page.url()).pathname, '/admin', 'the overview comes first');
      await shot(page, 'overview');
      await submit(page, 'nav[aria-label=Desk] >> text=Sources');
      await submit(page, 'text=Add a source');
      await page.fill('#field-url', `${publisher.url}/`);
      await submit(page, 'button[value=preview]');
      assert.match((await page.textContent('#preview-title')) ?? '', /Desk Daily: 2 entries in the feed now/);
      assert.match((await page.textContent('.preview')) ?? '', /Found the feed .*\/feed\.xml on the page/);
      assert.ok(
        await page.isVisible('.preview .attribution'),
        'each previewed article carries its attribution',
      );
      assert.doesNotMatch(await run(['sources', 'list']), /Desk Daily/, 'nothing is saved by a preview');
      await shot(page, 'add-preview');
      await submit(page, 'button[value=save]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Added/);
      await submit(page, 'text=Check now');
      assert.match(
        (await page.textContent('[role=status]')) ?? '',
        /Checked: (2 new articles|0 new articles, 0 edited, 2 unchanged)/,
      );
      assert.match(await text('/'), /Desk tide tables/);
      await shot(page, 'source');
      await page.close();
    });

    it('shows a failing source first, and fixes it with the feed’s new address', async () => {
      feedPath = '/news/feed.xml';
      const page = await signIn('ada', PASSWORD);
      await page.goto(`${site.url}/admin/sources/1`);
      await submit(page, 'text=Check now');
      assert.match((await page.textContent('[role=alert]')) ?? '', /The check failed: .*404/);
      await page.goto(`${site.url}/admin/sources?status=failing`);
      assert.match((await page.textContent('main')) ?? '', /1 source; failing ones first/);
      assert.match((await page.textContent('.desk-table')) ?? '', /HTTP 404/);
      await shot(page, 'sources-failing');
      await page.goto(`${site.url}/admin/sources/1`);
      await page.fill('#field-feedUrl', `${publisher.url}/news/feed.xml`);
      await submit(page, 'button[value=save]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Saved/);
      await submit(page, 'text=Check now');
      assert.match((await page.textContent('[role=status]')) ?? '', /Checked/);
      await page.goto(`${site.url}/admin/sources?status=failing`);
      assert.match((await page.textContent('main')) ?? '', /No source matches/);
      await page.close();
    });

    it('sets a scraper rule from a preview of the extraction on a recent article', async () => {
      const page = await signIn('ada', PASSWORD);
      await page.goto(`${site.url}/admin/sources/1`);
      await page.fill('#field-selector', 'div.story');
      await page.fill('#field-remove', 'aside.promo\nh1');
      await submit(page, 'button[value=extract]');
      assert.equal(new URL(page.url()).hash, '#extraction', 'the page opens at the preview');
      const found = (await page.textContent('#extraction')) ?? '';
      assert.match(found, /Found by the article selector: \d+ words/);
      assert.match(found, /Boats leaving before dawn/);
      assert.doesNotMatch(found, /Subscribe to the Desk Daily/, 'what the rules remove is gone');
      assert.doesNotMatch(found, /Weather|all rights reserved/, 'and what the selector leaves out');
      assert.equal(await page.inputValue('#field-remove'), 'aside.promo\nh1', 'what was typed is kept');
      assert.equal((await sourceOf(1)).scraperSelector, null, 'a preview saves nothing');
      await shot(page, 'extraction');

      await page.fill('#field-selector', 'div.nowhere');
      await submit(page, 'button[value=extract]');
      assert.match(
        (await page.textContent('#extraction [role=alert]')) ?? '',
        /the selector "div\.nowhere" matches nothing on the page/,
      );
      await page.fill('#field-selector', 'div.story');
      await page.check('#field-fullText');
      await submit(page, 'button[value=save]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Saved/);
      const saved = await sourceOf(1);
      assert.deepEqual(
        [saved.fullText, saved.scraperSelector, saved.scraperRemove],
        [true, 'div.story', ['aside.promo', 'h1']],
      );
      await page.close();
    });

    it('hides an article from every public surface, and shows it again', async () => {
      const page = await signIn('ada', PASSWORD);
      await page.goto(`${site.url}/admin/articles`);
      const articleHref = await page.getAttribute('a:text("Desk tide tables")', 'href');
      assert.ok(articleHref);
      await page.check('input[aria-label="Select Desk tide tables"]');
      await submit(page, 'button[value=hide]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Hid 1 article/);
      for (const path of [
        '/',
        '/sources/1',
        '/feed.xml',
        '/feed.json',
        '/authors/tess-tide',
        '/search?q=tide',
      ])
        assert.doesNotMatch(await text(path), /Desk tide tables/, `gone from ${path}`);
      assert.equal((await fetch(`${site.url}${articleHref}`)).status, 404);
      await page.goto(`${site.url}/admin/articles?show=hidden`);
      await shot(page, 'articles-hidden');
      await page.check('input[aria-label="Select Desk tide tables"]');
      await submit(page, 'button[value=show]');
      assert.match(await text('/'), /Desk tide tables/);
      assert.equal((await fetch(`${site.url}${articleHref}`)).status, 200);
      await page.goto(`${site.url}/admin/requests`);
      await submit(page, 'nav[aria-label=Takedowns] >> text=Audit log');
      const log = (await page.textContent('main')) ?? '';
      assert.match(log, /ada\s*hide/);
      assert.match(log, /ada\s*show/);
      await page.close();
    });

    it('holds a source’s new articles for review, and publishes one', async () => {
      const page = await signIn('ada', PASSWORD);
      await page.goto(`${site.url}/admin/sources/1`);
      await page.check('#field-holdNew');
      await submit(page, 'button[value=save]');
      items.push({ guid: 'd3', title: 'Desk lighthouse repainted', author: 'Lena Light' });
      await submit(page, 'text=Check now');
      assert.doesNotMatch(await text('/'), /Desk lighthouse repainted/, 'a held article waits');
      await page.goto(`${site.url}/admin`);
      assert.match((await page.textContent('.tiles')) ?? '', /Waiting for review\s*1/);
      await submit(page, 'text=The review queue');
      await page.check('input[aria-label="Select Desk lighthouse repainted"]');
      await submit(page, 'button[value=publish]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Published 1 article/);
      assert.match(await text('/'), /Desk lighthouse repainted/);
      await page.close();
    });

    it('adds an editor, who runs sources and articles but cannot open takedown decisions', async () => {
      const page = await signIn('ada', PASSWORD);
      await page.goto(`${site.url}/admin/people`);
      await page.fill('#new-name', 'eddie');
      await page.check('#new-role-editor');
      await page.fill('#new-password', EDITOR_PASSWORD);
      await submit(page, 'form[action="/admin/people"] button[type=submit]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Added/);
      await shot(page, 'people');
      await page.close();

      const editor = await signIn('eddie', EDITOR_PASSWORD);
      const menu = (await editor.textContent('nav[aria-label=Desk]')) ?? '';
      assert.match(menu, /Sources/);
      assert.doesNotMatch(menu, /Takedowns|Settings|People/);
      const refused = await editor.goto(`${site.url}/admin/requests`);
      assert.equal(refused?.status(), 403);
      assert.match(
        (await editor.textContent('main')) ?? '',
        /As editor, you cannot open the takedown requests/,
      );
      const people = await editor.goto(`${site.url}/admin/people`);
      assert.equal(people?.status(), 403);
      assert.equal((await editor.goto(`${site.url}/admin/settings`))?.status(), 403);
      assert.equal((await editor.goto(`${site.url}/admin/sources`))?.status(), 200);
      await editor.close();
    });

    it('imports an OPML file, its folders as sections, and reports each feed’s first check', async () => {
      const page = await signIn('ada', PASSWORD);
      await submit(page, 'nav[aria-label=Desk] >> text=Sources');
      await submit(page, 'text=Import OPML');
      const base = publisher.url;
      const opml =
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>' +
        `<outline text="Politics"><outline text="Politics wire" xmlUrl="${base}/opml/politics.xml"/>` +
        `<outline text="Gone" xmlUrl="${base}/opml/gone.xml"/></outline>` +
        `<outline text="Science"><outline text="Science wire" xmlUrl="${base}/opml/science.xml"/></outline>` +
        `<outline text="Desk Daily again" xmlUrl="${base}${feedPath}"/>` +
        '<outline text="Typo" xmlUrl="htp:/typo"/></body></opml>';
      await page.setInputFiles('#field-file', {
        name: 'subscriptions.opml',
        mimeType: 'text/x-opml',
        buffer: Buffer.from(opml),
      });
      await submit(page, 'form[action="/admin/sources/import"] button[type=submit]');
      assert.match(
        (await page.textContent('[role=status]')) ?? '',
        /5 feeds in subscriptions\.opml: 3 added, 1 already subscribed, 1 refused\./,
      );
      const rows = await page.locator('main table tbody tr').allTextContents();
      const row = (name: string) => rows.find((r) => r.includes(name)) ?? '';
      assert.match(row('Politics wire'), /Politics\s*added 1 article stored from “The politics wire”/);
      assert.match(row('Science wire'), /Science\s*added 1 article stored/);
      assert.match(row('Gone'), /failing added, but its first check failed: .*404/);
      assert.match(row('Desk Daily'), /already a source/);
      assert.match(row('Typo'), /refused .*not an http:\/\/ or https:\/\/ address/);
      await shot(page, 'import');

      await submit(page, 'text=The new sources in the list of sources');
      assert.match((await page.textContent('main [role=status]')) ?? '', /3 sources; failing ones first/);
      await page.selectOption('#filter-section', 'Politics');
      await submit(page, 'form.filters button[type=submit]');
      const listed = await page.locator('main table tbody tr').allTextContents();
      assert.equal(listed.length, 2);
      assert.match(listed[0]!, /Gone.*failing/s, 'the failing one first');
      assert.match(await text('/'), /First politics story/);
      await page.close();
    });

    it('keeps every page of the desk clean under axe in both themes, unclipped at 390 px, and usable from the keyboard', async () => {
      const page = await signIn('ada', PASSWORD);
      const pages = [
        '/admin',
        '/admin/sources',
        '/admin/sources?status=failing',
        '/admin/sources/new',
        '/admin/sources/import',
        '/admin/sources/1',
        '/admin/articles',
        '/admin/articles?show=held',
        '/admin/articles?show=hidden',
        '/admin/requests',
        '/admin/rules',
        '/admin/log',
        '/admin/outbox',
        '/admin/outbox?show=sent',
        '/admin/settings',
        '/admin/people',
      ];
      for (const path of pages) {
        await page.goto(`${site.url}${path}`);
        for (const [scheme, width] of [
          ['light', 1280],
          ['dark', 1280],
          ['light', 390],
          ['dark', 390],
        ] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.setViewportSize({ width, height: 900 });
          assert.deepEqual(await seriousViolations(page), [], `${path} (${scheme}, ${width} px)`);
          if (width === 390)
            assert.ok(
              await fitsTheScreen(page),
              `${path} (${scheme}): nothing wider than the screen; wide tables scroll in their own frame`,
            );
        }
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1280, height: 900 });
        const unreached = await keyboardWalk(page);
        assert.deepEqual(unreached, [], `${path}: every control is reached with Tab, with a visible focus`);
      }
      await page.close();
    });

    it('changes the site’s name, colours and menu from Settings, refusing an illegible colour', async () => {
      const page = await signIn('ada', PASSWORD);
      await submit(page, 'nav[aria-label=Desk] >> text=Settings');
      await page.fill('#field-name', 'Harbour Desk');
      await page.fill('#field-accentLight', '#ffcc00');
      await page.fill('#field-menu', 'Harbour news | /sources');
      await submit(page, 'button[value=save]');
      assert.match((await page.textContent('[role=alert]')) ?? '', /Not saved: one setting needs a change/);
      assert.match(
        (await page.textContent('#field-accentLight-error')) ?? '',
        /#ffcc00 has a contrast of 1\.\d:1 against the light theme's backgrounds/,
      );
      assert.equal(await page.inputValue('#field-name'), 'Harbour Desk', 'what was typed is kept');
      assert.match(await text('/'), /<title>Desk Test<\/title>/, 'nothing was saved');

      await page.fill('#field-accentLight', '#1d4ed8');
      await submit(page, 'button[value=preview]');
      assert.match((await page.textContent('.swatches')) ?? '', /a link in #1d4ed8/);
      assert.match((await page.textContent('.attribution')) ?? '', /courtesy of/);
      assert.match(await text('/'), /<title>Desk Test<\/title>/, 'a preview saves nothing');
      await shot(page, 'settings');

      await submit(page, 'button[value=save]');
      assert.match((await page.textContent('[role=status]')) ?? '', /Saved/);
      assert.match((await page.textContent('#field-name-file')) ?? '', /courtesy\.toml says: Desk Test/);
      const home = await text('/');
      assert.match(home, /<title>Harbour Desk<\/title>/);
      assert.match(home, /<a href="\/sources"[^>]*>Harbour news<\/a>/);
      const theme = /href="(\/static\/theme\.css\?v=[^"]+)"/.exec(home)?.[1];
      assert.ok(theme, 'the home page names the theme');
      assert.match(await text(theme), /--accent: #1d4ed8;/);
      assert.match(await text('/feed.xml'), /<title>Harbour Desk<\/title>/);
      await page.goto(`${site.url}/admin/log`);
      assert.match((await page.textContent('main')) ?? '', /change-settings\s*name, accentLight, menu/);

      await page.goto(`${site.url}/admin/settings`);
      await submit(page, 'form[action="/admin/settings/reset"] button');
      assert.match((await page.textContent('[role=status]')) ?? '', /courtesy\.toml’s again/);
      assert.match(await text('/'), /<title>Desk Test<\/title>/);
      await page.close();
    });
  });
}
