import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * Takedown as an operator runs it: rules granted from the command line remove content from the
 * running site at once, answer 410 on the article's address, and keep it out of later polls, also
 * when it comes back under another URL.
 */

interface Item {
  guid: string;
  title: string;
  url: string;
  author: string;
  category?: string;
}

function rss(items: Item[]): string {
  return (
    '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
    '<title>Rights Daily</title><link>https://rights.example/</link>' +
    items
      .map(
        (i) =>
          `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${i.url}</link>` +
          `<dc:creator>${i.author}</dc:creator><description>Text of ${i.title}.</description>` +
          `${i.category ? `<category>${i.category}</category>` : ''}</item>`,
      )
      .join('') +
    '</channel></rss>'
  );
}

for (const engine of ENGINES) {
  describe(`takedown through the real CLI and site, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let publisher: TestServer;
    let site: RunningSite;
    let items: Item[] = [
      {
        guid: 'a1',
        title: 'Ada on engines',
        url: 'https://rights.example/ada-engines',
        author: 'Ada Lovelace',
      },
      { guid: 'a2', title: 'Ada on notes', url: 'https://rights.example/ada-notes', author: 'Ada Lovelace' },
      {
        guid: 'b1',
        title: 'Bob on bridges',
        url: 'https://rights.example/bob-bridges',
        author: 'Bob Smith',
        category: 'Bridges',
      },
    ];
    const run = async (...args: string[]) => {
      const result = await courtesy(dataDir, args);
      assert.equal(result.code, 0, `courtesy ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    const home = async () => (await fetch(`${site.url}/`)).text();

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-takedown-');
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        `[site]\nname = "Rights Test"\nbase_url = "http://127.0.0.1:${port}"\n[server]\nport = ${port}\n`,
      );
      publisher = await startTestServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(items));
      });
      await run('sources', 'add', `${publisher.url}/feed.xml`);
      await run('poll', '--once');
      site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
    });

    after(async () => {
      await site.stop();
      await publisher.close();
      await removeSiteFolder(dataDir);
    });

    it('removes one article, named by its address on this site, at once', async () => {
      const page = await home();
      const path = /href="(\/articles\/\d+\/ada-on-engines)"/.exec(page)?.[1];
      assert.ok(path, 'the article is on the home page');
      const out = await run('takedown', 'suppress', '--url', `${site.url}${path}`, '--reason', 'request R-1');
      assert.match(out, /^rule 1: the article rights\.example\/ada-engines; 1 entries removed$/m);

      const gone = await fetch(`${site.url}${path}`);
      assert.equal(gone.status, 410);
      assert.match(await gone.text(), /removed on .* at the request of its author or publisher/);
      const after = await fetch(`${site.url}/`);
      assert.equal(after.headers.get('cache-control'), 'public, no-cache', 'caches must revalidate');
      const text = await after.text();
      assert.doesNotMatch(text, /Ada on engines/);
      assert.match(text, /Ada on notes/);
    });

    it("keeps an author's articles out of later polls, under changed URLs too", async () => {
      const out = await run(
        'takedown',
        'suppress',
        '--source',
        '1',
        '--author',
        'Ada Lovelace',
        '--reason',
        'R-2',
      );
      assert.match(
        out,
        /^rule 2: everything by Ada Lovelace on source 1 \(rights\.example\); 1 entries removed$/m,
      );
      items = [
        { ...items[0]!, url: 'http://www.rights.example/ada-engines/?utm_source=rss' },
        {
          guid: 'a3',
          title: 'Ada on looms',
          url: 'https://rights.example/ada-looms',
          author: 'Ada Lovelace',
        },
        ...items.slice(1),
        {
          guid: 'b2',
          title: 'Bob on tunnels',
          url: 'https://rights.example/bob-tunnels',
          author: 'Bob Smith',
          category: 'Tunnels',
        },
      ];
      await run('poll', '--once', '--all');
      const page = await home();
      assert.doesNotMatch(page, /Ada on/);
      assert.match(page, /Bob on bridges/);
      assert.match(page, /Bob on tunnels/);
    });

    it('lists, revokes and audits the rules', async () => {
      const rules = await run('takedown', 'rules');
      assert.match(rules, /^2 +author +everything by Ada Lovelace on source 1 \(rights\.example\) +1 /m);
      assert.match(rules, /^1 +url +the article rights\.example\/ada-engines +1 /m);
      await run('takedown', 'revoke', '1', '--reason', 'counter-notice C-1');
      assert.doesNotMatch(await run('takedown', 'rules'), /^1 +url/m);
      assert.match(await run('takedown', 'rules', '--all'), /revoked .*: counter-notice C-1/);
      const log = await run('takedown', 'log');
      assert.match(
        log,
        /rule\.revoked +rule 1: the article rights\.example\/ada-engines; reason: counter-notice C-1/,
      );
      assert.match(log, /rule\.granted +rule 2: .*; 1 entries removed; reason: R-2/);
    });

    it('says what is wrong with a rule it cannot make', async () => {
      const none = await courtesy(dataDir, ['takedown', 'suppress', '--reason', 'x']);
      assert.notEqual(none.code, 0);
      assert.match(none.stderr, /give exactly one of --url, --source/);
      const missing = await courtesy(dataDir, ['takedown', 'suppress', '--source', '99', '--reason', 'x']);
      assert.match(missing.stderr, /there is no source 99/);
      const twice = await courtesy(dataDir, ['takedown', 'revoke', '1', '--reason', 'again']);
      assert.match(twice.stderr, /rule 1 is already revoked/);
      const domain = await courtesy(dataDir, [
        'takedown',
        'suppress',
        '--domain',
        'localhost',
        '--reason',
        'x',
      ]);
      assert.match(domain.stderr, /"localhost" is not a domain name/);
    });

    it('changes a source’s policy from the command line, and the running site shows it at once', async () => {
      const page = await home();
      const path = /href="(\/articles\/\d+\/bob-on-tunnels)"/.exec(page)?.[1];
      assert.ok(path);
      const before = await (await fetch(`${site.url}${path}`)).text();
      assert.match(before, /Text of Bob on tunnels\./);
      assert.match(before, /<link rel="canonical"/);
      const out = await run('sources', 'set', '1', '--policy', 'link', '--search-engines', 'noindex');
      assert.match(out, /source 1: policy, searchEngines changed/);
      const after = await (await fetch(`${site.url}${path}`)).text();
      assert.doesNotMatch(
        after,
        /Text of Bob on tunnels\./,
        'link only, at once, although the page was cached',
      );
      assert.doesNotMatch(after, /<link rel="canonical"/);
      assert.match(after, /<meta name="robots" content="noindex, follow"\/>/);
      assert.match(await run('sources', 'show', '1'), /^search engines +noindex$/m);
      await run('sources', 'set', '1', '--policy', 'full', '--search-engines', 'site');
      assert.match(await run('sources', 'show', '1'), /^search engines +both \(the site's\)$/m);
      const bad = await courtesy(dataDir, ['sources', 'set', '1', '--search-engines', 'sometimes']);
      assert.match(bad.stderr, /must be one of canonical, noindex, both, or site/);
    });

    /** Files a request as a browser would: the form's cookie and token, from the site's own origin. */
    async function file(fields: Record<string, string>): Promise<string> {
      const form = await fetch(`${site.url}/takedown`);
      const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
      const sent = await fetch(`${site.url}/takedown`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: site.url, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf,
          name: 'Bob Smith',
          email: 'bob@rights.example',
          capacity: 'author',
          good_faith: 'yes',
          accurate: 'yes',
          authorized: 'yes',
          signature: 'Bob Smith',
          ...fields,
        }),
      });
      assert.equal(sent.status, 303, 'filed, and sent on to the status page');
      const page = await fetch(new URL(sent.headers.get('location')!, site.url));
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer', 'the status link is a secret');
      const status = await page.text();
      // No [smtp] here: the page says that no receipt was sent, rather than that one was.
      assert.match(status, /This site sends no email, so no receipt was sent to bob@rights\.example/);
      return /Takedown request (TD-[0-9A-Z]{8})/.exec(status)![1]!;
    }

    it('reviews requests filed on the site from the command line: list, show, grant and reject', async () => {
      const first = await file({ scope: 'article', urls: 'https://rights.example/bob-bridges?utm_source=x' });
      const second = await file({
        scope: 'author',
        author: 'Bob Smith',
        urls: 'https://rights.example/bob-tunnels',
      });
      const list = await run('takedown', 'list');
      assert.match(
        list,
        new RegExp(`^${first} .* received +Bob Smith <bob@rights.example> \\(author\\) +this article`, 'm'),
      );
      assert.match(list, new RegExp(`^${second} .* everything by Bob Smith from this source`, 'm'));

      const show = await run('takedown', 'show', first.toLowerCase());
      assert.match(show, /granting it makes: the article rights\.example\/bob-bridges/);
      assert.match(
        show,
        /and removes 1 stored article\(s\) now, then keeps copies of their text out at any address, under any byline, from any source; among them:\n +\d+ +Bob on bridges/,
      );

      const granted = await run('takedown', 'grant', first, '--reason', 'the author asked');
      assert.match(granted, new RegExp(`^${first} granted: 1 article\\(s\\) removed$`, 'm'));
      assert.match(granted, /notices wait in the outbox: no \[smtp\] host is configured/);
      assert.doesNotMatch(await home(), /Bob on bridges/);
      const again = await courtesy(dataDir, ['takedown', 'grant', first]);
      assert.match(again.stderr, /was decided already/);

      await run('takedown', 'reject', second, '--reason', 'not enough to identify the author');
      assert.match(await home(), /Bob on tunnels/, 'a rejected request removes nothing');
      assert.match(await run('takedown', 'list', '--all'), new RegExp(`^${second} .* rejected`, 'm'));
      const log = await run('takedown', 'log');
      assert.match(log, new RegExp(`request\\.rejected +${second}: reason: not enough`));
      assert.match(
        log,
        new RegExp(`^\\S+ +${userInfo().username} \\(command line\\) +request\\.rejected`, 'm'),
        'a decision made at the command line is logged under the person who made it',
      );
      const missing = await courtesy(dataDir, ['takedown', 'show', 'TD-ZZZZZZZZ']);
      assert.match(missing.stderr, /there is no takedown request TD-ZZZZZZZZ/);
    });

    it('removes a whole site: its source answers 410 without its name, and the sitemap forgets it', async () => {
      const sitemap = async () => (await fetch(`${site.url}/sitemap.xml`)).text();
      const listed = await sitemap();
      assert.match(listed, /\/sources\/1</);
      assert.match(listed, /\/tags\/tunnels</);
      const reference = await file({ scope: 'site', urls: 'https://rights.example/' });
      const show = await run('takedown', 'show', reference);
      assert.match(
        show,
        /its addresses stand for: filed at http:\/\/127\.0\.0\.1:\d+; https:\/\/rights\.example\//,
      );
      assert.match(
        await run('takedown', 'grant', reference, '--then', 'link-only'),
        /granted: \d+ article\(s\) removed/,
      );
      const source = await fetch(`${site.url}/sources/1`);
      assert.equal(source.status, 410);
      const text = await source.text();
      assert.match(text, /This source has been removed/);
      assert.match(text, new RegExp(`request ${reference}`));
      assert.doesNotMatch(text, /Rights Daily/);
      const map = await sitemap();
      assert.doesNotMatch(map, /\/sources\/1</);
      assert.doesNotMatch(map, /\/tags\//, 'no tag page is left with anything on it');
      assert.doesNotMatch(map, /\/authors\//);
    });
  });
}
