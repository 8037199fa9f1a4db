/**
 * The scale-out benchmark: how polling grows with worker processes on PostgreSQL, next to one
 * process on SQLite, against the same loopback feed farm in the same run. For each setup it makes
 * a fresh store, subscribes to every farm feed, starts the `courtesy worker` processes (the real
 * command), and once they are all up makes every source due at once and times two rounds: all
 * new, then unchanged (mostly 304). A round ends when no source is due or being checked. It reports
 * feeds a second, the CPU the workers and the database server used, the database's commits and
 * rows written, the workers' peak memory, and what the farm saw: requests, the most at once on one
 * host (the per-host limit holds across workers) and the most checks of one feed (never two a round).
 *
 *   npm run bench:scale -- --feeds 10000 [--hosts 50] [--workers 1,2,4] [--postgres URL]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';
import { startFarm, type Farm } from '../support/farm.js';

const { values: args } = parseArgs({
  options: {
    feeds: { type: 'string', default: '2000' },
    hosts: { type: 'string', default: '50' },
    faults: { type: 'string', default: '0' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '32' },
    postgres: {
      type: 'string',
      default: process.env.COURTESY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    seed: { type: 'string', default: '1' },
  },
});

const BIN = fileURLToPath(new URL('../../../bin/courtesy', import.meta.url));
/** Clock ticks a second in /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface Setup {
  engine: 'SQLite' | 'PostgreSQL';
  workers: number;
}

interface RoundFigures {
  setup: Setup;
  round: string;
  wallS: number;
  feedsPerS: number;
  workerCpuS: number;
  dbCpuS: number | null;
  commits: number | null;
  rowsWritten: number | null;
  peakRssMb: number;
  requests: number;
  perHostMax: number;
  maxPerFeed: number;
  failed: number;
}

/** CPU seconds (user and system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The CPU seconds every PostgreSQL server process has used (the database server's load). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuSeconds(Number(name));
  }
  return total;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  stop(): Promise<void>;
}

function startWorker(dataDir: string, databaseUrl: string): Worker {
  // With this process's node flags (npm run bench:scale gives those of npm start).
  const child = spawn(process.execPath, [...process.execArgv, BIN, '--data', dataDir, 'worker'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('is polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`a worker exited with ${code}`)));
  });
  return {
    child,
    ready,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** What the bench needs beyond the Store: making every source due at once, and the server's counters. */
interface Engine {
  databaseUrl: string;
  makeDue(at: number): Promise<void>;
  /** Transactions (each statement outside one counts) and rows written so far (PostgreSQL's pg_stat_database), or null. */
  counters(): Promise<{ commits: number; rows: number } | null>;
  drop(): Promise<void>;
}

function sqliteEngine(dataDir: string): Engine {
  const file = join(dataDir, 'courtesy.sqlite');
  return {
    databaseUrl: `sqlite:${file}`,
    makeDue(at) {
      const db = new Database(file);
      db.pragma('busy_timeout = 10000');
      db.prepare('UPDATE sources SET next_check_at = ?').run(at);
      db.close();
      return Promise.resolve();
    },
    counters: () => Promise.resolve(null),
    drop: () => Promise.resolve(),
  };
}

