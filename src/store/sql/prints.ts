import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { bodyHtml } from '../../model/entry.js';
import {
  bandKeys,
  fingerprint,
  isCopyOf,
  mostlyIn,
  packFingerprint,
  sameArticle,
  shingleHashes,
  unpackFingerprint,
  type Fingerprint,
  type HashedText,
} from '../../model/fingerprint.js';
import { htmlParagraphHashes, packedHtmlFingerprint } from '../../markup/html-fingerprint.js';
import { printColumn } from '../refresh-plan.js';
import { insertRows } from '../insert-rows.js';
import type { Database, RemovedTextsTable } from '../schema.js';
import { inChunks } from './common.js';
import { activeRules, type RemovedEntry } from './rule-rows.js';
import { urlHostKey, urlKey } from '../../model/identity.js';
import { coveringDomains, ruleMatches, suppressingRule, type SuppressionRule } from '../../model/rights.js';

/**
 * Texts a takedown removed, kept as fingerprints (model/fingerprint.ts) so that their copies stay
 * out: under another address, byline or source, wherever they arrive from. A grant keeps the
 * fingerprint of each text it removes and removes the copies already stored; a refresh and a
 * finished extraction look their texts up by band key (a few indexed queries, and none while no
 * removed text is kept). A text stays out while a rule in force covers the entry it was, whichever
 * rule removed it: revoking one rule lets its copies in only when no other rule covers the entry.
 */

/** How many stored entries a sweep for copies reads at a time. */
const SWEEP_BATCH = 5000;
/** How many other entries of a removed text's source show what its boilerplate is. */
const SIBLINGS = 20;

/**
 * A removed text as the store keeps it: its fingerprint, and what the rules know an entry by (its
 * source, address, byline and page's canonical address), so that its copies stay out as long as
 * any rule in force covers the entry it was, whichever rule removed it.
 */
export interface RemovedText extends RemovedEntry {
  textId: number;
  print: Fingerprint;
}

/**
 * The band keys of every removed text kept, in memory, as one sorted array: a refresh asks the
 * database only about the entries that share a key with some removed text (next to none), instead
 * of probing the index with 64 keys an entry. Texts are never deleted, so the keys only grow: each
 * use reads the texts' highest id and number (one indexed query) and adds the keys of the texts
 * after the last one read; when the number says a text came in below that id (two grants committed
 * out of order), it reads them all again. One index a store (by its engine's identity), so that
 * stores of different databases in one process keep theirs apart.
 */
interface BandIndex {
  lastId: number;
  texts: number;
  keys: Int32Array;
}
const bandIndexes = new WeakMap<object, BandIndex>();
const EMPTY: BandIndex = { lastId: 0, texts: 0, keys: new Int32Array(0) };

/**
 * A test of whether a print shares a band key with any removed text, brought up to date with the
 * texts the transaction sees; null while no removed text is kept.
 */
export async function removedBands(
  db: Kysely<Database>,
  owner: object,
): Promise<((print: Uint8Array | null | undefined) => boolean) | null> {
  const stats = await db
    .selectFrom('removedTexts')
    .select((eb) => [eb.fn.max('id').as('id'), eb.fn.countAll().as('n')])
    .executeTakeFirst();
  const lastId = Number(stats?.id ?? 0);
  const texts = Number(stats?.n ?? 0);
  if (texts === 0) return null;
  let index = bandIndexes.get(owner) ?? EMPTY;
  if (index.lastId !== lastId || index.texts !== texts) {
    index = await readBands(db, index.lastId <= lastId ? index : EMPTY, lastId);
    if (index.texts !== texts) index = await readBands(db, EMPTY, lastId);
    bandIndexes.set(owner, index);
  }
  const { keys } = index;
  return (packed) => {
    const print = unpackFingerprint(packed);
    return print !== null && bandKeys(print.signature).some((key) => hasKey(keys, key));
  };
}

/** The index with the band keys of the texts after its last id, up to `lastId`, added. */
async function readBands(db: Kysely<Database>, index: BandIndex, lastId: number): Promise<BandIndex> {
  const rows = await db
    .selectFrom('removedTextBands')
    .select(['band', 'textId'])
    .where('textId', '>', index.lastId)
    .where('textId', '<=', lastId)
    .execute();
  const keys = new Int32Array(index.keys.length + rows.length);
  keys.set(index.keys);
  rows.forEach((r, i) => (keys[index.keys.length + i] = Number(r.band)));
  keys.sort();
  return { lastId, texts: index.texts + new Set(rows.map((r) => Number(r.textId))).size, keys };
}

