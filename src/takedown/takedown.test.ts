import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import { OutboxSender } from '../mail/outbox-sender.js';
import type { EntryInput } from '../model/entry.js';
import type { NewTakedownRequest } from '../model/takedown.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import type { Store } from '../store/index.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { startTestSmtp, type TestSmtp } from '../../test/support/smtp.js';
import { Takedowns } from './service.js';

const logger = createLogger('silent');
const t0 = new Date('2026-03-01T10:00:00Z');

const entry = (n: number, url: string, author = 'Ada Lovelace'): EntryInput => ({
  guid: `urn:${n}`,
  url,
  title: `Story ${n}`,
  author,
  publishedAt: new Date(t0.getTime() - n * 60_000),
  updatedAt: null,
  summaryHtml: null,
  contentHtml: `<p>Secret content ${n}</p>`,
  categories: [],
  enclosures: [],
  contentHash: `h${n}`,
});

const request = (patch: Partial<NewTakedownRequest>): NewTakedownRequest => ({
  name: 'Ada Lovelace',
  email: 'ada@publisher.example',
  capacity: 'publisher',
  scope: 'article',
  urls: [],
  author: null,
  message: null,
  signature: 'Ada Lovelace',
  ...patch,
});

describe('the takedown workflow', () => {
  let store: Store;
  let fetcher: Fetcher;
  let config: Config;
  let takedowns: Takedowns;
  let publisher: TestServer;
  let smtp: TestSmtp;
  /** What the publisher's site serves at the well-known path and on its home page. */
  const site = { wellKnown: null as string | null, home: '<html><head></head><body>Home</body></html>' };

  before(async () => {
    smtp = await startTestSmtp();
    publisher = await startTestServer((req, res) => {
      if (req.url === '/.well-known/courtesy-takedown.txt' && site.wellKnown !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(site.wellKnown);
      } else if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(site.home);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    config = loadConfig({ dataDir: '/nonexistent' }, {});
    config = {
      ...config,
      site: { ...config.site, baseUrl: 'https://news.example', contactEmail: 'ops@news.example' },
      takedown: { ...config.takedown, notifyEmail: 'ops@news.example' },
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        requireTls: false,
        fromSet: true,
        user: null,
        password: null,
        from: '"News" <ops@news.example>',
      },
    };
    fetcher = new Fetcher({ userAgent: 'courtesy-test', allowPrivateNetworks: true });
  });

  after(async () => {
    await fetcher.close();
    await publisher.close();
    await smtp.close();
  });

  let gazette: number;
  let other: number;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    takedowns = new Takedowns({ store, fetcher, config, logger });
    smtp.mails.length = 0;
    site.wellKnown = null;
    site.home = '<html><head></head><body>Home</body></html>';
    gazette = (
      await store.sources.add({ feedUrl: `${publisher.url}/feed`, siteUrl: `${publisher.url}/` }, t0)
    ).id;
    other = (await store.sources.add({ feedUrl: 'https://planet.example/feed' }, t0)).id;
    await store.entries.saveRefresh(
      gazette,
      [
        entry(1, `${publisher.url}/2026/one`),
        entry(2, `${publisher.url}/2026/two`, 'Grace Hopper'),
        entry(3, `${publisher.url}/2026/three`),
      ],
      {},
      t0,
    );
    // The aggregator carries one of the gazette's articles, under a tracking parameter.
    await store.entries.saveRefresh(
      other,
      [entry(4, `${publisher.url}/2026/one?utm_source=planet`), entry(5, 'https://planet.example/own')],
      {},
      t0,
    );
  });

  it('files a request, and the receipt and the operator’s notice go out by SMTP', async () => {
    const filed = await takedowns.submit(
      request({ urls: [`${publisher.url}/2026/one`], message: 'Cheap watches at spam.example' }),
      t0,
    );
    assert.ok(filed.ok);
    assert.match(filed.value.reference, /^TD-[0-9A-Z]{8}$/);
    assert.match(filed.statusToken, /^[A-Za-z0-9_-]{43}$/);
    const sender = new OutboxSender(store, config, logger);
    assert.equal(await sender.flush(), 2);
    await sender.close();
    const mails = await smtp.waitFor(2);
    const receipt = mails.find((m) => m.to.includes('ada@publisher.example'))!;
    assert.match(receipt.subject, new RegExp(`Takedown request ${filed.value.reference} received`));
    assert.ok(receipt.text.includes(`https://news.example/takedown/status/${filed.statusToken}`));
    // Nothing the requester typed goes to an address nobody has confirmed.
    for (const typed of [filed.value.name, filed.value.message, ...filed.value.urls].filter(Boolean))
      assert.ok(!receipt.text.includes(typed!), `the receipt repeats "${typed}"`);
    assert.match(receipt.text, /Asked: the removal of one article/);
    const ops = mails.find((m) => m.to.includes('ops@news.example'))!;
    assert.ok(ops.text.includes(`/admin/requests/${filed.value.id}`));
    assert.equal(await store.outbox.pending(), 0);
  });

  it('refuses an address of this site that names no article, and a site request across sites', async () => {
    const missing = await takedowns.submit(request({ urls: ['https://news.example/articles/999/x'] }), t0);
    assert.equal(missing.ok, false);
    if (!missing.ok)
      assert.match(missing.errors.urls!, /no article at https:\/\/news.example\/articles\/999\/x/);
    const mixed = await takedowns.submit(
      request({ scope: 'site', urls: [`${publisher.url}/a`, 'https://elsewhere.example/b'] }),
      t0,
    );
    assert.equal(mixed.ok, false);
    if (!mixed.ok) assert.match(mixed.errors.urls!, /one request per site/);
    assert.deepEqual(await store.takedowns.list({ limit: 10 }), []);
  });

  it('grants an article named by its address on this site, in every feed that carries it', async () => {
    const own = (await store.entries.list({ sourceId: gazette, limit: 10 })).entries.find(
      (e) => e.title === 'Story 1',
    )!;
    const filed = await takedowns.submit(
      request({ urls: [`https://news.example/articles/${own.id}/story-1`] }),
      t0,
    );
    assert.ok(filed.ok);
    const scope = await takedowns.scopeOf(filed.value);
    assert.equal(scope.count, 2, 'the gazette’s copy and the aggregator’s');
    const outcome = await takedowns.grant(filed.value, 'operator ada', 'clear', 'nothing', t0);
    assert.equal(outcome.removed, 2);
    assert.equal(await store.entries.count(), 3);
    await assert.rejects(
      takedowns.grant(filed.value, 'operator ada', 'again', 'nothing', t0),
      /decided already/,
    );
    // Later polls bring it back under another form of its address: it stays out.
    const again = await store.entries.saveRefresh(
      other,
      [entry(6, `${publisher.url.replace('http:', 'https:')}/2026/one/`)],
      {},
      t0,
    );
    assert.equal(again.suppressed, 1);
  });

  it('grants an author request for the author on the source that carries the article', async () => {
    const filed = await takedowns.submit(
      request({
        scope: 'author',
        author: 'ada lovelace',
        urls: [`${publisher.url}/2026/three`],
        capacity: 'author',
      }),
      t0,
    );
    assert.ok(filed.ok);
    const outcome = await takedowns.grant(filed.value, 'cli', 'ok', 'nothing', t0);
    assert.deepEqual(
      outcome.rules.map((r) => [r.kind, r.sourceId, r.author]),
      [
        ['url', null, null],
        ['author', gazette, 'ada lovelace'],
      ],
    );
    // Stories 1 and 3 by Ada on the gazette, and her story through the aggregator (on the gazette's site).
    assert.equal(outcome.removed, 3);
    const left = (await store.entries.list({ limit: 10 })).entries.map((e) => e.title).sort();
    assert.deepEqual(left, ['Story 2', 'Story 5']);
  });

  it('keeps the article an author request names out under a new byline, address form and guid', async () => {
    const filed = await takedowns.submit(
      request({ scope: 'author', author: 'Ada Lovelace', urls: [`${publisher.url}/2026/three`] }),
      t0,
    );
    assert.ok(filed.ok);
    await takedowns.grant(filed.value, 'cli', 'ok', 'nothing', t0);
    // The feed carries the page again, tracked, with a new guid, under the desk's byline.
    const back = await store.entries.saveRefresh(
      gazette,
      [
        {
          ...entry(7, `${publisher.url}/2026/three?utm_source=rss`, 'Riverside Post staff'),
          guid: 'urn:new',
        },
      ],
      {},
      t0,
    );
    assert.equal(back.suppressed, 1);
    // And her name in another form is still hers.
    for (const [n, byline] of [
      [8, 'By ADA LOVELACE'],
      [9, 'Lovelace, Ada'],
      [10, 'Ada\u200b Lovelace (staff)'],
      [11, 'Аda Lovelace'],
      [12, 'Ａｄａ Ｌｏｖｅｌａｃｅ'],
    ] as const) {
      const later = await store.entries.saveRefresh(
        gazette,
        [entry(n, `${publisher.url}/2026/new-${n}`, byline)],
        {},
        t0,
      );
      assert.equal(later.suppressed, 1, byline);
    }
    const kept = await store.entries.saveRefresh(
      gazette,
      [entry(13, `${publisher.url}/2026/new-13`, 'Ada Byron')],
      {},
      t0,
    );
    assert.equal(kept.inserted, 1, 'another person');
  });

  it('grants what the request pointed at on the site that received it, wherever it is granted from', async () => {
    const own = (await store.entries.list({ sourceId: gazette, limit: 10 })).entries.find(
      (e) => e.title === 'Story 3',
    )!;
    const filed = await takedowns.submit(
      request({
        scope: 'author',
        author: 'Ada Lovelace',
        urls: [`https://news.example/articles/${own.id}/story-3`],
      }),
      t0,
    );
    assert.ok(filed.ok);
    assert.deepEqual(filed.value.resolved?.addresses, [
      { given: `https://news.example/articles/${own.id}/story-3`, original: `${publisher.url}/2026/three` },
    ]);
    assert.deepEqual(filed.value.resolved?.articles, [
      { entryId: own.id, sourceId: gazette, author: 'Ada Lovelace' },
    ]);
    // The command line of a configuration that names the site otherwise.
    const elsewhere = new Takedowns({
      store,
      fetcher,
      logger,
      config: { ...config, site: { ...config.site, baseUrl: 'http://127.0.0.1:8080' } },
    });
    const outcome = await elsewhere.grant(filed.value, 'cli', 'ok', 'nothing', t0);
    assert.deepEqual(
      outcome.rules.map((r) => [r.kind, r.sourceId]),
      [
        ['url', null],
        ['author', gazette],
      ],
    );
    assert.equal(outcome.removed, 3);
    const granted = (await store.rights.auditLog(5)).find((l) => l.action === 'request.granted');
    assert.match(
      granted?.detail ?? '',
      /scope: filed at https:\/\/news\.example; .*\(the original .*\/2026\/three\); 1 stored article\(s\) there, from source\(s\) \d+, by Ada Lovelace/,
    );
  });

  it('refuses a grant that would remove nothing, and says why, unless told to keep the address out for later', async () => {
    const filed = await takedowns.submit(request({ urls: ['https://elsewhere.example/not-yet'] }), t0);
    assert.ok(filed.ok);
    const scope = await takedowns.scopeOf(filed.value);
    assert.match(scope.nothing ?? '', /no stored article is at https:\/\/elsewhere\.example\/not-yet/);
    await assert.rejects(
      takedowns.grant(filed.value, 'cli', 'ok', 'nothing', t0),
      /was not granted: it would remove nothing now, since no stored article is at .*grant it again saying so/,
    );
    assert.equal((await store.takedowns.get(filed.value.id))?.state, 'received', 'still to decide');
    const outcome = await takedowns.grant(filed.value, 'cli', 'ok', 'nothing', t0, {
      evenIfNothingNow: true,
    });
    assert.equal(outcome.removed, 0);
    const later = await store.entries.saveRefresh(
      other,
      [entry(14, 'https://elsewhere.example/not-yet?amp=1')],
      {},
      t0,
    );
    assert.equal(later.suppressed, 1);
  });

  it('grants a site request when the site serves the token, and pauses its sources', async () => {
    const filed = await takedowns.submit(request({ scope: 'site', urls: [`${publisher.url}/2026/two`] }), t0);
    assert.ok(filed.ok);
    const token = filed.value.verifyToken;

    const nothing = await takedowns.verify(filed.value, t0);
    assert.equal(nothing.verified, false);
    assert.equal(
      nothing.message,
      `Not verified: the token was found neither in ${publisher.url}/.well-known/courtesy-takedown.txt nor in a courtesy-takedown meta tag on ${publisher.url}/.`,
    );
    // What went wrong is for the operator only.
    assert.match(nothing.detail ?? '', /courtesy-takedown\.txt: .*404/);
    assert.match(nothing.detail ?? '', /has no courtesy-takedown meta tag/);
    const soon = await takedowns.verify(
      (await store.takedowns.get(filed.value.id))!,
      new Date(t0.getTime() + 1000),
    );
    assert.match(soon.message, /please try again in 9 s/);

    site.wellKnown = `someone-else\n${token}\n`;
    const later = new Date(t0.getTime() + 60_000);
    const result = await takedowns.verify((await store.takedowns.get(filed.value.id))!, later);
    assert.equal(result.verified, true);
    assert.ok(result.outcome);
    assert.equal(result.outcome.request.decidedBy, 'self-service verification');
    assert.equal(result.outcome.removed, 4, 'everything from the site, also through the aggregator');
    assert.equal((await store.sources.get(gazette))?.status, 'paused');
    assert.equal((await store.sources.get(other))?.status, 'active', 'the aggregator is not the site');
    const actions = (await store.rights.auditLog(20)).map((l) => l.action);
    assert.ok(actions.includes('request.verification'));
    assert.ok(actions.includes('request.granted'));
  });

  it('says the same, in public, of a closed port, a service that is not HTTP and a site without the token', async () => {
    const closed = await startTestServer((_req, res) => res.end());
    const closedUrl = closed.url;
    await closed.close();
    const notHttp = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    await new Promise<void>((resolve) => notHttp.listen(0, '127.0.0.1', resolve));
    const notHttpUrl = `http://127.0.0.1:${(notHttp.address() as AddressInfo).port}`;
    try {
      const said: string[] = [];
      for (const origin of [closedUrl, notHttpUrl, publisher.url]) {
        const filed = await takedowns.submit(request({ scope: 'site', urls: [`${origin}/x`] }), t0);
        assert.ok(filed.ok);
        const result = await takedowns.verify(filed.value, new Date(t0.getTime() + 3_600_000));
        assert.equal(result.verified, false);
        said.push(result.message.replace(origin, 'ORIGIN').replace(origin, 'ORIGIN'));
        assert.equal((await store.takedowns.get(filed.value.id))?.lastVerifyResult, result.message);
      }
      assert.equal(new Set(said).size, 1, said.join('\n'));
    } finally {
      notHttp.close();
    }
  });

  it('verifies by the meta tag on the home page too, and never for other scopes', async () => {
    const filed = await takedowns.submit(request({ scope: 'site', urls: [`${publisher.url}/`] }), t0);
    assert.ok(filed.ok);
    site.home = `<html><head><meta name="Courtesy-Takedown" content=" ${filed.value.verifyToken} "></head><body></body></html>`;
    const result = await takedowns.verify(filed.value, t0);
    assert.equal(result.verified, true);
    assert.match(result.message, /meta courtesy-takedown/);

    const article = await takedowns.submit(request({ urls: [`${publisher.url}/2026/two`] }), t0);
    assert.ok(article.ok);
    assert.match(
      (await takedowns.verify(article.value, t0)).message,
      /Only requests for everything from a site/,
    );
  });

  it('takes a counter-notice against a granted request only; upholding it revokes the rules', async () => {
    const filed = await takedowns.submit(request({ urls: [`${publisher.url}/2026/two`] }), t0);
    assert.ok(filed.ok);
    const form = {
      reference: filed.value.reference,
      name: 'Grace Hopper',
      email: 'grace@writer.example',
      address: '1 Navy Way',
      explanation: 'I wrote it and licensed it.',
      signature: 'Grace Hopper',
    };
    const early = await takedowns.fileCounterNotice(form, t0);
    assert.equal(early.ok, false);
    if (!early.ok) assert.match(early.errors.reference!, /was not granted/);
    const unknown = await takedowns.fileCounterNotice({ ...form, reference: 'TD-00000000' }, t0);
    assert.equal(unknown.ok, false);

    await takedowns.grant(filed.value, 'cli', 'ok', 'nothing', t0);
    const counter = await takedowns.fileCounterNotice(form, t0);
    assert.ok(counter.ok);
    const decided = await takedowns.decideCounterNotice(
      counter.value,
      true,
      'operator ada',
      'licence shown',
      t0,
    );
    assert.equal(decided.state, 'upheld');
    assert.deepEqual(await store.rights.listRules(), [], 'no rule in force any more');
    // Revocation never resurrects; a later poll may bring the article back.
    assert.equal(
      (await store.entries.list({ limit: 10 })).entries.some((e) => e.title === 'Story 2'),
      false,
    );
    const back = await store.entries.saveRefresh(
      gazette,
      [entry(2, `${publisher.url}/2026/two`, 'Grace Hopper')],
      {},
      t0,
    );
    assert.equal(back.inserted, 1);

    const sender = new OutboxSender(store, config, logger);
    await sender.flush();
    await sender.close();
    const subjects = smtp.mails.map((m) => `${m.to.join(',')}: ${m.subject}`);
    assert.ok(subjects.some((s) => s.startsWith('grace@writer.example') && s.includes('upheld')));
    assert.ok(
      subjects.some(
        (s) => s.startsWith('ada@publisher.example') && s.includes('Counter-notice against your'),
      ),
      'the requester gets a copy of the counter-notice',
    );
  });

  it('keeps a notice that the mail server refuses, and sends it on a later try', async () => {
    await takedowns.submit(request({ urls: [`${publisher.url}/2026/two`] }), t0);
    const sender = new OutboxSender(store, config, logger);
    smtp.refuse = true;
    try {
      assert.equal(await sender.flush(t0), 0);
    } finally {
      smtp.refuse = false;
    }
    assert.equal(await store.outbox.pending(), 2);
    const [waiting] = await store.outbox.due(new Date(Date.now() + 120_000), 10);
    assert.match(waiting?.lastError ?? '', /try again later/);
    assert.equal(await sender.flush(new Date(Date.now() + 120_000)), 2);
    await sender.close();
    assert.equal(await store.outbox.pending(), 0);
  });
});
