/**
 * What folding a new entry into the stories of the stored ones costs as the store grows
 * (src/store/sql/stories.ts): a refresh of 50 new entries, half of them copies of stored ones
 * (their signatures a third changed, as a copy under another template is), on a SQLite store of
 * N entries all stored within the story window, the worst case: every one of them is in the index.
 * The same refresh on an empty store is the floor. A comparison that stays bounded costs the same
 * at 100,000 and at 1,000,000. A process's first fold loads the window's entries into memory
 * (sql/story-memory.ts): timed apart.
 *
 *   npm run bench:stories [-- --entries 100000,1000000]
 *
 * The stored entries are written straight into the table (their text is not needed: the folding
 * reads fingerprints and addresses), so that a million take minutes, not an hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { EntryInput } from '../../src/model/entry.js';
import { packFingerprint, SIGNATURE_LENGTH } from '../../src/model/fingerprint.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite.js';
import { prng } from '../support/random.js';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000,1000000' },
    rounds: { type: 'string', default: '10' },
  },
});
const SIZES = args.entries.split(',').map(Number);
const ROUNDS = Number(args.rounds);
const BATCH = 50;
const SOURCES = 100;
const now = Date.now();

/** Stored entry n's signature: random values, as unrelated texts' are. */
const signatureOf = (n: number) => {
  const r = prng(n + 1);
  return Uint32Array.from({ length: SIGNATURE_LENGTH }, () => Math.floor(r() * 2 ** 32));
};
/** A copy of stored entry n: a third of its signature changed (Jaccard about 0.67). */
const copyOf = (n: number, seed: number) => {
  const r = prng(seed);
  return signatureOf(n).map((v) => (r() < 1 / 3 ? Math.floor(r() * 2 ** 32) : v));
};

function input(guid: string, signature: Uint32Array): EntryInput {
  return {
    guid,
    url: `https://fresh.example/${guid}`,
    title: guid,
    author: null,
    publishedAt: new Date(now - 60_000),
    updatedAt: null,
    summaryHtml: null,
    contentHtml: '<p>The text is not read: the fingerprint stands for it.</p>',
    categories: [],
    enclosures: [],
    contentHash: guid,
    print: packFingerprint({ signature, shingles: 200 }),
  };
}

/** Writes n stored entries straight into the table, in big transactions. */
function fill(file: string, n: number, sourceIds: readonly number[]): void {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const entry = db.prepare(
    `INSERT INTO entries (source_id, guid, guid_hash, url, url_key, created_at, sort_at, categories, enclosures, content_hash, print)
     VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, ?)`,
  );
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const signature = signatureOf(i);
      const guid = `stored-${i}`;
      entry.run(
        sourceIds[i % sourceIds.length],
        guid,
        guid,
        `https://stored.example/${i}`,
        `stored.example/${i}`,
        now - 3_600_000,
        now - 3_600_000 - i,
        guid,
        Buffer.from(packFingerprint({ signature, shingles: 200 })),
      );
    }
  });
  for (let i = 0; i < n; i += 20_000) chunk(i, Math.min(n, i + 20_000));
  db.close();
}

async function measure(n: number): Promise<{ loadMs: number; perEntryMs: number[]; folded: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-stories-'));
  const file = join(dir, 'site.sqlite');
  try {
    let store = await openSqliteStore(file);
    const sourceIds: number[] = [];
    for (let s = 0; s < SOURCES; s++)
      sourceIds.push(
        (await store.sources.add({ feedUrl: `https://host${s}.example/feed` }, new Date(now))).id,
      );
    const extra = (await store.sources.add({ feedUrl: 'https://fresh.example/feed' }, new Date(now))).id;
    await store.close();
    fill(file, n, sourceIds);
    store = await openSqliteStore(file);
    const r = prng(n + 5);
    // The first fold loads the window's entries into memory: one refresh of one entry, timed apart.
    const loadStarted = performance.now();
    await store.entries.saveRefresh(extra, [input('warm', signatureOf(20_000_000))], {}, new Date(now));
    const loadMs = performance.now() - loadStarted;
    const perEntryMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = Array.from({ length: BATCH }, (_, i) => {
        const guid = `fresh-${round}-${i}`;
        return i % 2 === 0 && n > 0
          ? input(guid, copyOf(Math.floor(r() * n), round * BATCH + i))
          : input(guid, signatureOf(10_000_000 + round * BATCH + i));
      });
      const started = performance.now();
      await store.entries.saveRefresh(extra, batch, {}, new Date(now));
      perEntryMs.push((performance.now() - started) / BATCH);
    }
    const page = await store.entries.list({ sourceId: extra, limit: ROUNDS * BATCH, includeWithheld: true });
    const folded = page.entries.filter((e) => e.story !== null).length;
    await store.close();
    return { loadMs, perEntryMs, folded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = await measure(0);
console.log(
  `Refreshes of ${BATCH} new entries, ${ROUNDS} rounds; median per new entry. Floor (empty store): ${median(floor.perEntryMs).toFixed(3)} ms.`,
);
console.log(
  '| stored entries, all in the window | per new entry | × floor | copies folded | first fold, loading the window |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const n of SIZES) {
  const started = performance.now();
  const result = await measure(n);
  const ms = median(result.perEntryMs);
  console.log(
    `| ${n.toLocaleString('en')} | ${ms.toFixed(3)} ms | ${(ms / median(floor.perEntryMs)).toFixed(2)} | ${result.folded} of ${(ROUNDS * BATCH) / 2} | ${(result.loadMs / 1000).toFixed(2)} s (fill and run ${((performance.now() - started) / 1000).toFixed(0)} s) |`,
  );
}
