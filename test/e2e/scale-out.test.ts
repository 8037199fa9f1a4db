import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/index.js';
import { courtesy, serve, startWorker, type RunningSite, type RunningWorker } from '../support/cli.js';
import { ENGINES, removeSiteFolder, siteFolder, storeEnv } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/http.js';

const postgres = ENGINES.find((e) => e.name === 'PostgreSQL')!;
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const FEEDS_PER_HOST = 12;
const PER_HOST = 2;

/** A publisher's server: slow enough that checks overlap, counting requests and how many run at once. */
interface Publisher {
  server: TestServer;
  hits: Map<string, number>;
  active: number;
  maxActive: number;
}

async function startPublisher(host: string): Promise<Publisher> {
  const publisher: Publisher = {
    server: undefined as unknown as TestServer,
    hits: new Map(),
    active: 0,
    maxActive: 0,
  };
  publisher.server = await startTestServer((req, res) => {
    const path = req.url ?? '/';
    publisher.hits.set(path, (publisher.hits.get(path) ?? 0) + 1);
    publisher.active++;
    publisher.maxActive = Math.max(publisher.maxActive, publisher.active);
    setTimeout(() => {
      publisher.active--;
      const id = `${host}${path}`;
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${id}</title><link>http://${host}/</link>
        <item><guid>${id}</guid><title>Story of ${id}</title><link>http://${host}${path}/story</link>
        <author>reporter@${host} (Reporter ${path.replace(/\W/g, '')})</author>
        <description>What happened at ${id}.</description></item></channel></rss>`,
      );
    }, 150);
  }, host);
  return publisher;
}

describe('scaling out: two workers and two web processes on one PostgreSQL', { skip: postgres.skip }, () => {
  let dataDir: string;
  let publishers: Publisher[] = [];
  let workers: RunningWorker[] = [];
  let sites: RunningSite[] = [];
  let store: Store;

  const feeds = () =>
    publishers.flatMap((p) => [...Array(FEEDS_PER_HOST).keys()].map((i) => `${p.server.url}/feed/${i}`));
  const hitsOf = (url: string) => {
    const { origin, pathname } = new URL(url);
    return publishers.find((p) => p.server.url === origin)!.hits.get(pathname) ?? 0;
  };
  const waitFor = async (what: string, done: () => Promise<boolean>, ms = 30_000) => {
    const until = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > until) assert.fail(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    dataDir = await siteFolder(postgres, 'courtesy-scale-');
    writeFileSync(
      join(dataDir, 'courtesy.toml'),
      `[site]\nname = "Scale News"\ncontact_email = "editor@scale.example"\n
[poll]\nconcurrency = 6\nper_host_concurrency = ${PER_HOST}\ncheck_every_seconds = 0.2\nclaim_seconds = 5\nworkers = 1\n`,
    );
    publishers = await Promise.all(HOSTS.map(startPublisher));
    const opml = join(dataDir, 'feeds.opml');
    writeFileSync(
      opml,
      `<opml version="2.0"><body>${feeds()
        .map((u) => `<outline text="${u}" xmlUrl="${u}"/>`)
        .join('')}</body></opml>`,
    );
    const imported = await courtesy(dataDir, ['sources', 'import', opml]);
    assert.equal(imported.code, 0, imported.stderr);
    store = await openStore(storeEnv(dataDir).DATABASE_URL!);
  });

  after(async () => {
    await Promise.all([...workers, ...sites].map((p) => p.stop()));
    await store?.close();
    await Promise.all(publishers.map((p) => p.server.close()));
    await removeSiteFolder(dataDir);
  });

  it('polls every source exactly once a round, never more than the per-host limit at once across workers', async () => {
    sites = await Promise.all([serve(dataDir), serve(dataDir)]);
    // The second worker, which outlives the first, shows its metrics.
    workers = await Promise.all([startWorker(dataDir), startWorker(dataDir, ['--metrics-port', '0'])]);
    const total = HOSTS.length * FEEDS_PER_HOST;
    await waitFor('every source was checked', async () =>
      (await store.sources.list()).every((s) => s.lastSuccessAt),
    );
    // A moment more: a second check of any source would show now.
    await new Promise((r) => setTimeout(r, 500));
    for (const url of feeds()) assert.equal(hitsOf(url), 1, `${url} was fetched once`);
    for (const p of publishers) assert.ok(p.maxActive <= PER_HOST, `${p.server.url}: ${p.maxActive} at once`);
    assert.ok(
      publishers.some((p) => p.maxActive === PER_HOST),
      'and the limit was reached (the workers did share the load)',
    );
    assert.equal(await store.entries.count(), total);
  });

  it('loses no source when a worker is killed mid-round: its claims run out and the other takes them over', async () => {
    const round = new Date();
    const before = new Map(feeds().map((u) => [u, hitsOf(u)]));
    for (const s of await store.sources.list()) await store.sources.update(s.id, { nextCheckAt: round });
    const fetched = () => feeds().reduce((n, u) => n + hitsOf(u) - before.get(u)!, 0);
    await waitFor('the round is under way', () => Promise.resolve(fetched() >= 3), 10_000);
    workers[0]!.child.kill('SIGKILL');
    await waitFor('every source was checked again', async () =>
      (await store.sources.list()).every((s) => (s.lastCheckedAt?.getTime() ?? 0) >= round.getTime()),
    );
    for (const url of feeds()) {
      const again = hitsOf(url) - before.get(url)!;
      assert.ok(again >= 1 && again <= 2, `${url} was fetched ${again} time(s) this round`);
    }
  });

  it('shows Prometheus metrics: the queue from the database, checks from the worker, pages by route', async () => {
    const worker = workers[1]!.metricsUrl;
    assert.ok(worker, 'the worker named its metrics address');
    const text = await (await fetch(worker)).text();
    const value = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(name + ' '));
      return line === undefined ? null : Number(line.slice(name.length + 1));
    };
    const total = HOSTS.length * FEEDS_PER_HOST;
    assert.equal(value('courtesy_sources{status="active"}'), total);
    assert.ok((value('courtesy_poll_checks_total{outcome="stored"}') ?? 0) >= 1, 'this worker stored checks');
    // Which worker stored the first round's entries is a race; the counter is there either way.
    assert.notEqual(value('courtesy_entries_stored_total{change="inserted"}'), null);
    assert.notEqual(value('courtesy_poll_queue_due'), null);
    assert.match(text, /^courtesy_fetch_duration_seconds_bucket\{le="0\.25",result="modified"\} \d+$/m);
    assert.match(text, /^courtesy_process_resident_memory_bytes \d+/m, 'and the process itself');

    const home = await (await fetch(`${sites[0]!.url}/`)).text();
    const path = /href="(\/articles\/\d+\/[^"]*)"/.exec(home)?.[1];
    assert.ok(path);
    await fetch(sites[0]!.url + path);
    await fetch(sites[0]!.url + path);
    const web = await (await fetch(`${sites[0]!.url}/metrics`)).text();
    assert.match(
      web,
      /^courtesy_http_request_duration_seconds_count\{route="\/articles\/:id\/:slug\?",status="2xx",cache="(hit|miss)"\} \d+$/m,
    );
    assert.match(
      web,
      /^courtesy_http_request_duration_seconds_count\{route="\/",status="2xx",cache="miss"\} \d+$/m,
    );
    assert.match(web, /^courtesy_sources\{status="active"\} 36$/m);
  });

  it('takes an article down on every web process within a second', async () => {
    const home = await (await fetch(`${sites[0]!.url}/`)).text();
    const path = /href="(\/articles\/\d+\/[^"]*)"/.exec(home)?.[1];
    assert.ok(path, 'the home page links to an article');
    for (const site of sites) {
      assert.equal((await fetch(site.url + path)).status, 200);
      // Answered from the cache without reading the store: the process heard every commit so far.
      await waitFor(
        'the page is answered from the cache',
        async () => (await fetch(site.url + path)).headers.get('x-cache') === 'hit',
        2000,
      );
    }
    // Both web processes now have the page in their caches; the takedown is made by a third process.
    const original = (await store.entries.get(Number(path.split('/')[2])))?.url;
    assert.ok(original);
    const done = await courtesy(dataDir, ['takedown', 'suppress', '--url', original, '--reason', 'asked']);
    assert.equal(done.code, 0, done.stderr);
    const granted = Date.now();
    for (const site of sites) {
      await waitFor(
        'the article is gone',
        async () => (await fetch(site.url + path)).status === 410,
        1000 - (Date.now() - granted),
      );
    }
    assert.ok(Date.now() - granted < 1000);
  });

  it('shows settings saved from the desk on every web process within a second', async () => {
    for (const site of sites) {
      await waitFor(
        'the home page is answered from the cache',
        async () => (await fetch(`${site.url}/`)).headers.get('x-cache') === 'hit',
        2000,
      );
    }
    // The write the desk's Settings page makes, here from a third process.
    const changed = await store.settings.save(
      {
        name: JSON.stringify('Scale Daily'),
        accentLight: JSON.stringify('#1d4ed8'),
        menu: JSON.stringify([{ label: 'Politics', url: '/tags/politics' }]),
      },
      'ada',
      new Date(),
    );
    assert.deepEqual(changed, ['name', 'accentLight', 'menu']);
    const saved = Date.now();
    for (const site of sites) {
      await waitFor(
        'the new name, menu and colours are shown',
        async () => {
          const home = await (await fetch(`${site.url}/`)).text();
          return (
            home.includes('<title>Scale Daily</title>') &&
            home.includes('href="/tags/politics"') &&
            home.includes('/static/theme.css?v=')
          );
        },
        1000 - (Date.now() - saved),
      );
      const theme = /href="(\/static\/theme\.css\?v=[^"]+)"/.exec(await (await fetch(`${site.url}/`)).text());
      assert.match(await (await fetch(site.url + theme![1]!)).text(), /--accent: #1d4ed8;/);
    }
    assert.ok(Date.now() - saved < 1000);
    const [line] = await store.rights.auditLog(1);
    assert.equal(line?.action, 'change-settings');
    assert.equal(line?.detail, 'name, accentLight, menu');
  });

  it('stops on SIGTERM only once its checks in flight are recorded, holding no claim', async () => {
    const round = new Date();
    const before = new Map(feeds().map((u) => [u, hitsOf(u)]));
    for (const s of await store.sources.list()) await store.sources.update(s.id, { nextCheckAt: round });
    const fetched = () => feeds().filter((u) => hitsOf(u) > before.get(u)!);
    await waitFor('the round is under way', () => Promise.resolve(fetched().length >= 3), 10_000);
    const worker = workers[1]!;
    const exited = new Promise<number | null>((resolve) =>
      worker.child.once('exit', (code) => resolve(code)),
    );
    worker.child.kill('SIGTERM');
    assert.equal(await exited, 0, 'it exits cleanly');
    const queue = await store.sources.queue(new Date());
    assert.equal(queue.claimed, 0, 'it gave up the claims it had not started');
    const sources = await store.sources.list();
    for (const url of fetched()) {
      const source = sources.find((s) => s.feedUrl === url)!;
      assert.ok(
        (source.lastCheckedAt?.getTime() ?? 0) >= round.getTime(),
        `${url}, fetched before the signal, was recorded`,
      );
    }
    assert.ok(queue.due > 0, 'and the rest wait for another worker');
  });
});
