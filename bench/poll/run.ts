/**
 * The polling benchmark. Starts the loopback feed farm (farm.ts) in a child process, subscribes to
 * all its feeds, serves the site in this process as `courtesy serve` does, and polls every feed in
 * three rounds: a first one (all new), a second one (mostly 304), and a third after the farm added
 * entries to a share of its feeds. A probe in another process asks for the home page throughout.
 * Before the rounds, a fetch-only pass over the same URLs (no parse, no store) gives the baseline
 * that the first round is compared with, since absolute times on a shared machine vary.
 *
 *   npm run bench:poll -- --feeds 10000
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { pollSources, type RefreshOutcome } from '../../src/ingest/index.js';
import { createLogger } from '../../src/log/logger.js';
import type { Cursor, Store } from '../../src/store/index.js';
import { startServer } from '../../src/web/index.js';
import { startFarm } from '../support/farm.js';
import { sampleMemoryPeaks } from '../support/memory.js';

const { values: args } = parseArgs({
  options: {
    feeds: { type: 'string', default: '10000' },
    hosts: { type: 'string', default: '20' },
    faults: { type: 'string', default: '0.05' },
    update: { type: 'string', default: '0.2' },
    workers: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    // Publishers carry each other's stories, and their feeds are of this month: stories compare the
    // last week's entries, copies included (--syndicated 0 --no-recent: the farm of before).
    syndicated: { type: 'string', default: '0.1' },
    recent: { type: 'boolean', default: true },
  },
  allowNegative: true,
});

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** How many entries the stories fold, and whether the home page's first pages show a story twice. */
async function foldedStories(
  store: Store,
): Promise<{ copies: number; stories: number; cards: number; repeated: number }> {
  const stored = await store.entries.list({ limit: 100_000, includeWithheld: true });
  const members = stored.entries.filter((e) => e.story !== null && e.story !== undefined);
  const stories = new Set(members.map((e) => e.story));
  const seen = new Set<number>();
  let cards = 0;
  let repeated = 0;
  let before: Cursor | null = null;
  for (let page = 0; page < 20; page++) {
    const listed = await store.entries.list({ limit: 30, perSource: 3, before, oncePerStory: true });
    for (const entry of listed.entries) {
      cards++;
      const key = entry.story ?? -entry.id;
      if (seen.has(key)) repeated++;
      seen.add(key);
    }
    if (!listed.next) break;
    before = listed.next;
  }
  return { copies: members.length - stories.size, stories: stories.size, cards, repeated };
}

interface RoundResult {
  name: string;
  wallS: number;
  /** Wall time until the last successful check: the round without the faulty feeds that hold their host to the end. */
  workS: number;
  cpuS: number;
  peakRssMb: number;
  /** The main thread's V8 heap in use at its peak: what of the RSS is JavaScript objects there. */
  peakHeapMb: number;
  requests: number;
  notModifiedShare: number;
  stored: number;
  updated: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  perHostMax: number;
}

function startProbe(url: string): { stop(): Promise<{ p50: number; p99: number; count: number }> } {
  const child = spawn(process.execPath, [here('./probe.js'), '--url', url, '--every', '20'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(JSON.parse(out) as { p50: number; p99: number; count: number }));
        child.kill('SIGTERM');
      }),
  };
}

