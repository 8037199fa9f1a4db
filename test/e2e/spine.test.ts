import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/http.js';

const FEED = readFileSync(fixturePath(import.meta.url, 'publisher.xml'));

for (const engine of ENGINES) {
  describe(`the spine, end to end, on ${engine.name}`, { skip: engine.skip }, () => {
    let publisher: TestServer;
    let dataDir: string;
    let site: RunningSite;

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-e2e-');
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        '[site]\nname = "E2E News"\ncontact_email = "editor@e2e.example"\n',
      );
      publisher = await startTestServer((req, res) => {
        if (req.url === '/') {
          return res
            .writeHead(200, { 'content-type': 'text/html' })
            .end(
              '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>',
            );
        }
        if (req.url === '/feed.xml') {
          if (req.headers['if-none-match'] === '"e1"') return res.writeHead(304).end();
          return res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"e1"' }).end(FEED);
        }
        if (req.url === '/nocache.xml')
          return res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(FEED.toString().replace(/loopback-times/g, 'nocache'));
        if (req.url === '/broken.xml')
          return res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end('<html><body>oops</body></html>');
        res.writeHead(404).end();
      });
    });

    after(async () => {
      await site?.stop();
      await publisher.close();
      await removeSiteFolder(dataDir);
    });

    it('subscribes through autodiscovery, polls, and polls again without changes', async () => {
      const added = await courtesy(dataDir, ['sources', 'add', `${publisher.url}/`, '--policy', 'full']);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, new RegExp(`found the feed ${publisher.url}/feed.xml`));
      assert.equal(
        (
          await courtesy(dataDir, [
            'sources',
            'add',
            `${publisher.url}/nocache.xml`,
            '--policy',
            'excerpt',
            '--attribution',
            'Via {source} <b>: [read the original](original). [Takedown](takedown).',
          ])
        ).code,
        0,
      );
      assert.equal(
        (await courtesy(dataDir, ['sources', 'add', `${publisher.url}/broken.xml`])).code,
        1,
        'an HTML page without feeds is refused',
      );

      const first = await courtesy(dataDir, ['poll', '--once']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /source 1: 2 new, 0 updated, 0 unchanged/);
      assert.match(first.stdout, /source 2: 2 new/);

      const second = await courtesy(dataDir, ['poll', '--once', '--all']);
      assert.match(second.stdout, /source 1: not modified/);
      assert.match(second.stdout, /source 2: 0 new, 0 updated, 2 unchanged/);
      assert.match(second.stdout, /0 new entries, 1 not modified, 0 failed/);
    });

    it('records a failing source and shows why in sources list', async () => {
      if (engine.name === 'SQLite') assert.ok(readFileSync(join(dataDir, 'courtesy.sqlite')).length > 0);
      const bad = await courtesy(dataDir, ['sources', 'list']);
      assert.equal(bad.code, 0);
      // Point source 2 at a feed that is an HTML page, via remove + OPML import of the broken URL.
      const opml = join(dataDir, 'import.opml');
      writeFileSync(
        opml,
        `<opml version="2.0"><body><outline text="Broken" xmlUrl="${publisher.url}/broken.xml"/></body></opml>`,
      );
      assert.match((await courtesy(dataDir, ['sources', 'import', opml])).stdout, /imported 1 source/);
      // Its id is the one the database gave it (a PostgreSQL sequence need not follow on from 2).
      const imported = (await courtesy(dataDir, ['sources', 'list', '--json'])).stdout;
      const id = imported
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { id: number; feedUrl: string })
        .find((s) => s.feedUrl.endsWith('/broken.xml'))?.id;
      assert.ok(id, imported);
      const poll = await courtesy(dataDir, ['poll', '--once', '--source', String(id)]);
      assert.equal(poll.code, 1, poll.stderr);
      assert.match(poll.stdout, /FAILED parse: this is an HTML page, not a feed/, poll.stderr);
      const list = await courtesy(dataDir, ['sources', 'list']);
      assert.match(
        list.stdout,
        new RegExp(
          `${id}\\s+failing\\s+full\\s+0 .*parse: this is an HTML page, not a feed, and it links to no feed`,
        ),
      );
    });

    it('serves the articles with attribution, canonical links and escaping', async () => {
      site = await serve(dataDir);
      const home = await (await fetch(`${site.url}/`)).text();
      assert.match(home, /^<!DOCTYPE html>/);
      assert.ok(home.includes('Council &lt;script&gt;alert(1)&lt;/script&gt; votes'), 'titles are escaped');
      assert.ok(!home.includes('<script'), 'no script on the home page');

      // The council story of the first source (the second source carries a copy; two sources polled
      // at once may be numbered in either order).
      let response: Response | undefined;
      for (const [, link] of home.matchAll(/href="(\/articles\/\d+\/council[^"]*)"/g)) {
        const candidate = await fetch(`${site.url}${link}`);
        if ((await candidate.clone().text()).includes('href="https://loopback-times.example/council-votes"'))
          response = candidate;
      }
      assert.ok(response, 'the home page links to the first source’s council story');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'none'/);
      const article = await response.text();
      assert.ok(
        !/<script(?! type="application\/ld\+json">)/i.test(article),
        'no script in the article but the JSON-LD data block',
      );
      assert.equal(article.match(/<script/g)?.length, 1, 'one data block');
      assert.ok(!article.includes('onerror'), 'no event handler in the article');
      assert.ok(
        article.includes('<link rel="canonical" href="https://loopback-times.example/council-votes"/>'),
      );
      assert.ok(article.includes('<meta name="robots" content="noindex, follow"/>'));
      assert.ok(
        article.includes('href="https://loopback-times.example/minutes"'),
        'relative links made absolute',
      );
      assert.ok(article.includes('Author: Rosa Park &amp; Co.'));
      assert.ok(
        article.includes(
          'This content is courtesy of, and owned and copyrighted by, <a href="https://loopback-times.example/"',
        ),
      );
      assert.ok(
        article.includes(
          '<a href="https://loopback-times.example/council-votes" rel="noopener" class="attribution-original">Click this link for the original source of this article.</a>',
        ),
      );
      assert.ok(
        article.includes(
          'please use our <a href="/takedown?url=https%3A%2F%2Floopback-times.example%2Fcouncil-votes">takedown page</a>',
        ),
        'the takedown link names the article, so that the form starts filled in',
      );

      // The same story through the second source, whose policy is excerpt.
      let excerpt = '';
      for (const [, link] of home.matchAll(/href="(\/articles\/\d+\/council[^"]*)"/g)) {
        const page = await (await fetch(`${site.url}${link}`)).text();
        if (page.includes('href="https://nocache.example/council-votes"')) excerpt = page;
      }
      assert.ok(excerpt.includes('class="content excerpt"'), 'excerpt policy');
      assert.ok(excerpt.includes('Continue reading at Loopback Times'));
      assert.ok(
        excerpt.includes(
          'Via Loopback Times &lt;b&gt;: <a href="https://nocache.example/council-votes" rel="noopener" class="attribution-original">read the original</a>. <a href="/takedown?url=https%3A%2F%2Fnocache.example%2Fcouncil-votes">Takedown</a>.',
        ),
        'a per-source template, escaped, with live links',
      );

      const contact = await (await fetch(`${site.url}/takedown`)).text();
      assert.ok(contact.includes('mailto:editor@e2e.example'));
      assert.ok(contact.includes('<form class="request-form" method="post" action="/takedown"'));
      const missing = await fetch(`${site.url}/articles/999/x`);
      assert.equal(missing.status, 404);
    });

    it('answers 304 to a browser that has the page', async () => {
      const first = await fetch(`${site.url}/`);
      const etag = first.headers.get('etag');
      assert.ok(etag);
      const again = await fetch(`${site.url}/`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
    });
  });
}