/** Binary search of a sorted array. */
function hasKey(keys: Int32Array, key: number): boolean {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = keys[mid]!;
    if (v === key) return true;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * For each print given, the removed text in force it is a copy of (and the rule that keeps it
 * out), if any: candidates by band key, containment decides, then whether a rule in force still
 * covers the entry the text was.
 */
export async function copiesOfRemoved(
  db: Kysely<Database>,
  prints: ReadonlyArray<Uint8Array | null | undefined>,
): Promise<Array<{ text: RemovedText; rule: SuppressionRule } | null>> {
  const unpacked = prints.map((p) => unpackFingerprint(p));
  const keysOf = unpacked.map((p) => (p ? bandKeys(p.signature) : []));
  const candidates = new Set<number>();
  for (const chunk of inChunks(keysOf.flat())) {
    const rows = await db
      .selectFrom('removedTextBands')
      .select('textId')
      .distinct()
      .where('band', 'in', chunk)
      .execute();
    for (const { textId } of rows) candidates.add(Number(textId));
  }
  if (candidates.size === 0) return prints.map(() => null);
  const texts = await readRemovedTexts(db, (q) => q.where('id', 'in', [...candidates]));
  const rules = await rulesInForce(db, texts);
  const inForce = texts.filter((t) => rules.has(t.textId));
  const byBand = bandIndex(inForce);
  return unpacked.map((print, i) => {
    const text = print ? copyAmong(print, keysOf[i]!, byBand) : null;
    return text ? { text, rule: rules.get(text.textId)! } : null;
  });
}

/** The removed texts a query selects (candidates go a chunk at a time when there are many). */
async function readRemovedTexts(
  db: Kysely<Database>,
  where: (
    q: SelectQueryBuilder<Database, 'removedTexts', Selectable<RemovedTextsTable>>,
  ) => SelectQueryBuilder<Database, 'removedTexts', Selectable<RemovedTextsTable>>,
): Promise<RemovedText[]> {
  const rows = await where(db.selectFrom('removedTexts').selectAll()).execute();
  return rows.flatMap((row) => {
    const print = unpackFingerprint(row.print);
    return print
      ? [
          {
            textId: Number(row.id),
            id: Number(row.entryId),
            sourceId: Number(row.sourceId),
            url: row.url,
            author: row.author,
            canonicalUrl: row.canonicalUrl,
            print,
          },
        ]
      : [];
  });
}

/** For each removed text that a rule in force still covers (by the entry it was), the first such rule. */
async function rulesInForce(
  db: Kysely<Database>,
  texts: readonly RemovedText[],
): Promise<Map<number, SuppressionRule>> {
  const rules = await activeRules(db, {
    sourceIds: texts.map((t) => t.sourceId),
    urlKeys: texts.flatMap((t) => [urlKey(t.url), urlKey(t.canonicalUrl)].filter((k) => k !== null)),
    domains: texts.flatMap((t) => [
      ...coveringDomains(urlHostKey(t.url)),
      ...coveringDomains(urlHostKey(t.canonicalUrl)),
    ]),
  });
  const out = new Map<number, SuppressionRule>();
  for (const text of texts) {
    const rule = suppressingRule(rules, text);
    if (rule) out.set(text.textId, rule);
  }
  return out;
}

/**
 * The removed texts a rule covers by the entries they were (whatever rule removed them): a rule
 * granted for an article that an earlier rule removed keeps its copies out in its turn.
 */
export async function textsCoveredBy(db: Kysely<Database>, rule: SuppressionRule): Promise<RemovedText[]> {
  const domain = rule.domain;
  const found = await readRemovedTexts(db, (q) =>
    q.where((eb) =>
      eb.or([
        ...(rule.urlKey ? [eb('urlKey', '=', rule.urlKey), eb('canonicalKey', '=', rule.urlKey)] : []),
        ...(rule.sourceId !== null ? [eb('sourceId', '=', rule.sourceId)] : []),
        ...(domain ? [eb('hostKey', '=', domain), eb('hostKey', 'like', `%.${domain}`)] : []),
        ...(domain
          ? [eb('canonicalKey', 'like', `${domain}/%`), eb('canonicalKey', 'like', `%.${domain}/%`)]
          : []),
      ]),
    ),
  );
  return found.filter((t) => ruleMatches(rule, t));
}

/** Removed texts by each of their band keys. */
function bandIndex(texts: readonly RemovedText[]): Map<number, RemovedText[]> {
  const index = new Map<number, RemovedText[]>();
  for (const text of texts) {
    for (const key of bandKeys(text.print.signature)) {
      const list = index.get(key);
      if (list) list.push(text);
      else index.set(key, [text]);
    }
  }
  return index;
}

/** The first removed text (by id) that a text with these band keys is a copy of, if any. */
function copyAmong(
  print: Fingerprint,
  keys: readonly number[],
  byBand: ReadonlyMap<number, readonly RemovedText[]>,
): RemovedText | null {
  const seen = new Set<number>();
  let best: RemovedText | null = null;
  for (const key of keys) {
    for (const text of byBand.get(key) ?? []) {
      if (seen.has(text.textId)) continue;
      seen.add(text.textId);
      if ((best === null || text.textId < best.textId) && isCopyOf(print, text.print)) best = text;
    }
  }
  return best;
}

/**
 * The fingerprints of texts about to be removed, each without its source's boilerplate: the
 * paragraphs that half or more of whose shingles the source's other texts (the others removed with
 * it, and up to SIBLINGS more of its stored entries) also carry. Read before the entries go.
 */
export async function removedPrints(
  db: Kysely<Database>,
  removed: readonly RemovedEntry[],
): Promise<Array<{ entry: RemovedEntry; print: Fingerprint }>> {
  const bodies = await bodiesOf(
    db,
    removed.map((e) => e.id),
  );
  const bySource = new Map<number, RemovedEntry[]>();
  for (const e of removed) {
    const list = bySource.get(e.sourceId);
    if (list) list.push(e);
    else bySource.set(e.sourceId, [e]);
  }
  const out: Array<{ entry: RemovedEntry; print: Fingerprint }> = [];
  for (const [sourceId, entries] of bySource) {
    const ids = new Set(entries.map((e) => e.id));
    const siblings = await db
      .selectFrom('entries')
      .select(['id', 'articleHtml', 'contentHtml', 'summaryHtml'])
      .where('sourceId', '=', sourceId)
      .orderBy('id', 'desc')
      .limit(SIBLINGS + Math.min(ids.size, SIBLINGS))
      .execute();
    const others = siblings.filter((s) => !ids.has(s.id)).slice(0, SIBLINGS);
    const texts = entries.map((e) => htmlParagraphHashes(bodies.get(e.id) ?? null));
    const sharedWithOthers = boilerplateOf([
      ...texts,
      ...others.map((s) => htmlParagraphHashes(bodyHtml(s))),
    ]);
    texts.forEach((text, i) => {
      const shared = sharedWithOthers(i);
      const print = fingerprint(text.filter((p) => !mostlyIn(p, shared)));
      if (print) out.push({ entry: entries[i]!, print });
    });
  }
  return out;
}

/** The HTML each entry's page shows as its body. */
async function bodiesOf(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, string | null>> {
  const out = new Map<number, string | null>();
  for (const chunk of inChunks(ids)) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'articleHtml', 'contentHtml', 'summaryHtml'])
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) out.set(Number(row.id), bodyHtml(row));
  }
  return out;
}

