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
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
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

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    sources: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '8' },
  },
});
const execFileAsync = promisify(execFile);
const ENTRIES = Number(args.entries);
const SOURCES = Math.min(Number(args.sources), ENTRIES);
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);

const WORDS =
  'harbour ferry council budget river school library storm bridge market election museum festival rail tram wind solar water health court police science study report season winter summer'.split(
    ' ',
  );

/** A deterministic article: a title, two authors out of 500, tags out of 60, and about 2 KB of text. */
function article(n: number): EntryInput {
  const w = (k: number) => WORDS[(n * 7 + k * 13) % WORDS.length]!;
  const paragraphs = Array.from(
    { length: 6 },
    (_, p) =>
      `<p>The ${w(p)} ${w(p + 1)} was discussed again on day ${n % 365}, as the ${w(p + 2)} committee met. ` +
      `Residents asked about the ${w(p + 3)} and the ${w(p + 4)}; the answer, recorded in the minutes, ` +
      `promised a ${w(p + 5)} review before the ${w(p + 6)}.</p>`,
  ).join('');
  return {
    guid: `urn:bench:${n}`,
    url: `https://publisher-${n % SOURCES}.example/${n}`,
    title: `The ${w(0)} and the ${w(1)}: report ${n}`,
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

interface Load {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Runs wrk against a URL and reads its summary (asynchronously: the server under test is this process). */
async function wrk(url: string): Promise<Load> {
  const { stdout: out } = await execFileAsync(
    'wrk',
    ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-H', 'Accept-Encoding: gzip', url],
    { encoding: 'utf8' },
  );
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50Ms: ms('50%'),
    p99Ms: ms('99%'),
    errors: Number(errors),
  };
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-serve-'));
  const port = await freePort();
  const config = loadConfig({ dataDir: dir, port, host: '127.0.0.1' }, {});
  const ctx = await openContext(config, createLogger('warn'));
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
  const perSource = new Map<number, EntryInput[]>();
  for (let n = 0; n < ENTRIES; n++) {
    const list = perSource.get(n % SOURCES) ?? [];
    list.push(article(n));
    perSource.set(n % SOURCES, list);
  }
  for (const [s, list] of perSource) {
    for (let i = 0; i < list.length; i += 500) {
      await ctx.store.entries.saveRefresh(sourceIds[s]!, list.slice(i, i + 500), {}, new Date());
    }
  }
  console.log(
    `loaded ${ENTRIES} entries from ${SOURCES} sources in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const server = await startServer({ ...ctx }, '127.0.0.1', port);
  const middle = (await ctx.store.entries.list({ limit: 1, before: null })).entries[0]!;
  const pages: Array<[string, string]> = [
    ['home', '/'],
    ['article', articlePath(middle)],
    ['source', `/sources/${sourceIds[1]}`],
    ['author', '/authors/author-7'],
    ['search', '/search?q=harbour+council'],
  ];

  const nginxRoot = join(dir, 'nginx');
  mkdirSync(join(nginxRoot, 'www'), { recursive: true });
  for (const [name, path] of pages) {
    const body = await (await fetch(`${server.url}${path}`)).text();
    writeFileSync(join(nginxRoot, 'www', `${name}.html`), body);
    execFileSync('gzip', ['-k', '-6', join(nginxRoot, 'www', `${name}.html`)]);
  }
  const nginxPort = await freePort();
  const nginx = startNginx(nginxRoot, nginxPort);
  await new Promise((r) => setTimeout(r, 500));

  const rows: string[][] = [];
  for (const [name, path] of pages) {
    await fetch(`${server.url}${path}`); // warm: the page is rendered and kept before the load
    const ours = await wrk(`${server.url}${path}`);
    const theirs = await wrk(`http://127.0.0.1:${nginxPort}/${name}.html`);
    rows.push([
      name,
      ours.rps.toFixed(0),
      ours.p50Ms.toFixed(2),
      ours.p99Ms.toFixed(2),
      theirs.rps.toFixed(0),
      theirs.p99Ms.toFixed(2),
      `${((ours.rps / theirs.rps) * 100).toFixed(0)}%`,
      String(ours.errors),
    ]);
  }
  nginx.kill('SIGTERM');
  await server.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });

  const header = [
    'page',
    'courtesy req/s',
    'p50 ms',
    'p99 ms',
    'nginx req/s',
    'nginx p99 ms',
    'vs nginx',
    'errors',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(
    `\n${ENTRIES} entries, ${CONNECTIONS} connections, ${SECONDS} s each, gzip accepted; search is not cached\n`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
