/**
 * The serving benchmark. Fills a store with N entries (many sources, authors and tags), serves the
 * site as `courtesy serve` does, and drives the home, an article, a source page and a search with
 * wrk on loopback; in the same run, nginx serves the very same rendered pages as static files: the
 * physical limit of this machine, which the figures are compared with (a ratio, since absolute
 * figures on a shared machine vary).
 *
 *   npm run bench:serve -- --entries 10000
 *
 * Needs wrk and nginx (Debian: apt-get install wrk nginx-light).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import type { EntryInput } from '../../src/model/entry.js';
import { startServer } from '../../src/web/index.js';
import { articlePath } from '../../src/web/paths.js';
import { freePort } from '../../test/support/http.js';
import { prng } from '../support/random.js';
import { WRK_SCRIPT, runWrk, type Load } from '../support/wrk.js';
import { COMMON_QUERY, TWO_WORD_QUERY, VOCABULARY, zipfWord } from '../support/words.js';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    sources: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '8' },
    /** A folder to keep the filled store in, and to reuse it from on the next run (filling 1,000,000 takes minutes). */
    data: { type: 'string' },
  },
});
const ENTRIES = Number(args.entries);
const SOURCES = Math.min(Number(args.sources), ENTRIES);
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);

/** A deterministic article: a title, one or two authors out of 500, two tags out of 60, and about 2 KB of text. */
function article(n: number): EntryInput {
  const next = prng(n + 1);
  const words = (count: number) => Array.from({ length: count }, () => zipfWord(next())).join(' ');
  const paragraphs = Array.from({ length: 6 }, () => `<p>${words(45)}.</p>`).join('');
  return {
    guid: `urn:bench:${n}`,
    url: `https://publisher-${n % SOURCES}.example/${n}`,
    title: `${words(6)}: report ${n}`,
    author: `Author ${n % 500}${n % 7 === 0 ? ` and Author ${(n + 1) % 500}` : ''}`,
    publishedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
    updatedAt: null,
    summaryHtml: null,
    contentHtml: paragraphs,
    categories: [`Topic ${n % 60}`, `Topic ${(n * 3) % 60}`],
    enclosures: [],
    contentHash: `bench-${n}`,
  };
}

/** Runs wrk with this benchmark's connections and duration unless told otherwise. */
function wrk(url: string, script: string, connections = CONNECTIONS, seconds = SECONDS): Promise<Load> {
  return runWrk(url, script, { connections, seconds, headers: ['Accept-Encoding: gzip'] });
}

/**
 * A bare Node HTTP server that answers every request with one page's gzip bytes from memory: the
 * most that Node's own HTTP stack does on this machine, the ceiling for any Node server.
 */
function startBareNode(file: string, port: number): ChildProcess {
  const program = `
    const body = require('node:fs').readFileSync(${JSON.stringify(file)});
    require('node:http').createServer((req, res) => {
      res.writeHead(200, ['content-type', 'text/html; charset=UTF-8', 'content-encoding', 'gzip',
        'content-length', String(body.length), 'cache-control', 'public, no-cache']);
      res.end(body);
    }).listen(${port}, '127.0.0.1');`;
  return spawn(process.execPath, ['-e', program], { stdio: 'inherit' });
}

