import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { constants, createGzip } from 'node:zlib';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Source } from '../model/source.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { createFeedProcessor } from './feed-processor.js';
import { refreshSource, type IngestContext, type RefreshOutcome } from './refresh.js';

/**
 * The fault matrix: every way a publisher's server can misbehave, each served by a loopback server.
 * Each source first polls a good feed (two entries), then meets its fault. For each: no crash, the
 * source records a precise status, its entries are untouched, memory stays bounded, and the next
 * check follows the rules (backoff, Retry-After, disabled on 410).
 */

const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fault Farm</title><link>https://faults.example/</link>
<item><guid>urn:f:1</guid><title>One</title><link>https://faults.example/1</link><description>First.</description></item>
<item><guid>urn:f:2</guid><title>Two</title><link>https://faults.example/2</link><description>Second.</description></item>
</channel></rss>`;

type Fault = (req: IncomingMessage, res: ServerResponse) => void;

const RETRY_DATE = new Date(Date.now() + 3 * 3_600_000);
RETRY_DATE.setUTCMilliseconds(0);

/** Streams `size` zero bytes through gzip without holding them: a compression bomb. */
function gzipBomb(size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gz = createGzip({ level: constants.Z_BEST_COMPRESSION });
    const out: Buffer[] = [];
    gz.on('data', (d: Buffer) => out.push(d));
    gz.on('end', () => resolve(Buffer.concat(out)));
    gz.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024);
    let left = size / chunk.length;
    const write = (): void => {
      while (left > 0) {
        left--;
        if (!gz.write(chunk)) return void gz.once('drain', write);
      }
      gz.end();
    };
    write();
  });
}

describe('the fault matrix', () => {
  let server: TestServer;
  let store: Store;
  let ctx: IngestContext;
  let config: Config;
  let bomb: Buffer;
  const faults = new Map<string, Fault>();
  /** Bytes each path managed to send before the client hung up. */
  const sent = new Map<string, number>();

  before(async () => {
    bomb = await gzipBomb(256 * 1024 * 1024);
    server = await startTestServer((req, res) => {
      const path = req.url ?? '/';
      const fault = faults.get(path);
      if (fault) return fault(req, res);
      if (path.startsWith('/f/') || path === '/moved-here' || path === '/temporary-target') {
        if (req.headers['if-none-match'] === '"good"') return res.writeHead(304).end();
        return res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"good"' }).end(GOOD);
      }
      res.writeHead(404).end();
    });
    config = loadConfig({ dataDir: '/nonexistent-courtesy-test', allowPrivateNetworks: true }, {});
    store = await openSqliteStore(':memory:');
    ctx = {
      store,
      config,
      logger: createLogger('silent'),
      processor: createFeedProcessor(0),
      fetcher: new Fetcher({
        userAgent: 'courtesy-test',
        allowPrivateNetworks: true,
        maxBodyBytes: config.poll.maxBodyBytes,
        totalTimeoutMs: 1500,
        headersTimeoutMs: 1200,
        minBytesPerSecond: 1024,
        slowBodyGraceMs: 400,
        resolve: (host) =>
          host.endsWith('.test')
            ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
            : Promise.reject(
                Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
              ),
      }),
    };
  });

  after(async () => {
    await ctx.fetcher.close();
    await store.close();
    await server.close();
  });

  /** A source that has polled the good feed once, then meets `fault`. */
  async function meet(
    name: string,
    fault: Fault | null,
    url?: string,
  ): Promise<{ outcome: RefreshOutcome; source: Source; before: number }> {
    const path = `/f/${name}`;
    const source = await store.sources.add({ feedUrl: url ?? `${server.url}${path}` }, new Date());
    if (!url) {
      const first = await refreshSource(ctx, source);
      assert.equal(first.kind, 'stored', `${name}: the good poll`);
    }
    if (fault) faults.set(path, fault);
    const rssBefore = process.memoryUsage().rss;
    const ready = (await store.sources.get(source.id))!;
    const started = Date.now();
    const outcome = await refreshSource(ctx, ready);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 200 * 1024 * 1024, `${name}: memory grew by ${grown} bytes`);
    assert.ok(Date.now() - started < 5000, `${name}: the check ended`);
    return { outcome, source: (await store.sources.get(source.id))!, before: started };
  }

  async function expectFailure(
    name: string,
    fault: Fault | null,
    code: string,
    message: RegExp,
    status: number | null = null,
    url?: string,
  ): Promise<Source> {
    const { outcome, source, before } = await meet(name, fault, url);
    assert.equal(outcome.kind, 'failed', `${name}: ${JSON.stringify(outcome)}`);
    assert.equal(source.lastErrorCode, code, name);
    assert.match(source.lastError ?? '', message, name);
    assert.equal(source.lastHttpStatus, status, `${name}: HTTP status`);
    assert.equal(source.consecutiveFailures, 1);
    assert.equal(await store.entries.count(source.id), url ? 0 : 2, `${name}: entries untouched`);
    if (!url) assert.equal(source.etag, '"good"', `${name}: validators kept`);
    const [latest] = await store.sources.history(source.id, 1);
    assert.equal(latest?.outcome, 'failed');
    assert.equal(latest?.errorCode, code);
    if (source.status === 'active') {
      // First failure: the minimum interval, ±20%.
      const wait = source.nextCheckAt!.getTime() - before;
      const min = config.poll.minIntervalMs;
      if (!/Retry-After/.test(source.checkBasis ?? '')) {
        assert.ok(wait >= min * 0.8 - 5000 && wait <= min * 1.2, `${name}: backoff of ${wait} ms`);
        assert.match(source.checkBasis ?? '', /backing off/);
      }
    }
    return source;
  }

  const status =
    (code: number, headers: Record<string, string> = {}): Fault =>
    (_req, res) =>
      res.writeHead(code, headers).end();

  it('404: recorded, backed off', async () => {
    await expectFailure('404', status(404), 'fetch.http-status', /resource not found \(404/, 404);
  });

  it('410: the source is disabled at once', async () => {
    const source = await expectFailure(
      '410',
      status(410),
      'fetch.http-status',
      /gone for good.*disabled \(410 Gone\)/,
      410,
    );
    assert.equal(source.status, 'disabled');
  });

  it('500: recorded, backed off', async () => {
    await expectFailure('500', status(500), 'fetch.http-status', /internal error \(500/, 500);
  });

  it('503 without Retry-After: backed off', async () => {
    await expectFailure('503', status(503), 'fetch.http-status', /unavailable \(503/, 503);
  });

  it('429 with Retry-After in seconds: the next check waits that long', async () => {
    const source = await expectFailure(
      '429-seconds',
      status(429, { 'retry-after': '7200' }),
      'fetch.http-status',
      /too many requests \(429/,
      429,
    );
    const wait = source.nextCheckAt!.getTime() - Date.now();
    assert.ok(wait > 7100_000 && wait <= 7200_000, `waits ${wait} ms`);
    assert.equal(source.checkBasis, "the server's Retry-After");
  });

  it('503 with Retry-After as an HTTP date: the next check is that date', async () => {
    const source = await expectFailure(
      '503-date',
      status(503, { 'retry-after': RETRY_DATE.toUTCString() }),
      'fetch.http-status',
      /unavailable \(503/,
      503,
    );
    assert.equal(source.nextCheckAt?.getTime(), RETRY_DATE.getTime());
  });

  it('a chain of 301s: followed, and the stored feed URL moves', async () => {
    faults.set('/f/301-chain', status(301, { location: '/hop-1' }));
    faults.set('/hop-1', status(308, { location: '/hop-2' }));
    faults.set('/hop-2', status(301, { location: '/moved-here' }));
    const { outcome, source } = await meet('301-chain', null);
    assert.equal(outcome.kind, 'not-modified', 'the new address knows our validators');
    assert.equal(source.feedUrl, `${server.url}/moved-here`);
  });

  it('a 302: followed, and the stored feed URL stays', async () => {
    const { outcome, source } = await meet('302', status(302, { location: '/temporary-target' }));
    assert.equal(outcome.kind, 'not-modified');
    assert.equal(source.feedUrl, `${server.url}/f/302`);
  });

  it('a redirect loop: stopped and named', async () => {
    faults.set('/loop-b', status(302, { location: '/f/loop' }));
    await expectFailure(
      'loop',
      status(302, { location: '/loop-b' }),
      'fetch.redirect-loop',
      /redirect loop/,
      302,
    );
  });

  it('more than five redirects: stopped', async () => {
    for (let i = 0; i < 8; i++) faults.set(`/many-${i}`, status(302, { location: `/many-${i + 1}` }));
    await expectFailure(
      'many',
      status(302, { location: '/many-0' }),
      'fetch.too-many-redirects',
      /more than 5 redirects/,
      302,
    );
  });

  it('a slow trickle (a byte a second): given up as too slow, long before the total timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    await expectFailure(
      'trickle',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write(GOOD[0]);
        let i = 1;
        timer = setInterval(() => res.write(GOOD[i++ % GOOD.length]!), 1000);
        res.on('close', () => clearInterval(timer));
      },
      'fetch.too-slow',
      /sent 1 bytes of the body in 0\.\d s, slower than 1024 bytes a second/,
    );
    clearInterval(timer);
  });

  it('a body that never ends, fast enough: stopped by the total timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    await expectFailure(
      'endless',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write(GOOD.slice(0, GOOD.indexOf('<item>')));
        timer = setInterval(() => res.write(`<!-- ${'x'.repeat(2000)} -->`), 100);
        res.on('close', () => clearInterval(timer));
      },
      'fetch.timeout',
      /no complete response within 2 s/,
    );
    clearInterval(timer);
  });

  it('a stalled connection (accepts, never answers): stopped by the first-byte timeout', async () => {
    await expectFailure(
      'stall',
      () => undefined,
      'fetch.timeout',
      /no response headers in time|no complete response/,
    );
  });

  it('truncated XML: the complete entries are read, the cut-off one is skipped, and the recovery is recorded', async () => {
    const cut = GOOD.slice(0, GOOD.indexOf('<item><guid>urn:f:2')) + '<item><guid>urn:f:3</guid><title>Thr';
    const { outcome, source } = await meet('truncated', (_req, res) => res.writeHead(200).end(cut));
    assert.equal(outcome.kind, 'stored');
    assert.ok(
      outcome.kind === 'stored' && outcome.warnings.some((w) => /end|unclosed|truncat/i.test(w)),
      JSON.stringify(outcome),
    );
    assert.equal(source.lastError, null);
    assert.equal(await store.entries.count(source.id), 2, 'the cut-off third entry is not stored');
  });

  for (const announced of [false, true]) {
    const name = announced ? 'huge-announced' : 'huge';
    it(`a 50 MB body${announced ? ' with its Content-Length: refused before it is read' : ', sent without a length: stopped at the size limit while streaming'}`, async () => {
      const fifty = 50 * 1024 * 1024;
      await expectFailure(
        name,
        (_req, res) => {
          res.writeHead(200, {
            'content-type': 'application/rss+xml',
            ...(announced ? { 'content-length': String(fifty) } : {}),
          });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let written = 0;
          const pump = (): void => {
            while (written < fifty && !res.destroyed) {
              written += chunk.length;
              sent.set(name, written);
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
        },
        'fetch.too-large',
        announced
          ? /announced a body of 52428800 bytes, over the limit of 10485760/
          : /too large: over 10485760 bytes/,
      );
      assert.ok((sent.get(name) ?? 0) < fifty, 'the client hung up before the end');
    });
  }

  it('a gzip bomb: stopped at the size limit after decompression', async () => {
    await expectFailure(
      'bomb',
      (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb),
      'fetch.too-large',
      /too large after decompression/,
    );
  });

  it('billion laughs: entities are never expanded', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><guid>urn:lol</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`;
    const { outcome, source } = await meet('laughs', (_req, res) => res.writeHead(200).end(lol));
    assert.equal(outcome.kind, 'stored');
    assert.ok(outcome.kind === 'stored' && outcome.warnings.some((w) => /not expanded/.test(w)));
    const entry = (await store.entries.list({ sourceId: source.id, limit: 5 })).entries.find(
      (e) => e.guid === 'urn:lol',
    );
    assert.ok(entry && (entry.title ?? '').length < 100, `title stays small: ${entry?.title}`);
  });

  it('XXE: an external entity is never resolved', async () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title>
<item><guid>urn:xxe</guid><title>Secret: &xxe;</title><description>&xxe;</description></item></channel></rss>`;
    const { outcome, source } = await meet('xxe', (_req, res) => res.writeHead(200).end(xxe));
    assert.equal(outcome.kind, 'stored');
    const entries = (await store.entries.list({ sourceId: source.id, limit: 5 })).entries;
    for (const e of entries) assert.ok(!/root:/.test(`${e.title} ${e.summaryHtml}`), 'no file content');
  });

  it('a wrong declared charset: Latin-1 bytes declared UTF-8 still decode, with a warning', async () => {
    const latin1 = Buffer.from(
      GOOD.replace('<title>One</title>', '<title>Café Zürich</title>').replace('urn:f:1', 'urn:f:1b'),
      'latin1',
    );
    const { outcome, source } = await meet('charset', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(latin1),
    );
    assert.equal(outcome.kind, 'stored');
    assert.ok(
      outcome.kind === 'stored' && outcome.warnings.some((w) => /charset|encoding|UTF-8/i.test(w)),
      JSON.stringify(outcome),
    );
    const titles = (await store.entries.list({ sourceId: source.id, limit: 5 })).entries.map((e) => e.title);
    assert.ok(titles.includes('Café Zürich'), titles.join(', '));
  });

  it('an HTML page instead of a feed: the error names the feeds the page links to', async () => {
    await expectFailure(
      'html',
      (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>Hi</body></html>',
          ),
      'parse.html-page',
      new RegExp(`HTML page, not a feed.*${server.url.replace(/[.]/g, '\\.')}/atom\\.xml`),
      200,
    );
  });

  it('an empty 200: a clear error', async () => {
    await expectFailure('empty', status(200), 'parse.empty', /empty/, 200);
  });

  it('a 200 with JSON that is not a feed: a clear error', async () => {
    await expectFailure(
      'json',
      (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","items":3}'),
      'parse.json-not-feed',
      /JSON.*not a JSON Feed/i,
      200,
    );
  });

  it('connection refused: a clear error', async () => {
    const closed = await startTestServer(() => undefined);
    const url = `${closed.url}/feed`;
    await closed.close();
    await expectFailure('refused', null, 'fetch.connection-refused', /refused the connection/, null, url);
  });

  it('DNS failure: a clear error', async () => {
    await expectFailure(
      'dns',
      null,
      'fetch.dns',
      /could not be resolved/,
      null,
      'http://no-such-host.invalid/feed',
    );
  });

  it('a host name that resolves to a private address: refused unless allowed', async () => {
    const strict = new Fetcher({
      userAgent: 'courtesy-test',
      resolve: () => Promise.resolve([{ address: '10.1.2.3', family: 4 }]),
    });
    try {
      await assert.rejects(
        strict.fetch('http://intranet.example/feed'),
        /private network address \(10\.1\.2\.3\); to allow it, set poll\.allow_private_networks = true in courtesy\.toml, or run with --allow-private-networks \(environment: COURTESY_ALLOW_PRIVATE_NETWORKS=1\)/,
      );
    } finally {
      await strict.close();
    }
  });

  it('N consecutive failures disable a source, and resuming resets it', async () => {
    const source = await store.sources.add({ feedUrl: `${server.url}/always-500` }, new Date());
    faults.set('/always-500', status(500));
    let outcome: RefreshOutcome | null = null;
    for (let i = 0; i < config.poll.maxConsecutiveFailures; i++) {
      outcome = await refreshSource(ctx, (await store.sources.get(source.id))!);
    }
    assert.ok(outcome?.kind === 'failed' && outcome.disabled);
    const disabled = (await store.sources.get(source.id))!;
    assert.equal(disabled.status, 'disabled');
    assert.match(disabled.lastError ?? '', /disabled after 10 consecutive failures/);
    assert.equal((await store.sources.history(source.id, 50)).length, 10, 'every check is in the history');
  });
});
