import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { courtesy } from '../support/cli.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/http.js';

/**
 * Full text as an operator uses it from the command line: previewing a page with `courtesy
 * extract`, a full-text source with scraper rules, changing the rules and running them again.
 */

const paragraph = (n: number) =>
  `<p>Paragraph ${n} of the harbour story: the ferries ran late all week, the pier was mended, and the fishing fleet came home with a record catch, the harbour master said.</p>`;

const story = (
  n: number,
) => `<!doctype html><html><head><title>Story ${n}</title><meta name="author" content="Jo Harbour"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="story"><h1>Story ${n}</h1>${paragraph(1)}<div class="promo">Subscribe now!</div>${paragraph(2)}${paragraph(3)}
<p><img src="/img/${n}.jpg" alt="Picture ${n}"></p>${paragraph(4)}</div>
<aside class="related"><a href="/x">Related story</a></aside></body></html>`;

for (const engine of ENGINES) {
  describe(`full text from the command line, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-fulltext-');
      publisher = await startTestServer((req, res) => {
        const base = `http://${req.headers.host}`;
        const page = /^\/story\/(\d+)\.html$/.exec(req.url ?? '');
        if (req.url === '/robots.txt') res.writeHead(200).end('User-agent: courtesy\nDisallow: /private/\n');
        else if (page) res.writeHead(200, { 'content-type': 'text/html' }).end(story(Number(page[1])));
        else if (req.url === '/feed.xml')
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(
              `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title><link>${base}/</link><description>d</description>` +
                [1, 2, 3]
                  .map(
                    (n) =>
                      `<item><guid>story-${n}</guid><title>Story ${n}</title><link>${base}/story/${n}.html</link><description>The ferries ran late.</description></item>`,
                  )
                  .join('') +
                '</channel></rss>',
            );
        else res.writeHead(404).end();
      });
    });
    after(async () => {
      await publisher?.close();
      await removeSiteFolder(dataDir);
    });

    it('previews a page: sanitized HTML, plain text, JSON, a saved file against its address', async () => {
      const html = await courtesy(dataDir, ['extract', `${publisher.url}/story/1.html`]);
      assert.equal(html.code, 0, html.stderr);
      assert.match(html.stderr, /found by Readability: \d+ characters, "Story 1"/);
      assert.match(html.stdout, new RegExp(`<img src="${publisher.url}/img/1.jpg" alt="Picture 1"`));
      assert.ok(!html.stdout.includes('Related story') && !html.stdout.includes('World'));

      const text = await courtesy(dataDir, [
        'extract',
        `${publisher.url}/story/1.html`,
        '--selector',
        '.story',
        '--remove',
        '.promo',
        '--text',
      ]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stderr, /found by the selector/);
      assert.match(text.stdout, /^Story 1\n\nParagraph 1 of the harbour story/);
      assert.ok(!text.stdout.includes('Subscribe now'), 'the remove rule');

      const json = await courtesy(dataDir, ['extract', `${publisher.url}/story/2.html`, '--json']);
      const parsed = JSON.parse(json.stdout) as { title: string; method: string; text: string };
      assert.equal(parsed.title, 'Story 2');
      assert.equal(parsed.method, 'readability');
      assert.match(parsed.text, /Paragraph 4/);

      const file = join(dataDir, 'saved.html');
      writeFileSync(file, story(3));
      const saved = await courtesy(dataDir, [
        'extract',
        file,
        '--base',
        'https://harbour.example/story/3.html',
      ]);
      assert.equal(saved.code, 0, saved.stderr);
      assert.match(saved.stdout, /src="https:\/\/harbour\.example\/img\/3\.jpg"/);
    });

    it('says why when there is nothing to republish, and exits 1', async () => {
      const none = await courtesy(dataDir, [
        'extract',
        `${publisher.url}/story/1.html`,
        '--selector',
        '.missing',
      ]);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /the selector "\.missing" matches nothing on the page/);
      const robots = await courtesy(dataDir, ['extract', `${publisher.url}/private/x.html`]);
      assert.equal(robots.code, 1);
      assert.match(robots.stderr, /robots\.txt does not allow courtesy/);
      const bad = await courtesy(dataDir, ['extract', `${publisher.url}/story/1.html`, '--selector', 'div[']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not a valid CSS selector/);
    });

    it('runs a full-text source with scraper rules, and runs changed rules again', async () => {
      const refused = await courtesy(dataDir, [
        'sources',
        'add',
        `${publisher.url}/feed.xml`,
        '--selector',
        'div[',
      ]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /not a valid CSS selector/);
      const add = await courtesy(dataDir, [
        'sources',
        'add',
        `${publisher.url}/feed.xml`,
        '--selector',
        '.story',
        '--remove',
        '.promo',
      ]);
      assert.equal(add.code, 0, add.stderr);
      const poll = await courtesy(dataDir, ['poll', '--once']);
      assert.equal(poll.code, 0, poll.stderr);
      assert.match(
        poll.stdout,
        /full text: 3 page\(s\), 3 article\(s\) extracted, 0 kept the feed's content/,
      );

      let show = await courtesy(dataDir, ['sources', 'show', '1']);
      assert.match(show.stdout, /full text\s+on \(article: \.story; remove: \.promo\)/);
      assert.match(show.stdout, /full text: 3 extracted, 0 kept the feed's content, 0 waiting/);

      const set = await courtesy(dataDir, ['sources', 'set', '1', '--selector', '.nowhere', '--no-remove']);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /queued the 3 newest entries for extraction/);
      const again = await courtesy(dataDir, ['sources', 'extract', '1']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /source 1: 0 of 3 pages extracted/);
      show = await courtesy(dataDir, ['sources', 'show', '1']);
      assert.match(show.stdout, /full text: 0 extracted, 3 kept the feed's content/);
      assert.match(show.stdout, /kept-feed .* the selector "\.nowhere" matches nothing/);

      const off = await courtesy(dataDir, ['sources', 'set', '1', '--no-full-text']);
      assert.equal(off.code, 0, off.stderr);
      show = await courtesy(dataDir, ['sources', 'show', '1']);
      assert.match(show.stdout, /full text\s+off/);
      const notFull = await courtesy(dataDir, ['sources', 'extract', '1']);
      assert.equal(notFull.code, 1);
      assert.match(notFull.stderr, /is not a full-text source/);
    });
  });
}
