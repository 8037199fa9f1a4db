import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createFeedProcessor } from '../ingest/feed-processor.js';
import { refreshSource, type IngestContext } from '../ingest/refresh.js';
import { createLogger } from '../log/logger.js';
import type { Source } from '../model/source.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { createApp } from '../web/app.js';
import { Takedowns } from '../takedown/service.js';
import { startTestHub, type TestHub } from '../../test/support/hub.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { isPublicUrl, WebSub } from './subscriber.js';

/**
 * WebSub end to end on loopback: a test hub, a publisher whose feeds name it, and courtesy's own
 * site answering the callbacks. The clock is courtesy's; the hub and the publisher are real servers.
 */

const item = (n: number, extra = '') =>
  `<item><guid>urn:push:${n}</guid><title>Item ${n}</title><link>https://publisher.example/${n}</link>` +
  `<description>Text ${n}${extra}</description></item>`;

function rss(self: string, hub: string | null, items: string): string {
  return (
    `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
    `<title>Pushed</title><link>https://publisher.example/</link>` +
    `<atom:link rel="self" href="${self}"/>${hub ? `<atom:link rel="hub" href="${hub}"/>` : ''}${items}</channel></rss>`
  );
}

describe('WebSub', () => {
  let hub: TestHub;
  let publisher: TestServer;
  let site: TestServer;
  let store: Store;
  let config: Config;
  let ctx: IngestContext & { websub: WebSub };
  let clock = new Date('2026-11-25T10:00:00Z');
  /** What each feed path answers: the feed's hub link, or a Link header instead. */
  const feeds = new Map<string, { hub: string | null; header?: string }>();

  before(async () => {
    hub = await startTestHub();
    publisher = await startTestServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      const feed = feeds.get(path);
      if (!feed) return res.writeHead(404).end();
      const headers: Record<string, string> = { 'content-type': 'application/rss+xml' };
      if (feed.header) headers.link = feed.header;
      res.writeHead(200, headers).end(rss(`${publisher.url}${path}`, feed.hub, item(1) + item(2)));
    });
    let listener: ReturnType<typeof getRequestListener> | null = null;
    site = await startTestServer((req, res) => void listener!(req, res));
    const loaded = loadConfig({ dataDir: '/nonexistent-courtesy-test', allowPrivateNetworks: true }, {});
    config = { ...loaded, site: { ...loaded.site, baseUrl: site.url } };
    store = await openSqliteStore(':memory:');
    const fetcher = new Fetcher({
      userAgent: 'courtesy-test',
      allowPrivateNetworks: true,
      totalTimeoutMs: 5000,
    });
    const processor = createFeedProcessor(0);
    const logger = createLogger('silent');
    const now = () => clock;
    const websub = new WebSub({ store, fetcher, processor, config, logger, now });
    ctx = { store, fetcher, processor, config, logger, websub, now };
    const takedowns = new Takedowns({ store, fetcher, config, logger });
    listener = getRequestListener(createApp({ store, config, logger, websub, takedowns }).fetch);
  });

  after(async () => {
    await ctx.fetcher.close();
    await store.close();
    await Promise.all([hub.close(), publisher.close(), site.close()]);
  });

  async function subscribed(path: string, feed: { hub: string | null; header?: string }): Promise<Source> {
    feeds.set(path, feed);
    const source = await store.sources.add({ feedUrl: `${publisher.url}${path}` }, clock);
    const outcome = await refreshSource(ctx, source);
    assert.equal(outcome.kind, 'stored', JSON.stringify(outcome));
    return source;
  }

  it('subscribes to the hub a feed names, and the hub verification makes push live', async () => {
    const source = await subscribed('/a.xml', { hub: hub.url });
    const [request] = hub.requests;
    assert.equal(request?.mode, 'subscribe');
    assert.equal(request.topic, `${publisher.url}/a.xml`, 'the topic is the feed rel=self');
    assert.match(request.callback, new RegExp(`^${site.url}/websub/[A-Za-z0-9_-]{32}$`));
    assert.match(request.secret ?? '', /^[0-9a-f]{64}$/);
    assert.equal(request.leaseSeconds, 7 * 86_400);

    await hub.verified(1);
    assert.equal(hub.verifications[0]?.echoed, true, 'the challenge was echoed');
    const sub = await store.subscriptions.get(source.id);
    assert.equal(sub?.state, 'active');
    assert.deepEqual(sub.expiresAt, new Date(clock.getTime() + 7 * 86_400_000));
    assert.deepEqual(sub.renewAt, new Date(clock.getTime() + 6 * 86_400_000), 'renewed a day early');
    assert.equal(sub.attempts, 0);
  });

  it('polls only as a fallback while push is live', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    await refreshSource(ctx, source);
    const after = (await store.sources.get(source.id))!;
    const wait = after.nextCheckAt!.getTime() - clock.getTime();
    assert.ok(wait >= 0.9 * config.websub.fallbackIntervalMs, `next check in ${wait} ms`);
    assert.match(after.checkBasis ?? '', /WebSub push from 127\.0\.0\.1:\d+ is live; polling as a fallback/);
    assert.equal(hub.requests.length, 1, 'a live subscription is not asked for again');
  });

  it('stores signed pushed content at once, sanitized like polled content', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const topic = `${publisher.url}/a.xml`;
    const pushed = rss(topic, hub.url, item(3, '&lt;script&gt;alert(1)&lt;/script&gt; safe'));
    assert.deepEqual(await hub.publish(topic, pushed, 'application/rss+xml'), [204]);
    const entries = (await store.entries.list({ sourceId: source.id, limit: 10 })).entries;
    const third = entries.find((e) => e.guid === 'urn:push:3');
    assert.ok(third, 'the pushed entry is stored');
    assert.doesNotMatch(third.summaryHtml ?? '', /script/i);
    assert.match(third.summaryHtml ?? '', /safe/);
    assert.deepEqual(
      await hub.publish(topic, rss(topic, hub.url, item(4)), 'application/rss+xml', 'sha1'),
      [204],
    );
    const sub = (await store.subscriptions.get(source.id))!;
    assert.equal(sub.pushes, 2);
    assert.deepEqual(sub.lastPushAt, clock);
    assert.equal(await store.entries.count(source.id), 4);
  });

  it('acknowledges and ignores a push whose signature is wrong or missing', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const topic = `${publisher.url}/a.xml`;
    assert.deepEqual(
      await hub.publish(topic, rss(topic, null, item(5)), 'application/rss+xml', 'wrong'),
      [202],
    );
    let sub = (await store.subscriptions.get(source.id))!;
    assert.equal(sub.rejectedPushes, 1);
    assert.equal(sub.lastError, 'the push signature does not match the subscription secret');
    assert.deepEqual(
      await hub.publish(topic, rss(topic, null, item(5)), 'application/rss+xml', 'none'),
      [202],
    );
    sub = (await store.subscriptions.get(source.id))!;
    assert.equal(sub.rejectedPushes, 2);
    assert.equal(sub.lastError, 'the push had no X-Hub-Signature header');
    assert.equal(await store.entries.count(source.id), 4, 'nothing was stored');
  });

  it('answers a push that is not a feed with 400 and records why', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const topic = `${publisher.url}/a.xml`;
    assert.deepEqual(await hub.publish(topic, 'not a feed at all', 'text/plain'), [400]);
    const sub = (await store.subscriptions.get(source.id))!;
    assert.equal(sub.rejectedPushes, 3);
    assert.match(sub.lastError ?? '', /^pushed content: parse: /);
  });

  it('refuses callbacks it did not ask for', async () => {
    const unknown = await fetch(`${site.url}/websub/no-such-token`, { method: 'POST', body: 'x' });
    assert.equal(unknown.status, 410, 'a hub drops a subscription whose callback answers 410');
    const guess = await fetch(
      `${site.url}/websub/no-such-token?hub.mode=subscribe&hub.topic=x&hub.challenge=abc&hub.lease_seconds=60`,
    );
    assert.equal(guess.status, 404);
    assert.notEqual(await guess.text(), 'abc');

    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const { token } = (await store.subscriptions.get(source.id))!;
    const wrongTopic = await fetch(
      `${site.url}/websub/${token}?hub.mode=subscribe&hub.topic=${encodeURIComponent('https://elsewhere.example/')}&hub.challenge=abc`,
    );
    assert.equal(wrongTopic.status, 404, 'not for another topic');
    const unsub = await fetch(
      `${site.url}/websub/${token}?hub.mode=unsubscribe&hub.topic=${encodeURIComponent(`${publisher.url}/a.xml`)}&hub.challenge=abc`,
    );
    assert.equal(unsub.status, 404, 'courtesy did not ask to unsubscribe');
    assert.equal((await store.subscriptions.get(source.id))?.state, 'active');
  });

  it('renews the lease before it runs out, under the same callback and secret', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const before = (await store.subscriptions.get(source.id))!;
    clock = new Date(clock.getTime() + 6 * 86_400_000 + 1);
    assert.equal(await ctx.websub.renewDue(), 1);
    await hub.verified(2);
    const renewal = hub.requests[1]!;
    assert.equal(renewal.mode, 'subscribe');
    assert.equal(renewal.callback, hub.requests[0]!.callback);
    assert.equal(renewal.secret, hub.requests[0]!.secret);
    const after = (await store.subscriptions.get(source.id))!;
    assert.equal(after.state, 'active');
    assert.ok(after.expiresAt! > before.expiresAt!);
    assert.equal(await ctx.websub.renewDue(), 0, 'nothing else is due');
  });

  it('unsubscribes when the feed no longer names a hub; later pushes get 410', async () => {
    const source = (await store.sources.findByUrl(`${publisher.url}/a.xml`))!;
    const topic = `${publisher.url}/a.xml`;
    feeds.set('/a.xml', { hub: null });
    await refreshSource(ctx, source);
    const request = hub.requests.at(-1)!;
    assert.equal(request.mode, 'unsubscribe');
    await hub.verified(3);
    assert.equal(hub.verifications[2]?.echoed, true);
    assert.equal(await store.subscriptions.get(source.id), null);
    hub.subscribers.set(request.callback, { ...request, mode: 'subscribe', secret: 'x' });
    assert.deepEqual(await hub.publish(topic, rss(topic, null, item(9)), 'application/rss+xml'), [410]);
  });

  it('reads the hub and topic from HTTP Link headers, which win over the document', async () => {
    const start = hub.requests.length;
    const header = `<${hub.url}>; rel="hub", <https://publisher.example/canonical.xml>; rel="self"`;
    await subscribed('/linked.xml', { hub: 'https://other-hub.invalid/', header });
    assert.equal(hub.requests[start]?.topic, 'https://publisher.example/canonical.xml');
    await hub.verified(start + 1);
  });

  it('works with a hub that verifies before it answers', async () => {
    hub.behaviour.verifyFirst = true;
    try {
      const source = await subscribed('/sync.xml', { hub: hub.url });
      assert.equal((await store.subscriptions.get(source.id))?.state, 'active');
    } finally {
      hub.behaviour.verifyFirst = false;
    }
  });

  it('records a refused request with the hub answer, and asks again later', async () => {
    hub.behaviour.answer = 'refuse';
    try {
      const source = await subscribed('/refused.xml', { hub: hub.url });
      const sub = (await store.subscriptions.get(source.id))!;
      assert.equal(sub.state, 'failed');
      assert.equal(sub.lastError, 'the hub answered 400: topic not allowed here');
      assert.deepEqual(sub.renewAt, new Date(clock.getTime() + 3_600_000));
      hub.behaviour.answer = 'accept';
      clock = new Date(clock.getTime() + 3_600_000);
      const count = hub.verifications.length;
      await ctx.websub.renewDue();
      await hub.verified(count + 1);
      assert.equal((await store.subscriptions.get(source.id))?.state, 'active', 'the retry succeeded');
    } finally {
      hub.behaviour.answer = 'accept';
    }
  });

  it('records a denial with the hub reason', async () => {
    hub.behaviour.answer = 'deny';
    try {
      const count = hub.verifications.length;
      const source = await subscribed('/denied.xml', { hub: hub.url });
      await hub.verified(count + 1);
      const sub = (await store.subscriptions.get(source.id))!;
      assert.equal(sub.state, 'denied');
      assert.equal(sub.lastError, 'the hub denied the subscription: this hub does not serve that topic');
      assert.deepEqual(sub.renewAt, new Date(clock.getTime() + 7 * 86_400_000));
    } finally {
      hub.behaviour.answer = 'accept';
    }
  });

  it('does not subscribe when the site has no public address', () => {
    const local = new WebSub({
      ...ctx,
      config: { ...config, poll: { ...config.poll, allowPrivateNetworks: false } },
    });
    assert.equal(local.enabled, false);
    assert.match(local.disabledBecause ?? '', /is not a public address a hub can reach/);
    const off = new WebSub({ ...ctx, config: { ...config, websub: { ...config.websub, enabled: false } } });
    assert.equal(off.disabledBecause, 'websub.enabled is false');
  });
});

describe('isPublicUrl', () => {
  it('tells addresses a hub can reach from those it cannot', () => {
    for (const url of [
      'https://news.example.org',
      'http://93.184.215.14:8080',
      'https://[2606:4700::1111]/',
    ]) {
      assert.equal(isPublicUrl(url), true, url);
    }
    for (const url of [
      'http://localhost:8080',
      'http://127.0.0.1:8080',
      'http://10.0.0.5',
      'http://192.168.1.2',
      'http://[::1]:8080',
      'http://myhost:8080',
      'http://box.local',
      'http://app.localhost',
    ]) {
      assert.equal(isPublicUrl(url), false, url);
    }
  });
});