/**
 * The shingles that texts of a group other than the i-th carry, leaving out those that are the
 * same article as it (model/fingerprint.ts withoutBoilerplate, sameArticle), for each text of the
 * group in turn: each text's shingles and signature are made once, and its copies found by band
 * (two texts that each hold 0.8 of the other are similar enough to share a band all but always).
 */
function boilerplateOf(group: readonly HashedText[]): (i: number) => Set<number> {
  const shingles = group.map((text) => shingleHashes(text));
  const prints = group.map((text) => fingerprint(text));
  const counts = new Map<number, number>();
  for (const set of shingles) for (const h of set) counts.set(h, (counts.get(h) ?? 0) + 1);
  const byBand = new Map<number, number[]>();
  prints.forEach((print, k) => {
    if (!print) return;
    for (const key of bandKeys(print.signature)) {
      const list = byBand.get(key);
      if (list) list.push(k);
      else byBand.set(key, [k]);
    }
  });
  return (i) => {
    const own = prints[i];
    const same = new Set<number>([i]);
    if (own)
      for (const key of bandKeys(own.signature))
        for (const k of byBand.get(key) ?? [])
          if (!same.has(k) && sameArticle(shingles[i]!, shingles[k]!)) same.add(k);
    const shared = new Set<number>();
    for (const h of shingles[i]!) {
      let elsewhere = counts.get(h)!;
      for (const k of same) if (shingles[k]!.has(h)) elsewhere--;
      if (elsewhere > 0) shared.add(h);
    }
    return shared;
  };
}