function startNginx(root: string, port: number): ChildProcess {
  const conf = join(root, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(root, 'nginx.pid')};
error_log ${join(root, 'error.log')};
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  gzip_static on;
  client_body_temp_path ${root}/tmp; proxy_temp_path ${root}/tmp; fastcgi_temp_path ${root}/tmp;
  uwsgi_temp_path ${root}/tmp; scgi_temp_path ${root}/tmp;
  types { text/html html; }
  server { listen 127.0.0.1:${port}; root ${join(root, 'www')}; }
}
`,
  );
  mkdirSync(join(root, 'tmp'), { recursive: true });
  return spawn('nginx', ['-c', conf, '-p', root], { stdio: 'inherit' });
}

/** Fills the store with ENTRIES articles over SOURCES sources, unless it already holds them. */
async function fill(ctx: Awaited<ReturnType<typeof openContext>>): Promise<number[]> {
  const existing = await ctx.store.sources.list();
  if (existing.length >= SOURCES && (await ctx.store.entries.count()) >= ENTRIES) {
    console.log(`using the ${ENTRIES} entries already in the data folder`);
    return existing.map((s) => s.id);
  }
  if (existing.length > 0) throw new Error('the data folder holds another site: give an empty folder');
  const started = Date.now();
  const sourceIds: number[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const src = await ctx.store.sources.add(
      {
        feedUrl: `https://publisher-${s}.example/feed`,
        siteUrl: `https://publisher-${s}.example/`,
        name: `Publisher ${s}`,
      },
      new Date(),
    );
    sourceIds.push(src.id);
  }
  // In rounds of 500 per source, as polls would bring them: the newest articles are stored last.
  const perRound = 500;
  for (let round = 0; round * perRound * SOURCES < ENTRIES; round++) {
    for (let s = 0; s < SOURCES; s++) {
      const batch: EntryInput[] = [];
      for (let k = 0; k < perRound; k++) {
        const n = (round * perRound + k) * SOURCES + s;
        if (n < ENTRIES) batch.push(article(n));
      }
      if (batch.length) await ctx.store.entries.saveRefresh(sourceIds[s]!, batch, {}, new Date());
    }
    if (ENTRIES > 100_000)
      process.stdout.write(`\rloaded ${Math.min(ENTRIES, (round + 1) * perRound * SOURCES)}`);
  }
  console.log(
    `\rloaded ${ENTRIES} entries from ${SOURCES} sources in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return sourceIds;
}

/**
 * A wrk script that asks for a different search on every request, so that none is a cache hit: two
 * words of middling frequency; one of the 50 commonest words with a rare word left out (which
 * changes the query, not the work) on one of its first five pages; or one of the 1,000 commonest
 * words in one source (of 200: few of its articles), by relevance or newest first.
 */
function searchScript(base: string, kind: 'two-word' | 'common' | 'filtered', sources = 0): string {
  const words =
    kind === 'two-word'
      ? VOCABULARY.slice(100, 1000)
      : kind === 'common'
        ? VOCABULARY.slice(0, 50)
        : VOCABULARY.slice(0, 1000);
  return `${base}
local words = {${words.map((w) => `"${w}"`).join(',')}}
local rare = {${VOCABULARY.slice(3000)
    .map((w) => `"${w}"`)
    .join(',')}}
math.randomseed(7)
request = function()
  local path
  ${
    kind === 'two-word'
      ? 'path = "/search?q=" .. words[math.random(#words)] .. "+" .. words[math.random(#words)]'
      : kind === 'common'
        ? 'path = "/search?q=" .. words[math.random(#words)] .. "+-" .. rare[math.random(#rare)] .. "&page=" .. math.random(5)'
        : `path = "/search?q=" .. words[math.random(#words)] .. "&source=" .. math.random(${sources}) .. "&order=" .. (math.random(2) == 1 and "relevance" or "recent")`
  }
  return wrk.format(nil, path)
end
`;
}

async function main(): Promise<void> {
  const dir = args.data ?? mkdtempSync(join(tmpdir(), 'courtesy-bench-serve-'));
  const work = mkdtempSync(join(tmpdir(), 'courtesy-bench-serve-work-'));
  const port = await freePort();
  const config = loadConfig({ dataDir: dir, port, host: '127.0.0.1' }, {});
  const ctx = await openContext(config, createLogger('warn'));
  const sourceIds = await fill(ctx);

  const server = await startServer({ ...ctx }, '127.0.0.1', port);
  const newest = (await ctx.store.entries.list({ limit: 1, before: null })).entries[0]!;
  // Searches are measured one at a time: each is CPU work on the one thread, so with 64 at once the
  // figure would be the queue's length, not what a reader waits.
  const pages: Array<{ name: string; path: string; script?: string; connections?: number }> = [
    { name: 'home', path: '/' },
    { name: 'article', path: articlePath(newest) },
    { name: 'source', path: `/sources/${sourceIds[1]}` },
    { name: 'author', path: '/authors/author-7' },
    {
      name: 'search, two words (each different, 1 connection)',
      path: `/search?q=${encodeURIComponent(TWO_WORD_QUERY)}`,
      script: searchScript(WRK_SCRIPT, 'two-word'),
      connections: 1,
    },
    {
      name: 'search, a common word (each different, 1 connection)',
      path: `/search?q=${COMMON_QUERY}`,
      script: searchScript(WRK_SCRIPT, 'common'),
      connections: 1,
    },
    {
      name: 'search, one word in one source (each different, 1 connection)',
      path: `/search?q=${COMMON_QUERY}&source=${sourceIds[1]}`,
      script: searchScript(WRK_SCRIPT, 'filtered', sourceIds.length),
      connections: 1,
    },
  ];

  const www = join(work, 'www');
  mkdirSync(www, { recursive: true });
  for (const [i, page] of pages.entries()) {
    const body = await (await fetch(`${server.url}${page.path}`)).text();
    writeFileSync(join(www, `${i}.html`), body);
    execFileSync('gzip', ['-k', '-6', join(www, `${i}.html`)]);
  }
  const nginxPort = await freePort();
  const nginx = startNginx(work, nginxPort);
  const barePort = await freePort();
  const bare = startBareNode(join(www, '0.html.gz'), barePort);
  await new Promise((r) => setTimeout(r, 500));
  const defaultScript = join(work, 'percentiles.lua');
  writeFileSync(defaultScript, WRK_SCRIPT);

  const rows: string[][] = [];
  const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
  for (const [i, page] of pages.entries()) {
    let script = defaultScript;
    if (page.script) writeFileSync((script = join(work, `search-${i}.lua`)), page.script);
    await fetch(`${server.url}${page.path}`); // warm: the page is rendered and kept before the load
    // A short run first, not counted: the first seconds of a process's life (the JIT compiling the
    // hot path, the first connections) are not what a long-running server shows.
    await wrk(`${server.url}${page.path}`, script, page.connections, 2);
    const ours = await wrk(`${server.url}${page.path}`, script, page.connections);
    const theirs = await wrk(`http://127.0.0.1:${nginxPort}/${i}.html`, defaultScript, page.connections);
    const node = i === 0 ? await wrk(`http://127.0.0.1:${barePort}/`, defaultScript) : null;
    rows.push([
      page.name,
      ours.rps.toFixed(0),
      ms(ours.p50Ms),
      ms(ours.p95Ms),
      ms(ours.p99Ms),
      theirs.rps.toFixed(0),
      ms(theirs.p99Ms),
      `${((ours.rps / theirs.rps) * 100).toFixed(0)}%`,
      node ? `${node.rps.toFixed(0)} (${((ours.rps / node.rps) * 100).toFixed(0)}%)` : '',
      String(ours.errors),
    ]);
  }
  nginx.kill('SIGTERM');
  bare.kill('SIGTERM');
  await server.close();
  await ctx.close();
  if (!args.data) rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });

  const header = [
    'page',
    'courtesy req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'nginx req/s',
    'nginx p99 ms',
    'vs nginx',
    'bare Node req/s',
    'errors',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\n${ENTRIES} entries, ${SOURCES} sources, ${CONNECTIONS} connections, ${SECONDS} s each, gzip accepted, node ${process.version}\n`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