async function postgresEngine(): Promise<Engine> {
  const schema = `courtesy_bench_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: args.postgres });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(args.postgres);
  url.searchParams.set('schema', schema);
  return {
    databaseUrl: url.toString(),
    async makeDue(at) {
      await admin.query(`UPDATE ${schema}.sources SET next_check_at = $1`, [at]);
    },
    async counters() {
      const { rows } = await admin.query<{ commits: string; rows: string }>(
        `SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows
         FROM pg_stat_database WHERE datname = current_database()`,
      );
      return { commits: Number(rows[0]!.commits), rows: Number(rows[0]!.rows) };
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** Until no source is due or being checked. */
async function roundDone(store: Store): Promise<void> {
  for (;;) {
    const queue = await store.sources.queue(new Date());
    if (queue.due === 0 && queue.claimed === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runSetup(setup: Setup, farm: Farm, feedUrls: string[]): Promise<RoundFigures[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'courtesy-bench-scale-'));
  writeFileSync(
    join(dataDir, 'courtesy.toml'),
    [
      '[poll]',
      'allow_private_networks = true',
      `concurrency = ${Number(args.concurrency)}`,
      'per_host_concurrency = 2',
      'check_every_seconds = 0.5',
      'first_byte_timeout_seconds = 10',
      'timeout_seconds = 20',
      'workers = 1',
      '',
    ].join('\n'),
  );
  const engine = setup.engine === 'SQLite' ? sqliteEngine(dataDir) : await postgresEngine();
  const store = await openStore(engine.databaseUrl);
  const workers: Worker[] = [];
  try {
    const now = new Date();
    for (const feedUrl of feedUrls) await store.sources.add({ feedUrl }, now);
    // Nothing is due until every worker is up: the clock starts when all of them can poll.
    await engine.makeDue(Date.now() + 86_400_000);
    for (let i = 0; i < setup.workers; i++) workers.push(startWorker(dataDir, engine.databaseUrl));
    await Promise.all(workers.map((w) => w.ready));
    const figures: RoundFigures[] = [];
    for (const round of ['1: all new', '2: unchanged']) {
      await farm.reset();
      const pids = workers.map((w) => w.child.pid!);
      const cpuBefore = pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
      const dbBefore = setup.engine === 'PostgreSQL' ? postgresCpuSeconds() : null;
      const countersBefore = await engine.counters();
      let peak = 0;
      const sampler = setInterval(() => {
        for (const pid of pids) peak = Math.max(peak, rssMb(pid));
      }, 200);
      const started = performance.now();
      await engine.makeDue(Date.now());
      await roundDone(store);
      const wallS = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const workerCpuS = pids.reduce((n, pid) => n + cpuSeconds(pid), 0) - cpuBefore;
      const dbCpuS = dbBefore === null ? null : postgresCpuSeconds() - dbBefore;
      // PostgreSQL's backends report their counters within a second of going idle.
      if (countersBefore) await new Promise((resolve) => setTimeout(resolve, 1500));
      const countersAfter = await engine.counters();
      const farmSaw = await farm.stats();
      const failed = (await store.sources.list()).filter((s) => s.consecutiveFailures > 0).length;
      figures.push({
        setup,
        round,
        wallS,
        feedsPerS: feedUrls.length / wallS,
        workerCpuS,
        dbCpuS,
        commits: countersBefore && countersAfter ? countersAfter.commits - countersBefore.commits : null,
        rowsWritten: countersBefore && countersAfter ? countersAfter.rows - countersBefore.rows : null,
        peakRssMb: peak,
        requests: farmSaw.requests,
        perHostMax: farmSaw.perHostMax,
        maxPerFeed: farmSaw.maxPerFeed,
        failed,
      });
      process.stderr.write(
        `${setup.engine} × ${setup.workers}, round ${round}: ${wallS.toFixed(1)} s, ${(feedUrls.length / wallS).toFixed(0)} feeds/s\n`,
      );
    }
    return figures;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await store.close();
    await engine.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const farm = await startFarm({
  feeds: Number(args.feeds),
  hosts: Number(args.hosts),
  faults: Number(args.faults),
  update: 0,
  seed: Number(args.seed),
});
try {
  const feedUrls = await farm.feedUrls();
  const setups: Setup[] = [
    { engine: 'SQLite', workers: 1 },
    ...args.workers.split(',').map((n) => ({ engine: 'PostgreSQL' as const, workers: Number(n) })),
  ];
  const results: RoundFigures[] = [];
  for (const setup of setups) results.push(...(await runSetup(setup, farm, feedUrls)));

  const sqlite = new Map(
    results.filter((r) => r.setup.engine === 'SQLite').map((r) => [r.round, r.feedsPerS]),
  );
  const fixed = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));
  const lines = [
    `feeds ${feedUrls.length} over ${args.hosts} loopback hosts, faults ${args.faults}, concurrency ${args.concurrency} a worker, ` +
      `2 per host across all workers, 1 feed thread a worker; node ${process.version}`,
    '',
    '| engine | worker processes | round | wall s | feeds/s | × SQLite | workers CPU s | DB server CPU s | transactions | rows written | peak RSS a worker MB | requests | max per host | most checks of a feed | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.setup.engine} | ${r.setup.workers} | ${r.round} | ${fixed(r.wallS)} | ${fixed(r.feedsPerS, 0)} | ${fixed(r.feedsPerS / sqlite.get(r.round)!, 2)} | ${fixed(r.workerCpuS)} | ${fixed(r.dbCpuS)} | ${r.commits ?? '-'} | ${r.rowsWritten ?? '-'} | ${fixed(r.peakRssMb, 0)} | ${r.requests} | ${r.perHostMax} | ${r.maxPerFeed} | ${r.failed} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  farm.stop();
}
