import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
}

function rss(items: Item[]): string {
  return (
    '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
    '<title>Rights Daily</title><link>https://rights.example/</link>' +
    items
      .map(
        (i) =>
          `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${i.url}</link>` +
          `<dc:creator>${i.author}</dc:creator><description>Text of ${i.title}.</description></item>`,
      )
      .join('') +
    '</channel></rss>'
  );
}

describe('takedown through the real CLI and site', () => {
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
    { guid: 'b1', title: 'Bob on bridges', url: 'https://rights.example/bob-bridges', author: 'Bob Smith' },
  ];
  const run = async (...args: string[]) => {
    const result = await courtesy(dataDir, args);
    assert.equal(result.code, 0, `courtesy ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const home = async () => (await fetch(`${site.url}/`)).text();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'courtesy-takedown-'));
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
    rmSync(dataDir, { recursive: true, force: true });
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
      { guid: 'a3', title: 'Ada on looms', url: 'https://rights.example/ada-looms', author: 'Ada Lovelace' },
      ...items.slice(1),
      { guid: 'b2', title: 'Bob on tunnels', url: 'https://rights.example/bob-tunnels', author: 'Bob Smith' },
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
});
