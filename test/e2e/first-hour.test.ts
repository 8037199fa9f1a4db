import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeSiteFolder, siteFolder } from '../support/engines.js';
import { BIN, courtesy, serve, type RunningSite } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/http.js';

/** The commands and the server as an operator meets them in the first hour: exits, messages, limits. */
describe('the commands an operator runs first', () => {
  let dataDir: string;
  let publisher: TestServer;

  before(async () => {
    dataDir = await siteFolder({ name: 'SQLite', skip: false }, 'courtesy-first-hour-');
    writeFileSync(join(dataDir, 'courtesy.toml'), '[site]\nname = "First Hour"\n');
    publisher = await startTestServer((req, res) => {
      if (req.url === '/subscriptions.opml')
        return res
          .writeHead(200, { 'content-type': 'text/x-opml' })
          .end(
            `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body><outline type="rss" text="One" xmlUrl="http://127.0.0.1:1/one.xml"/><outline type="rss" text="Two" xmlUrl="http://127.0.0.1:1/two.xml"/></body></opml>`,
          );
      if (req.url === '/feed.xml')
        return res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Hour Daily</title><link>http://hour.example/</link>' +
              '<item><guid>h1</guid><title>First</title><link>http://hour.example/1</link></item>' +
              '<item><guid>h2</guid><title>Second</title><link>http://hour.example/2</link></item></channel></rss>',
          );
      res.writeHead(404).end();
    });
  });

  after(async () => {
    await publisher.close();
    await removeSiteFolder(dataDir);
  });

  it('parse: exits 1 when an input cannot be read or fetched, after reading every input', async () => {
    const feed = join(dataDir, 'ok.xml');
    writeFileSync(
      feed,
      '<rss version="2.0"><channel><title>OK</title><item><title>A</title></item></channel></rss>',
    );
    const run = await courtesy(dataDir, [
      'parse',
      join(dataDir, 'missing.xml'),
      `${publisher.url}/gone.xml`,
      feed,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /missing\.xml: .*no such file/i);
    assert.match(run.stderr, /gone\.xml: .*404/);
    assert.match(run.stdout, /ok\.xml: rss2 2\.0 "OK", 1 entries/, 'the good input is read all the same');
    assert.equal((await courtesy(dataDir, ['parse', feed])).code, 0);
  });

  it('ends quietly when its reader stops reading (a closed pipe)', async () => {
    // Enough output to fill any pipe: the same small feed read many times, a JSON line an entry.
    const feed = join(dataDir, 'many.xml');
    writeFileSync(
      feed,
      `<rss version="2.0"><channel><title>Many</title>${Array.from({ length: 200 }, (_, i) => `<item><guid>g${i}</guid><title>Entry ${i} ${'x'.repeat(200)}</title></item>`).join('')}</channel></rss>`,
    );
    const child = spawn(
      process.execPath,
      [BIN, '--data', dataDir, 'parse', '--jsonl', ...Array<string>(40).fill(feed)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close the pipe, as `head -c 600` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'no stack trace, no message');
    assert.equal(code, 0);
  });

  it('users add: names the address to sign in at, and says when it is only the default', async () => {
    const byDefault = await courtesy(
      dataDir,
      ['users', 'add', 'ada', '--password-stdin'],
      'a long enough password\n',
    );
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.match(
      byDefault.stdout,
      /sign in at http:\/\/127\.0\.0\.1:8080\/admin, the address `courtesy serve` listens on by default \(site\.base_url in courtesy\.toml names your site's own\)/,
    );
    const configured = join(dataDir, 'named.toml');
    writeFileSync(configured, '[site]\nname = "First Hour"\nbase_url = "https://news.example.org/"\n');
    const named = await courtesy(
      dataDir,
      ['--config', configured, 'users', 'add', 'bea', '--password-stdin'],
      'another long password\n',
    );
    assert.equal(named.code, 0, named.stderr);
    assert.match(
      named.stdout,
      /^user bea added as administrator; sign in at https:\/\/news\.example\.org\/admin\n$/,
    );
  });

  it('sources import: reads an OPML file from its address, and says plainly when it cannot', async () => {
    const imported = await courtesy(dataDir, ['sources', 'import', `${publisher.url}/subscriptions.opml`]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /imported 2 source\(s\)/);
    const missing = await courtesy(dataDir, ['sources', 'import', `${publisher.url}/nothing.opml`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^courtesy: .*404/m);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
    const noFile = await courtesy(dataDir, ['sources', 'import', join(dataDir, 'nothing.opml')]);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /^courtesy: cannot read .*nothing\.opml: no such file$/m);
  });

  it('sources remove: says how many articles go with the source, and needs --yes when it cannot ask', async () => {
    const added = await courtesy(dataDir, ['sources', 'add', `${publisher.url}/feed.xml`]);
    assert.equal(added.code, 0, added.stderr);
    const id = /source (\d+)/.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout);
    assert.equal((await courtesy(dataDir, ['poll', '--once'])).code, 0);
    const refused = await courtesy(dataDir, ['sources', 'remove', id]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      new RegExp(
        `^courtesy: sources remove: source ${id} \\(Hour Daily\\) and its 2 article\\(s\\) go from every page of the site; run it again with --yes to go ahead$`,
        'm',
      ),
    );
    assert.match((await courtesy(dataDir, ['sources', 'list'])).stdout, /Hour Daily/, 'nothing was removed');
    const removed = await courtesy(dataDir, ['sources', 'remove', id, '--yes']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, `removed source ${id} (Hour Daily) and its 2 article(s)\n`);
    assert.doesNotMatch((await courtesy(dataDir, ['sources', 'list'])).stdout, /Hour Daily/);
  });
});

describe('the HTTP server’s own limits and headers', () => {
  let dataDir: string;
  let site: RunningSite;

  before(async () => {
    dataDir = await siteFolder({ name: 'SQLite', skip: false }, 'courtesy-limits-');
    writeFileSync(
      join(dataDir, 'courtesy.toml'),
      '[site]\nname = "Limits"\nbase_url = "https://limits.example"\n[server]\nheaders_timeout_seconds = 1\nrequest_timeout_seconds = 2\nmax_connections = 4\n',
    );
    site = await serve(dataDir);
  });

  after(async () => {
    await site.stop();
    await removeSiteFolder(dataDir);
  });

  // First, on a server no client has used yet.
  it(
    'closes a client that never finishes its headers, and holds no more connections than its cap',
    { timeout: 20_000 },
    async () => {
      const { hostname, port } = new URL(site.url);
      const open = (): Promise<{ closedAfterMs: Promise<number> }> =>
        new Promise((resolve, reject) => {
          const started = Date.now();
          const socket = connect(Number(port), hostname, () => {
            socket.write('GET / HTTP/1.1\r\nHost: limits\r\n'); // and never the blank line
            resolve({
              closedAfterMs: new Promise((done) => socket.on('close', () => done(Date.now() - started))),
            });
          });
          socket.resume(); // its answer (408) read and dropped, so that its end and close come
          socket.on('error', () => {});
          socket.once('error', reject);
        });
      const sockets = await Promise.all(Array.from({ length: 6 }, open));
      const closed = await Promise.all(sockets.map((s) => s.closedAfterMs));
      assert.ok(
        closed.filter((ms) => ms < 500).length >= 2,
        `past the cap closed at once: ${closed.join(', ')} ms`,
      );
      assert.ok(
        closed.every((ms) => ms < 6_000),
        `every slow client let go within the request timeout: ${closed.join(', ')} ms`,
      );
      assert.equal((await fetch(`${site.url}/healthz`)).status, 200, 'and the site answers after them');
    },
  );

  it('sends HSTS for an https site, and a Permissions-Policy', async () => {
    const res = await fetch(`${site.url}/`);
    assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000');
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(\), .*microphone=\(\)/);
    const again = await fetch(`${site.url}/`);
    assert.equal(again.headers.get('strict-transport-security'), 'max-age=31536000', 'a kept page too');
  });
});