async function measure(
  name: string,
  siteUrl: string | null,
  work: (done: (failed: boolean) => void) => Promise<RefreshOutcome[] | number>,
): Promise<RoundResult> {
  await farm.reset();
  const probe = siteUrl ? startProbe(`${siteUrl}/`) : null;
  const memory = sampleMemoryPeaks(50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let lastWork = started;
  const outcome = await work((failed) => {
    if (!failed) lastWork = performance.now();
  });
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const peaks = memory.stop();
  const latency = probe ? await probe.stop() : null;
  const counted = await farm.stats();
  const outcomes = Array.isArray(outcome) ? outcome : [];
  return {
    name,
    wallS,
    workS: (lastWork - started) / 1000,
    cpuS: (used.user + used.system) / 1e6,
    peakRssMb: peaks.rssMb,
    peakHeapMb: peaks.heapUsedMb,
    requests: counted.requests,
    notModifiedShare: counted.requests ? counted.notModified / counted.requests : 0,
    stored: outcomes.reduce((n, o) => n + (o.kind === 'stored' ? o.inserted : 0), 0),
    updated: outcomes.reduce((n, o) => n + (o.kind === 'stored' ? o.updated : 0), 0),
    errors: Array.isArray(outcome) ? outcomes.filter((o) => o.kind === 'failed').length : outcome,
    p50Ms: latency?.p50 ?? null,
    p99Ms: latency?.p99 ?? null,
    perHostMax: counted.perHostMax,
  };
}

const farm = await startFarm({
  feeds: Number(args.feeds),
  hosts: Number(args.hosts),
  faults: Number(args.faults),
  update: Number(args.update),
  seed: Number(args.seed),
  syndicated: Number(args.syndicated),
  recent: args.recent,
});
const dataDir = mkdtempSync(join(tmpdir(), 'courtesy-bench-poll-'));
try {
  writeFileSync(
    join(dataDir, 'courtesy.toml'),
    [
      '[poll]',
      'allow_private_networks = true',
      `concurrency = ${Number(args.concurrency)}`,
      'first_byte_timeout_seconds = 10',
      'timeout_seconds = 20',
      ...(args.workers !== undefined ? [`workers = ${Number(args.workers)}`] : []),
      '',
    ].join('\n'),
  );
  const config = loadConfig({ dataDir, port: 0 }, {});
  const ctx = await openContext(config, createLogger('silent'));
  const outlines = (await farm.feedUrls()).map((feedUrl) => ({ feedUrl }));
  const now = new Date();
  for (const outline of outlines) await ctx.store.sources.add({ feedUrl: outline.feedUrl }, now);
  const site = await startServer(ctx, '127.0.0.1', 0);

  const results: RoundResult[] = [];
  results.push(
    await measure('fetch only (baseline)', null, async (done) => {
      let failed = 0;
      // Host by host, as the poller does: per_host_concurrency workers for each host's queue.
      const queues = new Map<string, string[]>();
      for (const { feedUrl } of outlines) {
        const host = new URL(feedUrl).host;
        const queue = queues.get(host);
        if (queue) queue.push(feedUrl);
        else queues.set(host, [feedUrl]);
      }
      const worker = async (queue: string[]) => {
        for (let url = queue.shift(); url; url = queue.shift()) {
          await ctx.fetcher.fetch(url).then(
            () => done(false),
            () => {
              failed++;
              done(true);
            },
          );
        }
      };
      await Promise.all(
        [...queues.values()].flatMap((queue) =>
          Array.from({ length: config.poll.perHostConcurrency }, () => worker(queue)),
        ),
      );
      return failed;
    }),
  );
  const poll = async (done: (failed: boolean) => void) =>
    (await pollSources(ctx, { all: true }, (o) => done(o.kind === 'failed'))).outcomes;
  results.push(await measure('round 1: all new', site.url, poll));
  results.push(await measure('round 2: unchanged', site.url, poll));
  const changed = await farm.tick();
  results.push(await measure(`round 3: ${changed} feeds changed`, site.url, poll));
  const entries = await ctx.store.entries.count();
  const stories = await foldedStories(ctx.store);

  const baseline = results[0]!.workS;
  const fixed = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));
  const lines = [
    `feeds ${outlines.length} over ${args.hosts} loopback hosts, faults ${args.faults}, update ${args.update}, ` +
      `workers ${config.poll.workers}, concurrency ${config.poll.concurrency}, per host ${config.poll.perHostConcurrency}; ` +
      `node ${process.version}; ${entries} entries stored in all; syndicated ${args.syndicated}, ` +
      `${args.recent ? 'dated from now' : 'dated November 2026'}: ${stories.copies} copies folded into ${stories.stories} stories, ` +
      `the home page's ${stories.cards} cards each a story once (${stories.repeated} repeated)`,
    '',
    '| round | wall s | healthy done s | × baseline | CPU s | peak RSS MB | main heap MB | requests | 304 share | new entries | updated | errors | home p50 ms | home p99 ms | max per host |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${fixed(r.wallS)} | ${fixed(r.workS)} | ${fixed(r.workS / baseline, 2)} | ${fixed(r.cpuS)} | ${fixed(r.peakRssMb, 0)} | ${fixed(r.peakHeapMb, 0)} | ${r.requests} | ${fixed(r.notModifiedShare * 100, 0)}% | ${r.stored} | ${r.updated} | ${r.errors} | ${fixed(r.p50Ms)} | ${fixed(r.p99Ms)} | ${r.perHostMax} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await site.close();
  await ctx.close();
} finally {
  farm.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
