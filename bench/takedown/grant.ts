/**
 * What keeping a removed text's copies out costs (src/store/sql/prints.ts), on a SQLite store of
 * many entries: the grant of one article's rule, which sweeps every stored entry's fingerprint for
 * copies, beside a floor, reading that column alone with a bare better-sqlite3 connection; and a
 * refresh once removed texts are kept (each new entry looked up by its band keys), beside the same
 * refresh while none is.
 *
 *   npm run bench:grant [-- --entries 100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { EntryInput } from '../../src/model/entry.js';
import { urlKey } from '../../src/model/identity.js';
import type { NewRule } from '../../src/model/rights.js';
import { packedHtmlFingerprint } from '../../src/markup/html-fingerprint.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite.js';
import type { Store } from '../../src/store/index.js';
import { prng } from '../support/random.js';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
  },
});
const ENTRIES = Number(args.entries);
const SOURCES = 100;
const BATCH = 50;
const t0 = new Date('2026-05-01T08:00:00Z');

/** A vocabulary large enough that two made-up articles share next to no four-word run. */
const random = prng(7);
const WORDS = Array.from({ length: 5000 }, () =>
  Array.from(
    { length: 2 + Math.floor(random() * 3) },
    () => 'bcdfghklmnprstvz'[Math.floor(random() * 16)]! + 'aeiou'[Math.floor(random() * 5)]!,
  ).join(''),
);

/** Article `n`'s paragraphs: four of 60 words. */
function paragraphs(n: number): string[] {
  const r = prng(n + 11);
  return Array.from({ length: 4 }, () =>
    Array.from({ length: 60 }, () => WORDS[Math.floor(r() * WORDS.length)]!).join(' '),
  );
}

/** An entry as a feed thread hands it over, its fingerprint made. */
function entry(n: number, source: number, html: string, guid = `urn:bench:${n}`): EntryInput {
  return {
    guid,
    url: `https://host${source}.example/${guid.replace(/\W/g, '-')}`,
    title: `Story ${n}`,
    author: `Author ${n % 300}`,
    publishedAt: new Date(t0.getTime() - n * 1000),
    updatedAt: null,
    summaryHtml: null,
    contentHtml: html,
    categories: [],
    enclosures: [],
    contentHash: `h:${guid}`,
    print: packedHtmlFingerprint(html),
  };
}
const html = (ps: readonly string[]) => ps.map((p) => `<p>${p}</p>`).join('');

const seconds = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-grant-'));
const file = join(dir, 'site.sqlite');
let store: Store | null = null;
try {
  const opened = await openSqliteStore(file);
  store = opened;
  const sources: number[] = [];
  for (let s = 0; s < SOURCES; s++)
    sources.push((await opened.sources.add({ feedUrl: `https://host${s}.example/feed` }, t0)).id);
  const fillS = await seconds(async () => {
    for (let n = 0; n < ENTRIES; n += BATCH) {
      const source = (n / BATCH) % SOURCES;
      const batch = Array.from({ length: Math.min(BATCH, ENTRIES - n) }, (_, i) =>
        entry(n + i, source, html(paragraphs(n + i))),
      );
      await opened.entries.saveRefresh(sources[source]!, batch, {}, t0);
    }
  });
  // Three copies of article 0 under other sites' templates, which the grant must find.
  for (let c = 1; c <= 3; c++) {
    const copy = `<p>Site ${c} | Home | News</p>${html(paragraphs(0))}<p>Republished by site ${c}.</p>`;
    await opened.entries.saveRefresh(sources[c]!, [entry(0, c, copy, `urn:copy:${c}`)], {}, t0);
  }

  // The floor: every stored fingerprint read by a bare connection.
  const raw = new BetterSqlite3(file, { readonly: true });
  let bytes = 0;
  const floorS = await seconds(async () => {
    for (const row of raw.prepare('SELECT id, print FROM entries WHERE print IS NOT NULL').iterate())
      bytes += (row as { print: Buffer }).print.byteLength;
    return Promise.resolve();
  });
  raw.close();

  const rule = (n: number): NewRule => ({
    kind: 'url',
    urlKey: urlKey(`https://host${Math.floor(n / BATCH) % SOURCES}.example/urn-bench-${n}`),
    sourceId: null,
    author: null,
    domain: null,
    reason: 'bench',
    actor: 'bench',
  });
  const fresh = (k: number) =>
    Array.from({ length: BATCH }, (_, i) =>
      entry(ENTRIES + k * BATCH + i, 0, html(paragraphs(ENTRIES + k * BATCH + i))),
    );
  const refreshes = async (from: number) => {
    for (let k = from; k < from + 10; k++) await opened.entries.saveRefresh(sources[5]!, fresh(k), {}, t0);
  };
  const refreshBefore = await seconds(() => refreshes(1));

  let granted = { removed: 0, copies: 0 };
  const grantS = await seconds(async () => {
    granted = await opened.rights.grant(rule(0), t0);
  });
  // A whole source removed: its every text kept, as a site that has granted many requests keeps them.
  let site = { removed: 0, copies: 0 };
  const siteS = await seconds(async () => {
    site = await opened.rights.grant(
      { ...rule(0), kind: 'source', urlKey: null, sourceId: sources[SOURCES - 1]! },
      t0,
    );
  });
  // The first refresh after a grant reads the new texts' band keys into memory; the rest use them.
  const firstAfter = await seconds(() => opened.entries.saveRefresh(sources[5]!, fresh(30), {}, t0));
  const refreshAfter = await seconds(() => refreshes(11));
  const copy = entry(ENTRIES * 2, 9, `<p>Planet</p>${html(paragraphs(0))}`, 'urn:late-copy');
  const late = await opened.entries.saveRefresh(sources[9]!, [copy], {}, t0);

  const f = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  console.log(
    `${ENTRIES.toLocaleString('en')} stored entries in ${SOURCES} sources (filled in ${fillS.toFixed(1)} s), ${(bytes / 1e6).toFixed(0)} MB of fingerprints\n`,
  );
  console.log('| measure | courtesy | floor, same run | ratio |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| grant of one article's rule, sweeping every entry for copies | ${f(grantS)} (${granted.removed} removed, ${granted.copies} of them copies) | reading every fingerprint: ${f(floorS)} | ${(grantS / floorS).toFixed(2)}× |`,
  );
  console.log(
    `| grant of a whole source's rule, keeping each removed text | ${f(siteS)} (${site.removed} removed) | reading every fingerprint: ${f(floorS)} | ${(siteS / floorS).toFixed(2)}× |`,
  );
  console.log(
    `| the first refresh of ${BATCH} new entries after that grant, reading its band keys | ${f(firstAfter)} | - | - |`,
  );
  console.log(
    `| 10 refreshes of ${BATCH} new entries, ${site.removed + 1} removed texts kept | ${f(refreshAfter)} | the same, before any was kept: ${f(refreshBefore)} | ${(refreshAfter / refreshBefore).toFixed(2)}× |`,
  );
  console.log(
    `\nA later copy of the removed text, under another address and byline: ${late.suppressed === 1 ? 'kept out' : 'STORED (a failure)'}.`,
  );
  if (late.suppressed !== 1 || granted.copies !== 3) process.exitCode = 1;
} finally {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}
