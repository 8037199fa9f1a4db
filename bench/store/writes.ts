/**
 * The SQLite write benchmark: a first poll's refreshes through courtesy's store (its writer thread:
 * the refreshes that wait together in one transaction, a savepoint each; the entries, their authors
 * and tags, their search text, the fetch history, the page changes), beside a floor: the same
 * entries, facets and search text inserted into the same schema by one better-sqlite3 connection
 * with prepared statements, 4 refreshes a transaction, nothing else. Each runs in a process of its
 * own, in a database file of its own; what it costs is read from /proc (Linux).
 *
 *   npm run bench:writes [-- --refreshes 10000] [--days 30]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { EntryInput } from '../../src/model/entry.js';
import { entryFacets } from '../../src/model/facets.js';
import { migrate } from '../../src/store/migrate.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore, sqliteKysely } from '../../src/store/sqlite/open-sqlite.js';
import { prng } from '../support/random.js';
import { packedHtmlFingerprint } from '../../src/markup/html-fingerprint.js';

const { values: args } = parseArgs({
  options: {
    refreshes: { type: 'string', default: '10000' },
    // Over how many days before the refreshes the entries were published: stories compare the
    // last week's (a news site's feed is all of this week; the default, a month, a quarter of it).
    days: { type: 'string', default: '30' },
    mode: { type: 'string' },
  },
});

const REFRESHES = Number(args.refreshes);
const DAYS = Number(args.days);
const ENTRIES = 25;
const IN_FLIGHT = 8;
const t0 = new Date('2026-05-01T08:00:00Z');
const WORDS =
  'the sea and a ship sailed over harbour light storm quiet morning market council vote river bridge school budget rail'.split(
    ' ',
  );

/** The entries of refresh `n`: 25 stories of about 300 words, an author of 500, one or two tags of 300. */
function refreshEntries(n: number): EntryInput[] {
  const random = prng(n + 1);
  const pick = (k: number) =>
    Array.from({ length: k }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ');
  return Array.from({ length: ENTRIES }, (_, i) => {
    const text = pick(300);
    return {
      guid: `urn:bench:${n}:${i}`,
      url: `https://host${n % 20}.example/${n}/${i}`,
      title: `Story ${i}: ${pick(6)}`,
      author: `Author ${Math.floor(random() * 500)}`,
      publishedAt: new Date(t0.getTime() - Math.floor(random() * DAYS * 86_400_000)),
      updatedAt: null,
      summaryHtml: null,
      contentHtml: `<p>${text}</p>`,
      categories: Array.from({ length: 1 + (i % 2) }, () => `Tag ${Math.floor(random() * 300)}`),
      enclosures: [],
      contentHash: `h${n}:${i}`,
      searchText: text,
      // Made in a feed thread, as the search text is: the writer stores it.
      print: packedHtmlFingerprint(`<p>${text}</p>`),
    };
  });
}

/** CPU seconds and bytes written by each thread of this process, by thread id, from /proc. */
function threads(): Map<string, { cpuS: number; written: number }> {
  return new Map(
    readdirSync('/proc/self/task').flatMap((task) => {
      try {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const io = readFileSync(`/proc/self/task/${task}/io`, 'utf8');
        const written = Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? 0);
        return [[task, { cpuS: (Number(fields[11]) + Number(fields[12])) / 100, written }] as const];
      } catch {
        // A thread that ended meanwhile.
        return [];
      }
    }),
  );
}

interface Figures {
  wallS: number;
  cpuS: number;
  /** The thread that worked most: the writer thread for courtesy, this one for the floor. */
  busiestS: number;
  writtenMb: number;
}

async function runCourtesy(file: string): Promise<void> {
  const store = await openSqliteStore(file);
  const ids: number[] = [];
  for (let n = 0; n < REFRESHES; n++)
    ids.push((await store.sources.add({ feedUrl: `https://host${n % 20}.example/feed/${n}` }, t0)).id);
  const batches = Array.from({ length: REFRESHES }, (_, n) => refreshEntries(n));
  await measure(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < REFRESHES; n = next++) {
          await store.entries.saveRefresh(ids[n]!, batches[n]!, {}, t0, {
            startedAt: t0,
            durationMs: 5,
            outcome: 'stored',
            url: `https://host${n % 20}.example/feed/${n}`,
            httpStatus: 200,
            bytes: 50_000,
            errorCode: null,
            message: null,
          });
        }
      }),
    );
  });
  await store.close();
}

