import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';
import { xssVectors, type Vector } from '../xss/vectors.js';

/**
 * Every vector of the XSS corpus (test/xss/vectors.ts) goes in through every way a publisher can
 * send HTML: RSS content, Atom titles, summaries and authors, JSON Feed content, authors and tags,
 * and the article pages of a full-text source. Then every article page, the home page and the
 * search results open in Chromium, with the Content Security Policy switched off so that the
 * sanitizer alone stands between the vectors and the reader, and with `alert`, `confirm`,
 * `prompt` and `print` reporting any call, dialogs caught, and scripts, fetches and XHRs to any
 * address counted. A control page proves that the instrumentation sees a vector that runs and a
 * `javascript:` link that is followed. Zero executions is the only pass.
 */

const VECTORS = xssVectors();
const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const cdata = (s: string) => `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
/** Every entry says this word, so that one search finds them all. */
const PROBE = 'xssprobe';
const prose = (v: Vector) =>
  `<p>${PROBE} vector ${v.n}: the quarterly report of the harbour authority was published today, with figures on shipping, ferries, fishing and the weather.</p>`;

function rss(base: string): string {
  const items = VECTORS.map(
    (v) =>
      `<item><guid>rss:${v.n}</guid><title>RSS vector ${v.n}</title><link>${base}/rss/${v.n}</link>` +
      `<content:encoded>${cdata(`${prose(v)}${v.html}`)}</content:encoded>` +
      `<description>${esc(v.html)}</description><dc:creator>${esc(v.html)}</dc:creator></item>`,
  );
  // Links that are themselves scripts: an entry's link is the way to the original on every page.
  items.push(
    `<item><guid>rss:link-1</guid><title>Link vector</title><link>javascript:alert(901)</link><description>${PROBE}</description></item>`,
    `<item><guid>rss:link-2</guid><title>Data link vector</title><link>data:text/html,&lt;script&gt;alert(902)&lt;/script&gt;</link><description>${PROBE}</description></item>`,
    `<item><guid>rss:link-3</guid><title>Enclosure vector</title><link>${base}/rss/enc</link><description>${PROBE}</description><enclosure url="javascript:alert(903)" type="audio/mpeg" length="1"/></item>`,
  );
  return (
    '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    `<channel><title>RSS vectors</title><link>${base}/</link><description>d</description>${items.join('')}</channel></rss>`
  );
}

function atom(base: string): string {
  const entries = VECTORS.map(
    (v) =>
      `<entry><id>atom:${v.n}</id><title type="html">${esc(`Atom ${v.n} ${v.html}`)}</title>` +
      `<link href="${base}/atom/${v.n}"/><updated>2026-11-30T10:00:00Z</updated>` +
      `<author><name>${esc(v.html)}</name></author>` +
      `<summary type="html">${esc(`${prose(v)}${v.html}`)}</summary></entry>`,
  );
  return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom vectors</title><id>atom:feed</id><updated>2026-11-30T10:00:00Z</updated><link href="${base}/"/>${entries.join('')}</feed>`;
}

function json(base: string): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'JSON vectors',
    home_page_url: `${base}/`,
    items: VECTORS.map((v) => ({
      id: `json:${v.n}`,
      url: `${base}/json/${v.n}`,
      title: `JSON vector ${v.n}`,
      content_html: `${prose(v)}${v.html}`,
      authors: [{ name: `Author ${v.n} ${v.html}` }],
      tags: [`tag ${v.n} ${v.html}`],
    })),
  });
}

