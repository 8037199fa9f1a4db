/**
 * The desk's benchmark: the operator's pages at the size of a large site. Fills a store with
 * --sources sources (some failing, some paused, in sections, some holding their articles for
 * review) and --entries articles (some hidden), gives every source a few checks of history and the
 * measured ones 30 days of it, serves the site and the desk as `courtesy serve` does, signs in,
 * and asks for each page of the desk with wrk, one connection at a time (as an operator does), for
 * its latency percentiles, with the longest stall of this process's event loop and its longest
 * garbage collection meanwhile (a page slow only because something else held the process shows
 * there). The floor, in the same run: the desk's stylesheet, which goes through the same server
 * and framework but reads nothing.
 *
 *   npm run bench:desk -- --sources 10000 --entries 1000000 [--data DIR] [--seconds 5] [--database URL]
 *
 * --data keeps the filled store for the next run (filling a million articles takes minutes);
 * --database runs on another store (postgres://…) instead of SQLite in the data folder. Needs wrk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../../src/auth/passwords.js';
import { openContext, type AppContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { deskRoutes } from '../../src/desk/index.js';
import { AdminSessions } from '../../src/desk/session.js';
import { createLogger } from '../../src/log/logger.js';
import type { EntryInput } from '../../src/model/entry.js';
import { startServer } from '../../src/web/index.js';
import { freePort } from '../../test/support/http.js';
import { prng } from '../support/random.js';
import { WRK_SCRIPT, runWrk, type Load } from '../support/wrk.js';
import { COMMON_QUERY, TWO_WORD_QUERY, zipfWord } from '../support/words.js';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: '10000' },
    entries: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    data: { type: 'string' },
    database: { type: 'string' },
  },
});
const SOURCES = Number(args.sources);
const ENTRIES = Number(args.entries);
const SECONDS = Number(args.seconds);
const TARGET_P95_MS = 50;
const SECTIONS = ['Politics', 'Science', 'Business', 'Culture', 'Sport', 'Local', 'World', 'Technology'];
const PASSWORD = 'a benchmark passphrase';
const DAY = 86_400_000;

function article(n: number, source: number, now: number): EntryInput {
  const next = prng(n + 1);
  const words = (count: number) => Array.from({ length: count }, () => zipfWord(next())).join(' ');
  return {
    guid: `urn:desk-bench:${n}`,
    url: `https://publisher-${source}.example/${n}`,
    title: `${words(6)} ${n}`,
    author: `Author ${n % 2000}`,
    // Spread over the last 60 days, the newest stored last, as polls would bring them.
    publishedAt: new Date(now - 60 * DAY + Math.floor((n / ENTRIES) * 60 * DAY)),
    updatedAt: null,
    summaryHtml: null,
    contentHtml: Array.from({ length: 4 }, () => `<p>${words(40)}.</p>`).join(''),
    categories: [`Topic ${n % 60}`],
    enclosures: [],
    contentHash: `desk-bench-${n}`,
  };
}

/** Fills the store, unless it already holds the site; the ids of the sources whose pages are measured. */
async function fill(ctx: AppContext): Promise<number[]> {
  const { store } = ctx;
  const existing = await store.sources.desk({ limit: 1, offset: 0 });
  if (existing.total >= SOURCES && (await store.entries.count()) >= ENTRIES) {
    console.log(`using the ${SOURCES} sources and ${ENTRIES} entries already in the store`);
    return [1, 2, Math.floor(SOURCES / 2)];
  }
  if (existing.total > 0) throw new Error('the store holds another site: give an empty one');
  const started = Date.now();
  const now = Date.now();
  const ids: number[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const source = await store.sources.add(
      {
        feedUrl: `https://publisher-${s}.example/feed`,
        siteUrl: `https://publisher-${s}.example/`,
        name: `Publisher ${s}`,
        section: SECTIONS[s % SECTIONS.length]!,
        holdNew: s % 50 === 7,
      },
      new Date(now - 90 * DAY),
    );
    ids.push(source.id);
  }
  const perSource = Math.ceil(ENTRIES / SOURCES);
  for (let s = 0; s < SOURCES; s++) {
    const batch: EntryInput[] = [];
    for (let k = 0; k < perSource; k++) {
      const n = k * SOURCES + s;
      if (n < ENTRIES) batch.push(article(n, s, now));
    }
    await store.entries.saveRefresh(ids[s]!, batch, {}, new Date(now - DAY));
    if (s % 500 === 0) process.stdout.write(`\rstored the articles of ${s} sources`);
  }
  // Each source's recent checks (5% failing, 2% paused), and 30 days of them for the measured ones.
  const measured = [ids[0]!, ids[1]!, ids[Math.floor(SOURCES / 2)]!];
  for (const [s, id] of ids.entries()) {
    const days = measured.includes(id) ? 30 : 3;
    for (let d = days; d >= 1; d--) {
      const failed = s % 20 === 3 && d === 1;
      const at = new Date(now - d * DAY + (s % 1000) * 1000);
      await store.sources.recordCheck(
        id,
        failed
          ? {
              lastCheckedAt: at,
              consecutiveFailures: 2,
              lastErrorCode: 'fetch.status',
              lastError: 'fetch: resource not found (404 status code)',
              lastHttpStatus: 404,
            }
          : { lastCheckedAt: at, lastSuccessAt: at, consecutiveFailures: 0, lastHttpStatus: 200 },
        {
          startedAt: at,
          durationMs: 40 + (s % 200),
          outcome: failed ? 'failed' : 'stored',
          url: `https://publisher-${s}.example/feed`,
          httpStatus: failed ? 404 : 200,
          bytes: failed ? null : 20_000,
          inserted: failed ? 0 : 2,
          updated: 0,
          errorCode: failed ? 'fetch.status' : null,
          message: failed ? 'fetch: resource not found (404 status code)' : null,
        },
      );
    }
    if (s % 50 === 11) await store.sources.update(id, { status: 'paused' });
  }
  // Some articles hidden by an operator: audit lines, and the Hidden tab.
  const { entries } = await store.entries.list({ limit: 1000 });
  await store.entries.setWithheld(
    entries.map((e) => e.id),
    'hidden',
    'bench',
    new Date(),
  );
  console.log(
    `\rfilled ${SOURCES} sources and ${ENTRIES} entries in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return measured;
}

/**
 * Brings PostgreSQL's tables to the state autovacuum leaves them in a while after a large load:
 * statistics (without them the planner takes the entries table for empty and scans it whole), and
 * the visibility map and hint bits of a vacuum (without them every read of a freshly loaded page
 * writes it again). A server may run with autovacuum off, as test servers do: this does its work.
 */
async function vacuum(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const started = Date.now();
    const tables = await client.query<{ name: string }>(
      "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = $1",
      [schema],
    );
    await client.query(`VACUUM (ANALYZE) ${tables.rows.map((t) => t.name).join(', ')}`);
    console.log(`vacuumed and analyzed the tables in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}

function wrk(url: string, script: string, cookie: string, seconds: number): Promise<Load> {
  return runWrk(url, script, {
    connections: 1,
    seconds,
    headers: [`Cookie: ${cookie}`, 'Accept-Encoding: gzip'],
  });
}

async function main(): Promise<void> {
  const dir = args.data ?? mkdtempSync(join(tmpdir(), 'courtesy-bench-desk-'));
  const work = mkdtempSync(join(tmpdir(), 'courtesy-bench-desk-work-'));
  const port = await freePort();
  const config = loadConfig({ dataDir: dir, port, host: '127.0.0.1', database: args.database }, {});
  const ctx = await openContext(config, createLogger('warn'));
  const [first, second, middle] = await fill(ctx);
  if (config.databaseUrl.startsWith('postgres')) await vacuum(config.databaseUrl);
  if (!(await ctx.store.users.findByName('bench')))
    await ctx.store.users.add('bench', await hashPassword(PASSWORD), new Date());
  const desk = deskRoutes({
    store: ctx.store,
    config,
    logger: ctx.logger,
    takedowns: ctx.takedowns,
    fetcher: ctx.fetcher,
    processor: ctx.processor,
    ingest: ctx,
    settings: ctx.settings,
    extractions: ctx.extractions,
    robots: ctx.robots,
  });
  const server = await startServer({ ...ctx, desk }, '127.0.0.1', port);
  const signIn = await new AdminSessions(ctx.store, config).signIn('bench', PASSWORD);
  if (!signIn.ok) throw new Error(signIn.message);
  const cookie = `courtesy_session=${signIn.token}`;
  const script = join(work, 'percentiles.lua');
  writeFileSync(script, WRK_SCRIPT);

  const pages: Array<[string, string]> = [
    ['floor: the desk stylesheet (reads nothing)', '/admin/static/desk.css'],
    ['overview', '/admin'],
    ['sources, first page (failing first)', '/admin/sources'],
    ['sources, page 100', '/admin/sources?page=100'],
    ['sources, failing', '/admin/sources?status=failing'],
    ['sources, one section', '/admin/sources?section=Science'],
    ['sources, searched', '/admin/sources?q=publisher-77'],
    ['one source (30 days of charts)', `/admin/sources/${first}`],
    ['another source', `/admin/sources/${middle}`],
    ['articles, newest', '/admin/articles'],
    ['articles, one source', `/admin/articles?source=${second}`],
    ['articles, searched: two words', `/admin/articles?q=${encodeURIComponent(TWO_WORD_QUERY)}`],
    ['articles, searched: the commonest word', `/admin/articles?q=${COMMON_QUERY}`],
    ['articles, held for review', '/admin/articles?show=held'],
    ['articles, hidden', '/admin/articles?show=hidden'],
    ['takedown requests', '/admin/requests'],
    ['audit log', '/admin/log'],
    ['outbox', '/admin/outbox'],
    ['settings', '/admin/settings'],
    ['people', '/admin/people'],
  ];
  const rows: string[][] = [];
  let floorP95 = NaN;
  let worst = 0;
  const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  for (const [name, path] of pages) {
    const answer = await fetch(`${server.url}${path}`, { headers: { cookie } });
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    await wrk(`${server.url}${path}`, script, cookie, 1); // warm: the JIT, the page's queries
    // What held this process up while wrk asked: its event loop's longest wait, and its longest collection.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    let gcMax = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
    });
    gc.observe({ entryTypes: ['gc'] });
    loop.enable();
    const load = await wrk(`${server.url}${path}`, script, cookie, SECONDS);
    loop.disable();
    gc.disconnect();
    if (path.startsWith('/admin/static/')) floorP95 = load.p95Ms;
    else worst = Math.max(worst, load.p95Ms);
    rows.push([
      name,
      load.rps.toFixed(0),
      ms(load.p50Ms),
      ms(load.p95Ms),
      ms(load.p99Ms),
      path.startsWith('/admin/static/') ? '' : `${(load.p95Ms / floorP95).toFixed(0)}×`,
      path.startsWith('/admin/static/') ? '' : load.p95Ms <= TARGET_P95_MS ? 'yes' : 'NO',
      ms(loop.max / 1e6),
      ms(gcMax),
      String(load.errors),
    ]);
  }
  await server.close();
  await ctx.close();
  if (!args.data) rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });

  const head = [
    'page',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'p95 × floor',
    `p95 ≤ ${TARGET_P95_MS} ms`,
    'loop stall ms',
    'GC max ms',
    'errors',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\nthe desk, ${SOURCES} sources, ${ENTRIES} entries, ${config.databaseUrl.split(':')[0]}, one connection, ${SECONDS} s a page`,
  );
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`\nslowest p95: ${ms(worst)} ms (target ${TARGET_P95_MS} ms); floor p95 ${ms(floorP95)} ms`);
}

await main();