async function runFloor(file: string): Promise<void> {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // As the writer thread has it: the statements' journals in memory.
  sqlite.pragma('temp_store = MEMORY');
  const db = sqliteKysely(sqlite);
  await migrate(db, SQLITE_MIGRATIONS);
  const addSource = sqlite.prepare('INSERT INTO sources (feed_url, created_at) VALUES (?, 0)');
  const ids: number[] = [];
  for (let n = 0; n < REFRESHES; n++)
    ids.push(Number(addSource.run(`https://host${n % 20}.example/feed/${n}`).lastInsertRowid));
  const batches = Array.from({ length: REFRESHES }, (_, n) => refreshEntries(n));
  const addEntry = sqlite.prepare(
    `INSERT INTO entries (source_id, guid, guid_hash, url, title, author, published_at, created_at, sort_at,
       content_html, categories, enclosures, content_hash, url_key, host_key, print)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, '[]', ?, ?, ?, ?)`,
  );
  const addFacet = sqlite.prepare(
    'INSERT INTO entry_facets (entry_id, kind, key, label, sort_at) VALUES (?, ?, ?, ?, ?)',
  );
  const addText = sqlite.prepare('INSERT INTO entries_fts (rowid, title, author, body) VALUES (?, ?, ?, ?)');
  const write = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      for (const e of batches[n]!) {
        const sortAt = e.publishedAt!.getTime();
        const host = new URL(e.url!).host;
        const id = Number(
          addEntry.run(
            ids[n],
            e.guid,
            e.guid,
            e.url,
            e.title,
            e.author,
            sortAt,
            sortAt,
            e.contentHtml,
            JSON.stringify(e.categories),
            e.contentHash,
            e.url,
            host,
            e.print ?? null,
          ).lastInsertRowid,
        );
        for (const f of entryFacets(e)) addFacet.run(id, f.kind, f.key, f.label, sortAt);
        addText.run(id, e.title, e.author, e.searchText);
      }
    }
  });
  await measure(() => {
    for (let n = 0; n < REFRESHES; n += 4) write(n, Math.min(n + 4, REFRESHES));
    return Promise.resolve();
  });
  await db.destroy();
}

/** Runs `work` and prints its figures (for the parent) as one line of JSON. */
async function measure(work: () => Promise<void>): Promise<void> {
  const before = threads();
  const started = performance.now();
  await work();
  const wallS = (performance.now() - started) / 1000;
  const after = threads();
  const deltas = [...after].map(([task, t]) => ({
    cpuS: t.cpuS - (before.get(task)?.cpuS ?? 0),
    written: t.written - (before.get(task)?.written ?? 0),
  }));
  const figures: Figures = {
    wallS,
    cpuS: deltas.reduce((sum, t) => sum + t.cpuS, 0),
    busiestS: Math.max(...deltas.map((t) => t.cpuS)),
    writtenMb: deltas.reduce((sum, t) => sum + t.written, 0) / 1e6,
  };
  console.log(JSON.stringify(figures));
}

if (args.mode) {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-writes-'));
  try {
    if (args.mode === 'courtesy') await runCourtesy(join(dir, 'site.sqlite'));
    else if (args.mode === 'floor') await runFloor(join(dir, 'site.sqlite'));
    else throw new Error(`bench:writes: --mode is courtesy or floor, not ${args.mode}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  if (process.platform !== 'linux') throw new Error('bench:writes reads its figures from /proc (Linux only)');
  const self = fileURLToPath(import.meta.url);
  const run = (mode: string): Figures => {
    const child = spawnSync(
      process.execPath,
      [self, '--mode', mode, '--refreshes', String(REFRESHES), '--days', String(DAYS)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (child.status !== 0) throw new Error(`bench:writes: the ${mode} run failed`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures;
  };
  console.log(
    `${REFRESHES} refreshes of ${ENTRIES} entries, ${IN_FLIGHT} at a time; node ${process.version}\n`,
  );
  console.log('| writes | wall s | CPU s | busiest thread CPU s | written MB | CPU × floor |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const floor = run('floor');
  const courtesy = run('courtesy');
  for (const [name, f] of [
    ['floor: bare inserts, 4 refreshes a transaction', floor],
    ['courtesy: the store and its writer thread', courtesy],
  ] as const) {
    console.log(
      `| ${name} | ${f.wallS.toFixed(1)} | ${f.cpuS.toFixed(1)} | ${f.busiestS.toFixed(1)} | ${f.writtenMb.toFixed(0)} | ${(f.cpuS / floor.cpuS).toFixed(2)} |`,
    );
  }
}
