import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { startServer, type RunningServer } from '../web/server.js';
import { mayReadMetrics } from './access.js';
import { Metrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './server.js';

const t0 = new Date('2026-05-01T08:00:00Z');

/** The value of one sample line (`name{labels} value`) in an exposition, or null when absent. */
function sample(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

describe('who may read the metrics', () => {
  it('without a token: loopback and private networks only', () => {
    for (const inside of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '192.168.0.7',
      '172.16.5.5',
      'fd00::1',
      '::ffff:127.0.0.1',
    ]) {
      assert.equal(mayReadMetrics(inside, undefined, null), true, inside);
    }
    for (const outside of ['203.0.113.9', '8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8', 'unknown', '']) {
      assert.equal(mayReadMetrics(outside, undefined, null), false, outside);
    }
  });

  it('with a token: whoever sends it, and nobody else, wherever they are', () => {
    const token = 'a-long-scrape-token-0123456789';
    assert.equal(mayReadMetrics('203.0.113.9', `Bearer ${token}`, token), true);
    assert.equal(mayReadMetrics('203.0.113.9', `bearer ${token}`, token), true);
    assert.equal(mayReadMetrics('127.0.0.1', undefined, token), false, 'loopback needs it too');
    assert.equal(mayReadMetrics('127.0.0.1', `Bearer ${token}x`, token), false);
    assert.equal(mayReadMetrics('127.0.0.1', `Basic ${token}`, token), false);
  });
});

describe('the metrics', () => {
  it('count checks by outcome, errors by code, entries by change, and fetch times', async () => {
    const metrics = new Metrics();
    metrics.check({ kind: 'stored', inserted: 3, updated: 1, suppressed: 2 });
    metrics.check({ kind: 'not-modified' });
    metrics.check({ kind: 'failed', code: 'fetch.timeout' });
    metrics.check({ kind: 'failed', code: 'fetch.timeout' });
    metrics.check({ kind: 'failed', code: 'parse.not-a-feed' });
    metrics.fetched(0.02, 'modified');
    metrics.fetched(3, 'failed');
    metrics.push('ignored');
    metrics.fullText('done');
    metrics.fullText('kept-feed');
    metrics.fullText('kept-feed');
    const { contentType, body } = await metrics.render();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(body, 'courtesy_poll_checks_total{outcome="stored"}'), 1);
    assert.equal(sample(body, 'courtesy_poll_checks_total{outcome="not_modified"}'), 1);
    assert.equal(sample(body, 'courtesy_poll_checks_total{outcome="failed"}'), 3);
    assert.equal(sample(body, 'courtesy_poll_errors_total{code="fetch.timeout"}'), 2);
    assert.equal(sample(body, 'courtesy_poll_errors_total{code="parse.not-a-feed"}'), 1);
    assert.equal(sample(body, 'courtesy_entries_stored_total{change="inserted"}'), 3);
    assert.equal(sample(body, 'courtesy_entries_stored_total{change="suppressed"}'), 2);
    assert.equal(sample(body, 'courtesy_fetch_duration_seconds_bucket{le="0.025",result="modified"}'), 1);
    assert.equal(sample(body, 'courtesy_fetch_duration_seconds_bucket{le="2.5",result="failed"}'), 0);
    assert.equal(sample(body, 'courtesy_fetch_duration_seconds_bucket{le="5",result="failed"}'), 1);
    assert.equal(sample(body, 'courtesy_websub_pushes_total{result="ignored"}'), 1);
    assert.equal(sample(body, 'courtesy_full_text_pages_total{outcome="done"}'), 1);
    assert.equal(sample(body, 'courtesy_full_text_pages_total{outcome="kept_feed"}'), 2);
    assert.equal(sample(body, 'courtesy_full_text_pages_total{outcome="retried"}'), 0);
    assert.equal(
      sample(body, 'courtesy_process_resident_memory_bytes'),
      null,
      'process metrics only when asked',
    );
  });

  it('read the polling queue and the outbox from the database at each scrape', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const metrics = new Metrics();
      metrics.watch(store, 900_000);
      const a = await store.sources.add({ feedUrl: 'https://a.example/feed' }, t0);
      await store.sources.add({ feedUrl: 'https://b.example/feed' }, t0);
      const c = await store.sources.add({ feedUrl: 'https://c.example/feed' }, t0);
      await store.sources.update(c.id, { status: 'disabled' });
      await store.sources.update(a.id, { nextCheckAt: new Date(Date.now() + 3_600_000) });
      const { body } = await metrics.render();
      assert.equal(sample(body, 'courtesy_sources{status="active"}'), 2);
      assert.equal(sample(body, 'courtesy_sources{status="disabled"}'), 1);
      assert.equal(sample(body, 'courtesy_sources{status="paused"}'), 0);
      assert.equal(sample(body, 'courtesy_poll_queue_due'), 1, 'b is due; a is checked later');
      assert.equal(sample(body, 'courtesy_poll_queue_claimed'), 0);
      assert.equal(sample(body, 'courtesy_outbox_pending'), 0);
      assert.equal(sample(body, 'courtesy_full_text_pending'), 0);
      // b became due at t0, long ago, and no check has ever ended: the polling has stalled.
      assert.ok((sample(body, 'courtesy_poll_oldest_due_seconds') ?? 0) > 86_400);
      assert.equal(sample(body, 'courtesy_poll_last_check_timestamp_seconds'), 0, 'no check yet');
      assert.equal(sample(body, 'courtesy_poll_stalled'), 1);
      await store.close();
      const later = await metrics.render().then(
        (r) => r.body,
        () => null,
      );
      assert.ok(later !== null, 'a database that fails leaves its gauges out, and the scrape answers');
    } finally {
      await store.close().catch(() => {});
    }
  });
});