/** Keeps removed texts' fingerprints (first removed under `ruleId`), with their band keys. */
export async function keepRemovedTexts(
  trx: Kysely<Database>,
  ruleId: number,
  prints: ReadonlyArray<{ entry: RemovedEntry; print: Fingerprint }>,
): Promise<void> {
  // A few multi-row inserts, not two statements a text: a whole site's removal keeps thousands.
  for (let i = 0; i < prints.length; i += TEXT_BATCH) {
    const batch = prints.slice(i, i + TEXT_BATCH);
    const ids = await insertRows<Database, { id: number | string; entryId: number | string }>(
      trx,
      'removed_texts',
      TEXT_COLUMNS,
      batch.map(({ entry, print }) => [
        ruleId,
        entry.id,
        entry.sourceId,
        entry.url,
        entry.author,
        entry.canonicalUrl,
        urlKey(entry.url),
        urlHostKey(entry.url),
        urlKey(entry.canonicalUrl),
        printColumn(packFingerprint(print)),
      ]),
      'returning "id", "entry_id" as "entryId"',
    );
    const idOf = new Map(ids.map((r) => [Number(r.entryId), Number(r.id)]));
    const bands = batch.flatMap(({ entry, print }) =>
      [...new Set(bandKeys(print.signature))].map((band) => [band, idOf.get(entry.id)!]),
    );
    for (let k = 0; k < bands.length; k += BAND_BATCH)
      await insertRows<Database>(
        trx,
        'removed_text_bands',
        ['band', 'text_id'],
        bands.slice(k, k + BAND_BATCH),
      );
  }
}

/** Removed texts a multi-row insert (10 columns), and band keys (2 columns): well within every engine's limits. */
const TEXT_BATCH = 100;
const BAND_BATCH = 1000;
const TEXT_COLUMNS = [
  'rule_id',
  'entry_id',
  'source_id',
  'url',
  'author',
  'canonical_url',
  'url_key',
  'host_key',
  'canonical_key',
  'print',
];

/**
 * The stored entries, other than those given, whose text is a copy of one of these fingerprints:
 * every stored entry's fingerprint read a batch at a time, its band keys looked up in memory.
 */
export async function storedCopies(
  db: Kysely<Database>,
  prints: ReadonlyArray<{ entry: RemovedEntry; print: Fingerprint }>,
  except: ReadonlySet<number>,
): Promise<RemovedEntry[]> {
  if (prints.length === 0) return [];
  const byBand = bandIndex(prints.map(({ entry, print }, i) => ({ ...entry, textId: i, print })));
  const copies: RemovedEntry[] = [];
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'sourceId', 'url', 'author', 'canonicalUrl', 'print'])
      .where('id', '>', after)
      .where('print', 'is not', null)
      .orderBy('id')
      .limit(SWEEP_BATCH)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const id = Number(row.id);
      if (except.has(id)) continue;
      const print = unpackFingerprint(row.print);
      if (print && copyAmong(print, bandKeys(print.signature), byBand))
        copies.push({
          id,
          sourceId: Number(row.sourceId),
          url: row.url,
          author: row.author,
          canonicalUrl: row.canonicalUrl,
        });
    }
    after = Number(rows[rows.length - 1]!.id);
  }
  return copies;
}

/** How many entries a pass of fillPrints reads at a time. */
const FILL_BATCH = 2000;

/**
 * Gives every stored entry the fingerprint of its body's text (a migration's work, once): the
 * entries stored before fingerprints were kept.
 */
export async function fillPrints(db: Kysely<unknown>): Promise<number> {
  let filled = 0;
  for (let after = 0; ;) {
    const rows = await sql<{
      id: number | string;
      articleHtml: string | null;
      contentHtml: string | null;
      summaryHtml: string | null;
    }>`
      SELECT id, article_html AS "articleHtml", content_html AS "contentHtml", summary_html AS "summaryHtml"
      FROM entries WHERE id > ${after} ORDER BY id LIMIT ${FILL_BATCH}`.execute(db);
    if (rows.rows.length === 0) break;
    for (const row of rows.rows) {
      const print = printColumn(packedHtmlFingerprint(bodyHtml(row)));
      if (!print) continue;
      await sql`UPDATE entries SET print = ${print} WHERE id = ${row.id}`.execute(db);
      filled++;
    }
    after = Number(rows.rows[rows.rows.length - 1]!.id);
  }
  return filled;
}
