import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { createFeedProcessor } from './feed-processor.js';
import { pollSources, startPoller } from './poller.js';
import type { IngestContext } from './refresh.js';

/**
 * The dispatcher: per-host and global limits, hosts in turn, and sources that failed last time
 * behind the healthy ones of their host. Host names under .test resolve to the loopback server,
 * which tells them apart by the Host header and delays each answer as the test says.
 */

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><guid>urn:t:1</guid><title>One</title><link>https://t.example/1</link></item></channel></rss>`;

describe('pollSources', () => {
  let server: TestServer;
  let store: Store;
  let ctx: IngestContext;
  let config: Config;
  /** Requests in flight per host now, and the most seen. */
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let maxTotal = 0;
  let total = 0;
  /** Paths in the order they were requested, and in the order they were answered. */
  const requested: string[] = [];
  const answered: string[] = [];
  const delayMs = new Map<string, number>();

  before(async () => {
    server = await startTestServer((req, res) => {
      const host = (req.headers.host ?? '').split(':')[0]!;
      const path = req.url ?? '/';
      requested.push(`${host}${path}`);
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      maxInFlight.set(host, Math.max(maxInFlight.get(host) ?? 0, inFlight.get(host)!));
      total++;
      maxTotal = Math.max(maxTotal, total);
      setTimeout(
        () => {
          inFlight.set(host, inFlight.get(host)! - 1);
          total--;
          answered.push(`${host}${path}`);
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
        },
        delayMs.get(host) ?? 20,
      );
    });
    const loaded = loadConfig({ dataDir: '/nonexistent-courtesy-test', allowPrivateNetworks: true }, {});
    config = { ...loaded, poll: { ...loaded.poll, perHostConcurrency: 2, concurrency: 5 } };
    store = await openSqliteStore(':memory:');
    const port = new URL(server.url).port;
    ctx = {
      store,
      config,
      logger: createLogger('silent'),
      processor: createFeedProcessor(0),
      fetcher: new Fetcher({
        userAgent: 'courtesy-test',
        allowPrivateNetworks: true,
        perHostConcurrency: 2,
        totalConcurrency: 5,
        resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      }),
    };
    for (const host of ['slow', 'a', 'b', 'c']) {
      for (let n = 1; n <= 4; n++) {
        await store.sources.add({ feedUrl: `http://${host}.test:${port}/${n}.xml` }, new Date(0));
      }
    }
  });

  after(async () => {
    await ctx.fetcher.close();
    await store.close();
    await server.close();
  });

  const reset = (): void => {
    maxInFlight.clear();
    maxTotal = 0;
    requested.length = 0;
    answered.length = 0;
  };

  it('keeps to the per-host and the global limits', async () => {
    reset();
    const report = await pollSources(ctx, { all: true });
    assert.equal(report.outcomes.length, 16);
    assert.ok(
      report.outcomes.every((o) => o.kind === 'stored'),
      JSON.stringify(report.outcomes.find((o) => o.kind !== 'stored')),
    );
    for (const [host, max] of maxInFlight) assert.ok(max <= 2, `${host}: ${max} at once`);
    assert.ok(maxTotal <= 5, `${maxTotal} at once overall`);
    assert.equal(maxTotal, 5, 'the global limit is used in full');
  });

  it('takes hosts in turn, so a slow host holds only its own slots', async () => {
    reset();
    delayMs.set('slow.test', 400);
    try {
      await pollSources(ctx, { all: true });
    } finally {
      delayMs.delete('slow.test');
    }
    const lastFast = Math.max(...['a', 'b', 'c'].map((h) => answered.findLastIndex((p) => p.startsWith(h))));
    const slowDone = answered.filter((p) => p.startsWith('slow')).length;
    assert.ok(
      answered.slice(0, lastFast + 1).every((p) => !p.startsWith('slow')),
      `every fast host finished before the slow one answered (${answered.join(' ')})`,
    );
    assert.equal(slowDone, 4);
    assert.deepEqual(
      requested.slice(0, 4).map((p) => p.split('.')[0]),
      ['slow', 'a', 'b', 'c'],
      'the first requests go to each host in turn',
    );
  });

  it('puts the sources that failed last time behind the healthy ones of their host', async () => {
    reset();
    const sources = (await store.sources.list()).filter((s) => s.feedUrl.includes('//a.test'));
    await store.sources.update(sources[0]!.id, { consecutiveFailures: 3 });
    await pollSources(ctx, { all: true });
    const onA = requested.filter((p) => p.startsWith('a.test'));
    assert.equal(onA.at(-1), `a.test${new URL(sources[0]!.feedUrl).pathname}`);
  });

  it('claims for several free slots at once when checks end one by one', async () => {
    const port = new URL(server.url).port;
    const added: number[] = [];
    for (let n = 0; n < 40; n++) {
      const source = await store.sources.add(
        { feedUrl: `http://h${n}.test:${port}/one-by-one` },
        new Date(0),
      );
      added.push(source.id);
      delayMs.set(`h${n}.test`, 5 + n * 4);
    }
    let claims = 0;
    let claimed = 0;
    const counting: Store = Object.assign(Object.create(store) as Store, {
      sources: Object.assign(Object.create(store.sources) as Store['sources'], {
        claimDue: async (...args: Parameters<Store['sources']['claimDue']>) => {
          const taken = await store.sources.claimDue(...args);
          if (taken.length > 0) claims++;
          claimed += taken.length;
          return taken;
        },
      }),
    });
    // Only the new sources are due.
    for (const s of await store.sources.list()) {
      if (!added.includes(s.id))
        await store.sources.update(s.id, { nextCheckAt: new Date(Date.now() + 3_600_000) });
    }
    const poll = { ...config.poll, concurrency: 16, perHostConcurrency: 2, checkEveryMs: 10_000 };
    const poller = startPoller({ ...ctx, store: counting, config: { ...config, poll } });
    try {
      for (
        let waited = 0;
        claimed < 40 || (await store.sources.queue(new Date())).claimed > 0;
        waited += 10
      ) {
        assert.ok(waited < 20_000, `every source is checked (${claimed} claimed)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await poller.stop();
      for (let n = 0; n < 40; n++) delayMs.delete(`h${n}.test`);
    }
    assert.equal(claimed, 40, 'each source once');
    // One claim per ending check would make about 25 claims after the first; a quarter of the
    // slots at a time makes about 6.
    assert.ok(claims <= 12, `${claims} claims for 40 sources at 16 at once`);
  });
});

describe('a check that never ends', () => {
  it('is abandoned at its deadline, recorded as failed, and the poll goes on without writing it later', async () => {
    const server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
    });
    const store = await openSqliteStore(':memory:');
    const loaded = loadConfig({ dataDir: '/nonexistent-courtesy-test', allowPrivateNetworks: true }, {});
    const config = { ...loaded, poll: { ...loaded.poll, checkDeadlineMs: 200 } };
    const processor = createFeedProcessor(0);
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const ctx: IngestContext = {
      store,
      config,
      logger: createLogger('silent'),
      // The feed of /stuck.xml is parsed by something that does not answer until the test says so.
      processor: {
        ...processor,
        process: async (input) => {
          if (input.url.endsWith('/stuck.xml')) await stuck;
          return processor.process(input);
        },
      },
      fetcher: new Fetcher({
        userAgent: 'courtesy-test',
        allowPrivateNetworks: true,
        perHostConcurrency: 2,
        totalConcurrency: 5,
      }),
    };
    try {
      const stuckSource = await store.sources.add({ feedUrl: `${server.url}/stuck.xml` }, new Date(0));
      const healthy = await store.sources.add({ feedUrl: `${server.url}/fine.xml` }, new Date(0));
      const started = Date.now();
      const report = await pollSources(ctx, { all: true });
      assert.ok(Date.now() - started < 5_000, 'the poll did not wait for the stuck check');
      const byId = new Map(report.outcomes.map((o) => [o.sourceId, o]));
      assert.equal(byId.get(healthy.id)?.kind, 'stored');
      const abandoned = byId.get(stuckSource.id);
      assert.equal(abandoned?.kind, 'failed');
      assert.equal(abandoned?.kind === 'failed' && abandoned.code, 'check.timeout');
      const recorded = await store.sources.get(stuckSource.id);
      assert.equal(recorded?.lastErrorCode, 'check.timeout');
      assert.match(recorded?.lastError ?? '', /^the check did not end within 0.2 s and was abandoned/);
      // Woken later, the abandoned check writes nothing: its source keeps the deadline's record.
      release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await store.entries.count(stuckSource.id), 0);
      assert.equal((await store.sources.history(stuckSource.id, 10)).length, 1, 'one record of the check');
    } finally {
      await ctx.fetcher.close();
      await store.close();
      await server.close();
    }
  });
});