describe('/metrics on the site', () => {
  let store: Store;
  let fetcher: Fetcher;
  const servers: RunningServer[] = [];

  const site = async (change: (config: Config) => Config = (c) => c): Promise<RunningServer> => {
    const config = change(loadConfig({ dataDir: '/nonexistent' }, {}));
    const logger = createLogger('silent');
    const takedowns = new Takedowns({ store, fetcher, config, logger });
    const server = await startServer(
      { store, config, logger, takedowns, metrics: new Metrics() },
      '127.0.0.1',
      0,
    );
    servers.push(server);
    return server;
  };

  let dir: string;

  before(async () => {
    // In a file, as a site runs: kept pages are then answered before the app.
    dir = mkdtempSync(join(tmpdir(), 'courtesy-metrics-'));
    store = await openSqliteStore(join(dir, 'site.sqlite'));
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const source = await store.sources.add({ feedUrl: 'https://a.example/feed', name: 'Alpha' }, t0);
    await store.entries.saveRefresh(
      source.id,
      [
        {
          guid: 'urn:a:1',
          url: 'https://a.example/1',
          title: 'A story',
          author: 'Ada Lovelace',
          publishedAt: t0,
          updatedAt: null,
          summaryHtml: null,
          contentHtml: '<p>Text</p>',
          categories: [],
          enclosures: [],
          contentHash: 'h1',
        },
      ],
      {},
      t0,
    );
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await fetcher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('times every answer by the route that gave it (kept pages too), uncached, for loopback', async () => {
    const server = await site();
    const home = await (await fetch(`${server.url}/`)).text();
    const article = /href="(\/articles\/\d+\/[^"]*)"/.exec(home)?.[1];
    assert.ok(article);
    await (await fetch(server.url + article)).text();
    const hit = await fetch(server.url + article);
    assert.equal(hit.headers.get('x-cache'), 'hit');
    await hit.text();
    await (await fetch(`${server.url}/no/such/page`)).text();
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.text();
    const count = (labels: string) => sample(body, `courtesy_http_request_duration_seconds_count{${labels}}`);
    assert.equal(count('route="/",status="2xx",cache="miss"'), 1);
    assert.equal(count('route="/articles/:id/:slug?",status="2xx",cache="miss"'), 1);
    assert.equal(count('route="/articles/:id/:slug?",status="2xx",cache="hit"'), 1, 'the hit before the app');
    assert.equal(count('route="unmatched",status="4xx",cache="none"'), 1, 'never the path itself');
    assert.equal(sample(body, 'courtesy_sources{status="active"}'), 1);
    assert.equal(sample(body, 'courtesy_page_cache_pages'), 2);
    assert.ok((sample(body, 'courtesy_page_cache_hits_total') ?? 0) >= 1);
    assert.ok(!body.includes('/no/such/page'));
  });

  it('refuses a public client behind a trusted proxy, and wants the token once one is set', async () => {
    const proxied = await site((c) => ({ ...c, server: { ...c.server, trustProxy: true } }));
    const outside = await fetch(`${proxied.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(outside.status, 403);
    assert.match(await outside.text(), /loopback and private networks only, or with the bearer token/);
    const inside = await fetch(`${proxied.url}/metrics`, { headers: { 'x-forwarded-for': '10.0.0.8' } });
    assert.equal(inside.status, 200);
    await inside.text();

    const token = 'scrape-token-0123456789abcdef';
    const guarded = await site((c) => ({ ...c, metrics: { enabled: true, token } }));
    const without = await fetch(`${guarded.url}/metrics`);
    assert.equal(without.status, 403);
    await without.text();
    const withToken = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.status, 200);
    assert.match(await withToken.text(), /^# TYPE courtesy_poll_checks_total counter$/m);
  });

  it('is not there when turned off', async () => {
    const off = await site((c) => ({ ...c, metrics: { enabled: false, token: null } }));
    assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
  });
});

describe("a worker's metrics port", () => {
  let store: Store;
  let server: MetricsServer;

  before(async () => {
    store = await openSqliteStore(':memory:');
    await store.sources.add({ feedUrl: 'https://a.example/feed' }, new Date());
    server = await startMetricsServer(new Metrics(), store, null, '127.0.0.1', 0, 900_000);
  });

  after(async () => {
    await server.close();
    await store.close().catch(() => {});
  });

  it('serves /metrics, /healthz and /readyz, and nothing else', async () => {
    const metrics = await fetch(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.equal(sample(await metrics.text(), 'courtesy_sources{status="active"}'), 1);
    assert.equal(await (await fetch(`${server.url}/healthz`)).text(), 'ok\n');
    assert.equal(await (await fetch(`${server.url}/readyz`)).text(), 'ready\n');
    const other = await fetch(`${server.url}/`);
    assert.equal(other.status, 404);
    assert.match(await other.text(), /serves \/metrics, \/healthz and \/readyz/);
    assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
    await store.close();
    const down = await fetch(`${server.url}/readyz`);
    assert.equal(down.status, 503);
    assert.match(await down.text(), /^not ready: the database failed/);
  });
});
