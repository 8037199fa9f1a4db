import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { FetchError } from './errors.js';
import { Fetcher } from './fetcher.js';

const FEED = '<rss version="2.0"><channel><title>t</title></channel></rss>';

describe('Fetcher against a loopback server', () => {
  let server: TestServer;
  let fetcher: Fetcher;
  before(async () => {
    server = await startTestServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/feed') {
        if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
        return res
          .writeHead(200, {
            'content-type': 'application/rss+xml',
            etag: '"v1"',
            'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT',
          })
          .end(FEED);
      }
      if (path === '/gzip') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(FEED));
      if (path === '/bomb')
        return res
          .writeHead(200, { 'content-encoding': 'gzip' })
          .end(gzipSync(Buffer.alloc(5 * 1024 * 1024)));
      if (path === '/huge') return res.writeHead(200).end(Buffer.alloc(3 * 1024 * 1024, 'a'));
      if (path === '/moved') return res.writeHead(301, { location: '/moved2' }).end();
      if (path === '/moved2') return res.writeHead(308, { location: '/feed' }).end();
      if (path === '/temp') return res.writeHead(302, { location: '/feed' }).end();
      if (path === '/loop-a') return res.writeHead(302, { location: '/loop-b' }).end();
      if (path === '/loop-b') return res.writeHead(302, { location: '/loop-a' }).end();
      if (path.startsWith('/chain')) {
        const n = Number(path.slice(6));
        return res.writeHead(301, { location: `/chain${n + 1}` }).end();
      }
      if (path === '/busy') return res.writeHead(429, { 'retry-after': '120' }).end();
      if (path === '/gone') return res.writeHead(410).end();
      if (path === '/stall') return; // never answers
      if (path === '/trickle' || path === '/steady') {
        // /trickle: 10 bytes every 50 ms (200 bytes a second); /steady: 2 KB every 50 ms, for 600 ms.
        const piece = path === '/trickle' ? 'x'.repeat(10) : 'x'.repeat(2048);
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        let sent = 0;
        const timer = setInterval(() => {
          if (path === '/steady' && ++sent > 12) {
            clearInterval(timer);
            return void res.end();
          }
          res.write(piece);
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(404).end();
    });
    fetcher = new Fetcher({
      userAgent: 'courtesy-test',
      allowPrivateNetworks: true,
      maxBodyBytes: 1024 * 1024,
      totalTimeoutMs: 1500,
      headersTimeoutMs: 1000,
      minBytesPerSecond: 1024,
      slowBodyGraceMs: 300,
    });
  });
  after(async () => {
    await fetcher.close();
    await server.close();
  });

  const expectError = async (path: string, code: string, status?: number) => {
    await assert.rejects(fetcher.fetch(`${server.url}${path}`), (error: unknown) => {
      assert.ok(error instanceof FetchError, String(error));
      assert.equal(error.code, code, error.message);
      if (status !== undefined) assert.equal(error.status, status);
      return true;
    });
  };

  it('gives up a body that comes slower than the minimum speed, long before the total timeout', async () => {
    const started = Date.now();
    await assert.rejects(fetcher.fetch(`${server.url}/trickle`), (error: unknown) => {
      assert.ok(error instanceof FetchError, String(error));
      assert.equal(error.code, 'fetch.too-slow', error.message);
      assert.match(error.message, /sent \d+ bytes of the body in \d+\.\d s, slower than 1024 bytes a second/);
      return true;
    });
    assert.ok(Date.now() - started < 1200, `given up after ${Date.now() - started} ms`);
  });

  it('reads a body that is slow but faster than the minimum speed', async () => {
    const result = await fetcher.fetch(`${server.url}/steady`);
    assert.equal(result.kind, 'modified');
    if (result.kind === 'modified') assert.equal(result.body.length, 12 * 2048);
  });

  it('sends conditional GET and reports 304 as not modified', async () => {
    const first = await fetcher.fetch(`${server.url}/feed`);
    assert.equal(first.kind, 'modified');
    assert.ok(first.kind === 'modified');
    assert.equal(Buffer.from(first.body).toString(), FEED);
    assert.deepEqual(first.validators, { etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 10:00:00 GMT' });
    const second = await fetcher.fetch(`${server.url}/feed`, first.validators);
    assert.equal(second.kind, 'not-modified');
    const last = server.requests[server.requests.length - 1]!;
    assert.equal(last.headers['if-modified-since'], 'Tue, 24 Nov 2026 10:00:00 GMT');
    assert.equal(last.headers['user-agent'], 'courtesy-test');
  });

  it('decompresses gzip', async () => {
    const result = await fetcher.fetch(`${server.url}/gzip`);
    assert.ok(result.kind === 'modified');
    assert.equal(Buffer.from(result.body).toString(), FEED);
  });

  it('stops a compression bomb at the size limit', () => expectError('/bomb', 'fetch.too-large'));
  it('stops a body over the size limit', () => expectError('/huge', 'fetch.too-large'));

  it('follows permanent redirects and reports the new URL', async () => {
    const result = await fetcher.fetch(`${server.url}/moved`);
    assert.equal(result.finalUrl, `${server.url}/feed`);
    assert.equal(result.movedTo, `${server.url}/feed`);
  });

  it('does not report a temporary redirect as a move', async () => {
    const result = await fetcher.fetch(`${server.url}/temp`);
    assert.equal(result.finalUrl, `${server.url}/feed`);
    assert.equal(result.movedTo, null);
  });

  it('detects redirect loops', () => expectError('/loop-a', 'fetch.redirect-loop', 302));
  it('stops after five redirects', () => expectError('/chain0', 'fetch.too-many-redirects', 301));
  it('reports 404 with its status', () => expectError('/missing', 'fetch.http-status', 404));
  it('reports 410 with its status', () => expectError('/gone', 'fetch.http-status', 410));

  it('reads Retry-After on 429', async () => {
    const started = Date.now();
    await assert.rejects(fetcher.fetch(`${server.url}/busy`), (error: unknown) => {
      assert.ok(error instanceof FetchError && error.retryAt);
      const wait = error.retryAt.getTime() - started;
      assert.ok(wait >= 119_000 && wait <= 125_000, `retry in ${wait} ms`);
      return true;
    });
  });

  it('times out a stalled server', () => expectError('/stall', 'fetch.timeout'));

  it('refuses URLs that are not http(s)', async () => {
    await assert.rejects(
      fetcher.fetch('file:///etc/passwd'),
      (e: unknown) => e instanceof FetchError && e.code === 'fetch.bad-url',
    );
  });

  it('reports a refused connection', async () => {
    const closed = await startTestServer(() => {});
    const url = closed.url;
    await closed.close();
    await assert.rejects(
      fetcher.fetch(`${url}/feed`),
      (e: unknown) => e instanceof FetchError && e.code === 'fetch.connection-refused',
    );
  });
});

describe('Fetcher private-address refusal', () => {
  it('refuses loopback and private addresses unless allowed', async () => {
    const server = await startTestServer((_req, res) => res.end(FEED));
    const strict = new Fetcher({ userAgent: 'courtesy-test' });
    try {
      const port = new URL(server.url).port;
      for (const host of ['127.0.0.1', 'localhost', '[::1]', '169.254.169.254', '10.0.0.1']) {
        await assert.rejects(strict.fetch(`http://${host}:${port}/feed`), (e: unknown) => {
          assert.ok(e instanceof FetchError, String(e));
          assert.equal(e.code, 'fetch.private-address', `${host}: ${e.message}`);
          return true;
        });
      }
    } finally {
      await strict.close();
      await server.close();
    }
  });

  it('refuses a redirect from an allowed origin into a private one', async () => {
    const inner = await startTestServer((_req, res) => res.end(FEED));
    const outer = await startTestServer((_req, res) =>
      res.writeHead(302, { location: `${inner.url.replace('127.0.0.1', 'localhost')}/x` }).end(),
    );
    const fetcher = new Fetcher({ userAgent: 'courtesy-test', allowedOrigins: [outer.url] });
    try {
      await assert.rejects(
        fetcher.fetch(`${outer.url}/feed`),
        (e: unknown) => e instanceof FetchError && e.code === 'fetch.private-address',
      );
      const direct = await fetcher.fetch(`${outer.url.replace('/feed', '')}/`).catch((e: unknown) => e);
      assert.ok(direct instanceof FetchError, 'the allowed origin itself is reachable but redirects');
    } finally {
      await fetcher.close();
      await inner.close();
      await outer.close();
    }
  });

  it('exempts only the exact allowed origin: its host name on another port stays refused', async () => {
    const own = await startTestServer((_req, res) => res.end(FEED));
    const internal = await startTestServer((_req, res) => res.end('internal service'));
    const ownPort = new URL(own.url).port;
    const internalPort = new URL(internal.url).port;
    // The site's own name (as base_url defaults to with host 0.0.0.0), and a public name that
    // resolves to a private address: each exempt at its own port alone.
    for (const host of ['localhost', 'news.example']) {
      const fetcher = new Fetcher({
        userAgent: 'courtesy-test',
        allowedOrigins: [`http://${host}:${ownPort}`],
        resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      });
      try {
        const allowed = await fetcher.fetch(`http://${host}:${ownPort}/feed`);
        assert.equal(allowed.kind, 'modified', `${host}: its own origin is reachable`);
        await assert.rejects(fetcher.fetch(`http://${host}:${internalPort}/admin`), (e: unknown) => {
          assert.ok(e instanceof FetchError, String(e));
          assert.equal(e.code, 'fetch.private-address', `${host}, another port: ${e.message}`);
          return true;
        });
        await assert.rejects(
          fetcher.postForm(`http://${host}:${internalPort}/hub`, new URLSearchParams({ a: '1' })),
          (e: unknown) => e instanceof FetchError && e.code === 'fetch.private-address',
          `${host}: a form post to another port too`,
        );
        await assert.rejects(
          fetcher.fetch(`https://${host}:${ownPort}/feed`),
          (e: unknown) => e instanceof FetchError && e.code === 'fetch.private-address',
          `${host}: another scheme is another origin`,
        );
      } finally {
        await fetcher.close();
      }
    }
    await own.close();
    await internal.close();
  });

  it('refuses a body announced past the cap before reading it', async () => {
    let sent = 0;
    const server = await startTestServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/rss+xml',
        'content-length': String(50 * 1024 * 1024),
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const timer = setInterval(() => {
        sent += chunk.length;
        res.write(chunk);
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
    const fetcher = new Fetcher({
      userAgent: 'courtesy-test',
      allowPrivateNetworks: true,
      maxBodyBytes: 1024 * 1024,
    });
    try {
      await assert.rejects(fetcher.fetch(`${server.url}/feed`), (e: unknown) => {
        assert.ok(e instanceof FetchError && e.code === 'fetch.too-large', String(e));
        assert.match(e.message, /announced a body of 52428800 bytes, over the limit of 1048576/);
        return true;
      });
      assert.ok(sent <= 64 * 1024, `the server sent ${sent} bytes before courtesy hung up`);
    } finally {
      await fetcher.close();
      await server.close();
    }
  });

  it('decompresses every encoding servers send, small and large alike, and names a broken body', async () => {
    const small = Buffer.from(FEED);
    const large = Buffer.alloc(300 * 1024, 'b');
    const encoders: Record<string, (b: Buffer) => Buffer> = {
      gzip: gzipSync,
      'x-gzip': gzipSync,
      deflate: deflateSync,
      'raw-deflate': deflateRawSync,
      br: brotliCompressSync,
    };
    const server = await startTestServer((req, res) => {
      const [, name, size] = (req.url ?? '').split('/');
      const body = size === 'large' ? large : small;
      if (name === 'broken')
        return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(body).subarray(0, 40));
      const encoding = name === 'raw-deflate' ? 'deflate' : name!;
      res.writeHead(200, { 'content-encoding': encoding }).end(encoders[name!]!(body));
    });
    const fetcher = new Fetcher({
      userAgent: 'courtesy-test',
      allowPrivateNetworks: true,
      maxBodyBytes: 1024 * 1024,
      largeBodyBytes: 64 * 1024,
    });
    try {
      for (const name of Object.keys(encoders)) {
        for (const size of ['small', 'large']) {
          const result = await fetcher.fetch(`${server.url}/${name}/${size}`);
          assert.equal(result.kind, 'modified');
          if (result.kind === 'modified')
            assert.ok(Buffer.from(result.body).equals(size === 'large' ? large : small), `${name} ${size}`);
        }
      }
      await assert.rejects(fetcher.fetch(`${server.url}/broken/small`), (e: unknown) => {
        assert.ok(e instanceof FetchError && e.code === 'fetch.decompress', String(e));
        assert.match(e.message, /gzip body could not be decompressed/);
        return true;
      });
    } finally {
      await fetcher.close();
      await server.close();
    }
  });

  it('holds large bodies to the budget: known lengths many at once, unknown ones at the cap each, and every one whole', async () => {
    const big = Buffer.alloc(300 * 1024, 'a');
    // /known/N: 300 KB announced, the first 100 KB at once and the rest once three of them are being read.
    const held: Array<() => void> = [];
    const server = await startTestServer((req, res) => {
      const path = req.url ?? '/';
      if (path.startsWith('/known/')) {
        res.writeHead(200, { 'content-length': String(big.length) }).write(big.subarray(0, 100 * 1024));
        held.push(() => res.end(big.subarray(100 * 1024)));
        if (held.length === 3) setTimeout(() => held.splice(0).forEach((finish) => finish()), 50);
        return;
      }
      if (path === '/chunked') {
        res.writeHead(200).write(big.subarray(0, 150 * 1024));
        return void setTimeout(() => res.end(big.subarray(150 * 1024)), 20);
      }
      if (path === '/big.gz') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(big));
      // A gzip trailer gives only its member's size: these decompress past it, and once more within the cap.
      if (path === '/members.gz')
        return res
          .writeHead(200, { 'content-encoding': 'gzip' })
          .end(Buffer.concat([gzipSync(big), gzipSync('b')]));
      if (path === '/large-members.gz')
        return res
          .writeHead(200, { 'content-encoding': 'gzip' })
          .end(Buffer.concat([gzipSync(big), gzipSync(big)]));
      if (path === '/raw-deflate')
        return res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateRawSync(big));
      if (path === '/bomb')
        return res
          .writeHead(200, { 'content-encoding': 'gzip' })
          .end(gzipSync(Buffer.alloc(5 * 1024 * 1024)));
      if (path === '/deflate-bomb')
        return res
          .writeHead(200, { 'content-encoding': 'deflate' })
          .end(deflateSync(Buffer.alloc(5 * 1024 * 1024)));
      res.writeHead(200).end(FEED);
    });
    const maxBodyBytes = 1024 * 1024;
    const largeBodyBytes = 64 * 1024;
    const budget = maxBodyBytes + largeBodyBytes; // one body of unknown length at the cap
    const fetcher = new Fetcher({
      userAgent: 'courtesy-test',
      allowPrivateNetworks: true,
      maxBodyBytes,
      largeBodyBytes,
      largeBodyBudgetBytes: budget,
      totalConcurrency: 8,
      perHostConcurrency: 8,
    });
    const bodyOf = async (path: string): Promise<Buffer> => {
      const result = await fetcher.fetch(`${server.url}${path}`);
      assert.equal(result.kind, 'modified', path);
      return result.kind === 'modified' ? Buffer.from(result.body) : Buffer.alloc(0);
    };
    try {
      const known = await Promise.all([1, 2, 3].map((n) => bodyOf(`/known/${n}`)));
      known.forEach((body) => assert.ok(body.equals(big)));
      assert.equal(fetcher.largeBodyPeakBytes, 3 * big.length, 'three bodies of a known length at once');

      const expected: Record<string, Buffer> = {
        '/chunked': big,
        '/big.gz': big,
        '/members.gz': Buffer.concat([big, Buffer.from('b')]),
        '/large-members.gz': Buffer.concat([big, big]),
        '/raw-deflate': big,
        '/small': Buffer.from(FEED),
      };
      const paths = [
        '/chunked',
        '/big.gz',
        '/members.gz',
        '/large-members.gz',
        '/raw-deflate',
        '/chunked',
        '/small',
      ];
      const bodies = await Promise.all(paths.map(bodyOf));
      bodies.forEach((body, i) => assert.ok(body.equals(expected[paths[i]!]!), paths[i]));
      assert.ok(fetcher.largeBodyPeakBytes <= budget, `held ${fetcher.largeBodyPeakBytes} of ${budget}`);

      await assert.rejects(fetcher.fetch(`${server.url}/bomb`), (e: unknown) => {
        assert.ok(e instanceof FetchError && e.code === 'fetch.too-large', String(e));
        assert.match(e.message, /after decompression: its gzip trailer gives 5242880 bytes/);
        return true;
      });
      await assert.rejects(fetcher.fetch(`${server.url}/deflate-bomb`), (e: unknown) => {
        assert.ok(e instanceof FetchError && e.code === 'fetch.too-large', String(e));
        assert.match(e.message, /too large after decompression: over 1048576 bytes/);
        return true;
      });
      // The budget was all given back: a body of unknown length, which takes all of it, is read.
      assert.ok((await bodyOf('/chunked')).equals(big));
    } finally {
      await fetcher.close();
      await server.close();
    }
  });
});