/** A full-text source: summaries in the feed, each vector inside the article of its page. */
function fullTextFeed(base: string): string {
  const items = VECTORS.map(
    (v) =>
      `<item><guid>page:${v.n}</guid><title>Page vector ${v.n}</title><link>${base}/pages/${v.n}.html</link><description>${PROBE} summary ${v.n}</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Page vectors</title><link>${base}/</link><description>d</description>${items.join('')}</channel></rss>`;
}

function articlePage(v: Vector): string {
  return `<!doctype html><html><head><title>Page ${v.n}</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Page vector ${v.n}</h1>
${prose(v)}
<p>The harbour master said the new ferry timetable starts next month, and that the pier repairs are on schedule after the storm damage of the winter. The fishing fleet landed its biggest catch in a decade.</p>
${v.html}
<p>Ferry passengers will find the new waiting room open from Monday, with a café, heating and a view of the lighthouse, the council said in a statement issued this morning to the press.</p>
</article></body></html>`;
}

/**
 * Run in every frame before its own scripts: `alert`, `confirm`, `prompt` and `print` report their
 * call to the test instead of doing anything, and cannot be put back.
 */
const INSTRUMENT = `(() => {
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    Object.defineProperty(window, name, {
      value: (...args) => window.__xssHit(name + '(' + args.map(String).join(',') + ')'),
      configurable: false,
    });
  }
})()`;

/**
 * Run in a page: everything in its DOM that could run script, if a browser ever let it. Elements
 * that have no business on an article page, handlers, inline styles and srcdoc, URLs of any
 * scheme but http, https, mailto and data: images, and unsandboxed frames.
 */
const DANGERS = `(() => {
  const found = [];
  const scheme = (value) =>
    (value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]/g, '').toLowerCase().match(/^[a-z][a-z0-9+.-]*:/) || [''])[0];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    // The site's own: its search form, and the structured data of a page (not a script a browser runs).
    const own = (tag === 'form' && el.getAttribute('action') === '/search') ||
      (tag === 'script' && el.getAttribute('type') === 'application/ld+json' && !el.getAttribute('src'));
    if (!own && ['script', 'object', 'embed', 'applet', 'base', 'form', 'frame', 'frameset', 'portal'].includes(tag)) found.push('<' + tag + '>');
    if (tag === 'meta' && el.getAttribute('http-equiv')) found.push('<meta http-equiv>');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'style') found.push('<' + tag + ' ' + name + '>');
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'].includes(name)) {
        const s = scheme(attr.value);
        if (s && !['http:', 'https:', 'mailto:'].includes(s) && !(s === 'data:' && /^data:image\\//i.test(attr.value)))
          found.push('<' + tag + ' ' + name + '="' + attr.value.slice(0, 40) + '">');
      }
    }
    if (tag === 'iframe' && !el.getAttribute('sandbox')) found.push('<iframe> without sandbox');
  }
  return found;
})()`;

for (const engine of ENGINES.filter((e) => e.name === 'SQLite')) {
  describe(
    `XSS: ${VECTORS.length} vectors through feeds and pages, in Chromium`,
    { skip: engine.skip },
    () => {
      let dataDir: string;
      let publisher: TestServer;
      let site: RunningSite;
      let browser: Browser;
      let context: BrowserContext;
      /** What ran: a call of the instrumented functions, a dialog, or a script fetched. */
      const hits: string[] = [];

      before(async () => {
        assert.ok(VECTORS.length >= 150, `the corpus has ${VECTORS.length} vectors`);
        dataDir = await siteFolder(engine, 'courtesy-xss-');
        publisher = await startTestServer((req, res) => {
          const base = `http://${req.headers.host}`;
          const path = req.url ?? '/';
          const page = /^\/pages\/(\d+)\.html$/.exec(path);
          if (path === '/rss.xml')
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(base));
          else if (path === '/atom.xml')
            res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom(base));
          else if (path === '/feed.json')
            res.writeHead(200, { 'content-type': 'application/feed+json' }).end(json(base));
          else if (path === '/fulltext.xml')
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fullTextFeed(base));
          else if (page)
            res
              .writeHead(200, { 'content-type': 'text/html' })
              .end(articlePage(VECTORS[Number(page[1]) - 1]!));
          else if (path === '/control.html')
            res
              .writeHead(200, { 'content-type': 'text/html' })
              .end(
                '<p>control</p><img src="/none.png" onerror="alert(999)"><a id="js" href="javascript:alert(998)">js</a>',
              );
          else res.writeHead(404).end();
        });
        const port = await freePort();
        writeFileSync(
          join(dataDir, 'courtesy.toml'),
          [
            '[site]',
            'name = "XSS test"',
            `base_url = "http://127.0.0.1:${port}"`,
            'page_size = 200',
            // Every article page is found through the home pages: no source's share leaves one off.
            'most_per_source = 0',
            '[server]',
            `port = ${port}`,
            '',
          ].join('\n'),
        );
        for (const [feed, extra] of [
          ['rss.xml', []],
          ['atom.xml', []],
          ['feed.json', []],
          ['fulltext.xml', ['--full-text']],
        ] as const) {
          const add = await courtesy(dataDir, ['sources', 'add', `${publisher.url}/${feed}`, ...extra]);
          assert.equal(add.code, 0, add.stderr);
        }
        const poll = await courtesy(dataDir, ['poll', '--once']);
        assert.equal(poll.code, 0, poll.stderr);
        assert.match(poll.stdout, /full text: \d+ page\(s\)/);
        site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
        browser = await launchBrowser();
        context = await browser.newContext({ bypassCSP: true });
        await context.exposeBinding('__xssHit', ({ frame }, what: string) =>
          hits.push(`${what} on ${frame.url()}`),
        );
        await context.addInitScript(INSTRUMENT);
        // Only the site and the publisher are reached; a script, fetch or XHR asked for counts.
        await context.route('**/*', (route) => {
          const request = route.request();
          const local = new URL(request.url()).hostname === '127.0.0.1';
          const type = request.resourceType();
          if (['script', 'fetch', 'xhr', 'eventsource', 'websocket'].includes(type)) {
            hits.push(`${type} ${request.url()} from ${request.frame().url()}`);
          }
          return local ? route.continue() : route.abort();
        });
      });

      after(async () => {
        await browser?.close();
        await site?.stop();
        await publisher?.close();
        await removeSiteFolder(dataDir);
      });

      const open = async (page: Page, url: string) => {
        await page.goto(url, { waitUntil: 'load' });
        // Handlers that fire a little later (animations, media errors, focus) get their chance.
        await page.waitForTimeout(30);
      };

      /** What a page holds that could run script, found by looking at its DOM. */
      const dangers = (page: Page) => page.evaluate<string[]>(DANGERS);

      it('sees a vector that runs, and a javascript: link followed (the control)', async () => {
        const page = await context.newPage();
        page.on('dialog', (d) => void d.dismiss());
        await open(page, `${publisher.url}/control.html`);
        await page.click('#js');
        await page.waitForTimeout(50);
        await page.close();
        assert.ok(
          hits.some((h) => h.startsWith('alert(999)')),
          hits.join('\n'),
        );
        assert.ok(
          hits.some((h) => h.startsWith('alert(998)')),
          hits.join('\n'),
        );
        hits.length = 0;
      });

      it('runs none of them on any article page, the home page or the search results', async () => {
        // A few tabs at once: most of a page's time is waiting for it to settle.
        const tabs = await Promise.all([1, 2, 3].map(() => context.newPage()));
        for (const tab of tabs) {
          tab.on('dialog', (d) => {
            hits.push(`dialog ${d.type()} "${d.message()}" on ${tab.url()}`);
            void d.dismiss();
          });
        }
        const articles = new Set<string>();
        const facets = new Set<string>();
        const sources = new Set<string>();
        const problems: string[] = [];
        const look = async (page: Page, url: string) => {
          await open(page, url);
          for (const danger of await dangers(page)) problems.push(`${danger} on ${url}`);
          const links = await page.evaluate<string[]>(
            "[...document.querySelectorAll('a[href]')].map((a) => a.href)",
          );
          for (const link of links) {
            if (!link.startsWith(site.url)) continue;
            const path = new URL(link).pathname;
            if (path.startsWith('/articles/')) articles.add(link);
            if (/^\/(authors|tags)\//.test(path)) facets.add(link);
            if (/^\/sources\/\d+$/.test(path)) sources.add(link);
          }
        };
        const lookAll = async (urls: string[]) => {
          let i = 0;
          await Promise.all(
            tabs.map(async (tab) => {
              while (i < urls.length) await look(tab, urls[i++]!);
            }),
          );
        };
        // Every listing page, from the home page on; and every source's, which lists each copy of a
        // story that the home page shows once.
        const home = tabs[0]!;
        const listing = async (first: string) => {
          for (let next: string | null = first; next;) {
            await look(home, next);
            next = await home.evaluate<string | null>("document.querySelector('a[rel=next]')?.href ?? null");
          }
        };
        await listing(`${site.url}/`);
        await look(home, `${site.url}/sources`);
        for (const source of [...sources]) await listing(source);
        await look(home, `${site.url}/search?q=${PROBE}`);
        const expected = VECTORS.length * 4 + 3;
        assert.ok(articles.size >= expected, `${articles.size} article pages listed, ${expected} expected`);
        await lookAll([...articles]);
        await lookAll([...facets].slice(0, 90));
        await Promise.all(tabs.map((tab) => tab.close()));
        assert.deepEqual(hits, [], `${hits.length} executions`);
        assert.deepEqual(problems.slice(0, 50), [], `${problems.length} dangerous things left in pages`);
      });

      it('gave full-text sources whole articles, sanitized', async () => {
        const show = await courtesy(dataDir, ['sources', 'show', '4']);
        assert.match(show.stdout, /full text: \d+ extracted/);
        const extracted = Number(/full text: (\d+) extracted/.exec(show.stdout)?.[1]);
        assert.ok(extracted >= VECTORS.length * 0.9, show.stdout);
      });
    },
  );
}
