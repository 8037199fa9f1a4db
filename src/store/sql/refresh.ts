import type { Kysely, Transaction } from 'kysely';
import type { EntryInput } from '../../model/entry.js';
import type { Facet } from '../../model/facets.js';
import { compileIntake } from '../../model/intake.js';
import type { PageTag } from '../../model/page-tags.js';
import { urlHostKey, urlKey } from '../../model/identity.js';
import { coveringDomains, type SuppressionRule } from '../../model/rights.js';
import { feedHost, type FetchRecord } from '../../model/source.js';
import { unpackEntries, type EntriesInput } from '../../model/entry-batch.js';
import {
  entryColumns,
  hashGuid,
  planRefresh,
  type EntryUpdate,
  type KnownEntries,
  type KnownEntry,
  type NewEntry,
  type NewEntryRow,
  type KeptOut,
  type RefreshFacts,
  printColumn,
} from '../refresh-plan.js';
import { queueMedia } from './media.js';
import { insertRows } from '../insert-rows.js';
import type { Database } from '../schema.js';
import type { SaveResult, SourcePatch } from '../store.js';
import {
  INSERT_BATCH,
  asFilterKind,
  changesPresentation,
  inChunks,
  readIntake,
  recordPageChange,
  tagsOfEntries,
  updateSource,
} from './common.js';
import type { SqlEngine } from './engine.js';
import { recordFetch } from './fetches.js';
import { activeRules } from './rule-rows.js';
import { copiesOfRemoved, removedBands } from './prints.js';
import { foldNew } from './stories.js';
import { packedHtmlFingerprint } from '../../markup/html-fingerprint.js';

/**
 * A refresh in one transaction: reads what its decisions depend on, lets planRefresh decide, and
 * writes the plan. A poll's refresh comes with its fetch, which ends the poller's claim; a push's
 * comes without.
 */
export function saveRefresh(
  db: Kysely<Database>,
  engine: SqlEngine,
  sourceId: number,
  given: EntriesInput,
  patch: SourcePatch,
  now: Date,
  fetch?: Omit<FetchRecord, 'inserted' | 'updated'>,
): Promise<SaveResult> {
  const entries = withPrints(unpackEntries(given));
  return db.transaction().execute(async (trx) => {
    // No rule may be granted between reading the rules and storing what they let through.
    await engine.holdRules(trx);
    const plan = planRefresh(await readFacts(trx, engine, sourceId, entries, patch, now));
    const touched: PageTag[] = [...plan.touched];
    await writeUpdates(trx, engine, sourceId, plan.update, touched);
    // The article pages of the stories the new entries joined name them from now on.
    const mates = await writeInserts(trx, engine, sourceId, plan.insert, now);
    await recordPageChange(trx, touched, now);
    await recordPageChange(trx, [...plan.added, ...mates], now, { additions: true });
    await recordKeptOut(trx, sourceId, plan.keptOut, now);
    await updateSource(trx, sourceId, patch, { releaseClaim: fetch !== undefined });
    const { counts } = plan;
    if (fetch)
      await recordFetch(trx, sourceId, { ...fetch, inserted: counts.inserted, updated: counts.updated });
    return counts;
  });
}

/** Everything planRefresh needs, read in the refresh's transaction, in a few indexed queries. */
async function readFacts(
  trx: Transaction<Database>,
  engine: SqlEngine,
  sourceId: number,
  entries: readonly EntryInput[],
  patch: SourcePatch,
  now: Date,
): Promise<RefreshFacts> {
  const rules = await rulesFor(trx, sourceId, entries);
  const guidHashes = entries.map((e) => hashGuid(e.guid));
  const known = await knownEntries(trx, sourceId, entries, guidHashes);
  // An entry stored as it is now was checked when it came, and any later grant swept it: only new
  // and changed texts are looked up (most of a poll's entries are neither).
  const unchanged = (e: EntryInput, i: number) =>
    known.byGuid.get(guidHashes[i]!)?.contentHash === e.contentHash ||
    (e.url !== null && known.byUrl.get(e.url)?.contentHash === e.contentHash);
  const copies = await removedCopies(trx, engine, entries, unchanged);
  // A new name, link or policy from the feed changes every page that shows the source's entries,
  // unless none showed yet (its first poll).
  const presentation = (await changesPresentation(trx, sourceId, patch))
    ? (await trx
        .selectFrom('entries')
        .select('id')
        .where('sourceId', '=', sourceId)
        .limit(1)
        .executeTakeFirst())
      ? 'changed'
      : 'first'
    : 'same';
  const source = await trx
    .selectFrom('sources')
    .select(['fullText', 'holdNew', 'intake'])
    .where('id', '=', sourceId)
    .executeTakeFirst();
  const intake = source?.intake ? compileIntake(readIntake(source.intake)) : null;
  return {
    sourceId,
    entries,
    guidHashes,
    known,
    rules,
    copies,
    fullText: Boolean(source?.fullText),
    holdNew: Boolean(source?.holdNew),
    intake,
    presentation,
    now,
  };
}

/** Rewrites stored entries; the pages each showed on before the change join `touched`. */
async function writeUpdates(
  trx: Transaction<Database>,
  engine: SqlEngine,
  sourceId: number,
  updates: readonly EntryUpdate[],
  touched: PageTag[],
): Promise<void> {
  for (const { id, entry, guidHash, facets, withheld, filter } of updates) {
    if (!withheld) touched.push(...(await tagsOfEntries(trx, [{ id, sourceId }])));
    const row = await trx
      .updateTable('entries')
      .set((eb) => ({
        ...entryColumns(entry),
        // An extracted article is what the page shows: its fingerprint stays.
        print: eb
          .case()
          .when('articleHtml', 'is', null)
          .then(printColumn(entry.print))
          .else(eb.ref('print'))
          .end(),
        guid: entry.guid,
        guidHash,
        // The keyword rules keep the rewrite out, or let it back in.
        ...(filter === undefined
          ? {}
          : filter === null
            ? { withheld: null, filtered: null, filterNote: null }
            : { withheld: 'hidden', filtered: filter.kind, filterNote: filter.why }),
      }))
      .where('id', '=', id)
      .returning(['sortAt', 'articleHtml'])
      .executeTakeFirstOrThrow();
    const shown = filter === undefined ? !withheld : filter === null;
    if (!shown) {
      // Leaving the pages: its facet rows and search row go (a withheld entry has none).
      if (!withheld) {
        await trx.deleteFrom('entryFacets').where('entryId', '=', id).execute();
        await engine.fullText.remove(trx, id);
      }
      continue;
    }
    await trx.deleteFrom('entryFacets').where('entryId', '=', id).execute();
    await insertFacets(trx, [{ id, sortAt: row.sortAt, facets }]);
    // An entry whose article was extracted is searched by the article, whatever the feed says: the
    // feed's own search text is left out, and the index reads the article.
    const indexed = {
      ...entry,
      id,
      sourceId,
      sortAt: row.sortAt,
      articleHtml: row.articleHtml,
      searchText: row.articleHtml ? undefined : entry.searchText,
    };
    if (!withheld) {
      await engine.fullText.replace(trx, indexed);
      continue;
    }
    // Back on the pages (the keyword rules let its rewrite in): it had no search row.
    await engine.fullText.add(trx, [indexed]);
    touched.push(...(await tagsOfEntries(trx, [{ id, sourceId }])));
  }
}

/**
 * New entries go in a few multi-row inserts (one statement per batch, not per entry), with their
 * facets, search text and full-text tasks, and are folded into the stories they copy. Returns the
 * article pages of those stories.
 */
async function writeInserts(
  trx: Transaction<Database>,
  engine: SqlEngine,
  sourceId: number,
  fresh: readonly NewEntry[],
  now: Date,
): Promise<PageTag[]> {
  const mates: PageTag[] = [];
  for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
    const batch = fresh.slice(i, i + INSERT_BATCH);
    const ids = await insertRows<Database, { id: number; guidHash: string }>(
      trx,
      'entries',
      ENTRY_COLUMN_NAMES,
      batch.map(({ row }) => ENTRY_COLUMNS.map(([field]) => row[field] ?? null)),
      'returning "id", "guid_hash"',
    );
    const idOf = new Map(ids.map((r) => [r.guidHash, r.id]));
    const id = (row: NewEntryRow): number => idOf.get(row.guidHash)!;
    // Held entries are on no page until published, which writes their facets and search row.
    const shown = batch.filter(({ row }) => !row.withheld);
    await insertFacets(
      trx,
      shown.map(({ row, facets }) => ({ id: id(row), sortAt: row.sortAt, facets })),
    );
    await engine.fullText.add(
      trx,
      shown.map(({ row, searchText }) => ({ ...row, id: id(row), searchText })),
    );
    const arrivals = batch.map(({ row }) => ({
      id: id(row),
      sourceId,
      sortAt: row.sortAt,
      print: row.print ?? null,
      urlKey: row.urlKey ?? null,
    }));
    mates.push(...(await foldNew(trx, engine, arrivals, now.getTime())));
    // Lead images are fetched for every entry the intake rules let in (a held one may be published),
    // and the pictures of the text for a source whose text the site shows whole.
    const wholeText = (await sourcePolicy(trx, sourceId)) === 'full';
    await queueMedia(
      trx,
      batch.flatMap(({ row, input }) => {
        if (row.filtered) return [];
        const lead = input.imageUrl ? [{ entryId: id(row), url: input.imageUrl, role: 'lead' as const }] : [];
        const text = wholeText
          ? (input.pictureUrls ?? []).map((url) => ({ entryId: id(row), url, role: 'inline' as const }))
          : [];
        return [...lead, ...text];
      }),
      now,
    );
    const pages = batch.filter((e) => e.extract);
    if (pages.length === 0) continue;
    await trx
      .insertInto('extractions')
      .values(
        pages.map(({ row }) => ({
          entryId: id(row),
          sourceId,
          state: 'pending',
          attempts: 0,
          nextAt: now.getTime(),
          note: null,
          updatedAt: now.getTime(),
          pageHost: feedHost(row.url!),
          claimedUntil: null,
        })),
      )
      .execute();
  }
  return mates;
}

/** A source's rights policy, as stored. */
async function sourcePolicy(trx: Transaction<Database>, sourceId: number): Promise<string | null> {
  const row = await trx.selectFrom('sources').select('policy').where('id', '=', sourceId).executeTakeFirst();
  return row?.policy ?? null;
}

/** The stored entries of a source that a refresh may match, by guid hash and by URL, in a few queries. */
async function knownEntries(
  trx: Transaction<Database>,
  sourceId: number,
  entries: readonly EntryInput[],
  guidHashes: readonly string[],
): Promise<KnownEntries> {
  const byGuid = new Map<string, KnownEntry>();
  const byUrl = new Map<string, KnownEntry>();
  for (const chunk of inChunks(guidHashes)) {
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'contentHash', 'guidHash', 'withheld', 'filtered'])
      .where('sourceId', '=', sourceId)
      .where('guidHash', 'in', chunk)
      .execute();
    for (const { id, contentHash, guidHash, withheld, filtered } of rows)
      byGuid.set(guidHash, {
        id,
        contentHash,
        withheld: withheld !== null,
        filtered: asFilterKind(filtered),
      });
  }
  for (const chunk of inChunks(entries.flatMap((e) => (e.url ? [e.url] : [])))) {
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'contentHash', 'url', 'withheld', 'filtered'])
      .where('sourceId', '=', sourceId)
      .where('url', 'in', chunk)
      .orderBy('id')
      .execute();
    for (const { id, contentHash, url, withheld, filtered } of rows)
      if (url !== null && !byUrl.has(url))
        byUrl.set(url, { id, contentHash, withheld: withheld !== null, filtered: asFilterKind(filtered) });
  }
  return { byGuid, byUrl };
}

/**
 * Notes what the rules kept out of a refresh, once an entry: the rules list says how many articles
 * each has kept out since it was granted, however often their feeds bring them again.
 */
async function recordKeptOut(
  trx: Transaction<Database>,
  sourceId: number,
  keptOut: readonly KeptOut[],
  now: Date,
): Promise<void> {
  const rows = keptOut.map((k) => [k.ruleId, sourceId, k.guidHash, now.getTime()]);
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await insertRows<Database>(
      trx,
      'kept_out',
      KEPT_OUT_COLUMNS,
      rows.slice(i, i + INSERT_BATCH),
      'on conflict do nothing',
    );
  }
}

const KEPT_OUT_COLUMNS = ['rule_id', 'source_id', 'guid_hash', 'at'];

/** Entries given without their text's fingerprint (by a caller other than a feed thread) get one here. */
function withPrints(entries: readonly EntryInput[]): readonly EntryInput[] {
  if (entries.every((e) => e.print !== undefined)) return entries;
  return entries.map((e) =>
    e.print !== undefined ? e : { ...e, print: packedHtmlFingerprint(e.contentHtml ?? e.summaryHtml) },
  );
}

/**
 * The entries (by position) whose text is a copy of one a takedown removed: one query while no
 * removed text is kept; then only the new and changed entries that share a band key with some
 * removed text (the keys kept in memory, sql/prints.ts removedBands) are looked up.
 */
async function removedCopies(
  trx: Transaction<Database>,
  engine: SqlEngine,
  entries: readonly EntryInput[],
  unchanged: (entry: EntryInput, i: number) => boolean,
): Promise<Map<number, number>> {
  const copies = new Map<number, number>();
  const sharesBand = await removedBands(trx, engine);
  if (!sharesBand) return copies;
  const prints = entries.map((e, i) => (!unchanged(e, i) && sharesBand(e.print) ? e.print : null));
  if (prints.every((p) => p === null)) return copies;
  const found = await copiesOfRemoved(trx, prints);
  found.forEach((copy, i) => {
    if (copy) copies.set(i, copy.rule.id);
  });
  return copies;
}

/** The active rules that could cover any of these entries: on the source, their addresses, or their hosts' domains. */
function rulesFor(
  db: Kysely<Database>,
  sourceId: number,
  entries: readonly EntryInput[],
): Promise<SuppressionRule[]> {
  return activeRules(db, {
    sourceIds: [sourceId],
    urlKeys: entries.flatMap((e) => urlKey(e.url) ?? []),
    domains: entries.flatMap((e) => coveringDomains(urlHostKey(e.url))),
  });
}

/** Writes the authors and tags of entries that have their ids, in multi-row inserts. */
export async function insertFacets(
  db: Kysely<Database>,
  entries: ReadonlyArray<{ id: number; sortAt: number; facets: readonly Facet[] }>,
): Promise<void> {
  const rows = entries.flatMap((e) => e.facets.map((f) => [e.id, f.kind, f.key, f.label, e.sortAt]));
  // 5 columns a row: 150 rows stay far below every engine's parameter limit.
  for (let i = 0; i < rows.length; i += 150) {
    await insertRows(db, 'entry_facets', FACET_COLUMNS, rows.slice(i, i + 150), 'on conflict do nothing');
  }
}

const FACET_COLUMNS = ['entry_id', 'kind', 'key', 'label', 'sort_at'];

/** The columns a new entry is inserted with (the rest is the id), as the row names them and as the table does. */
const ENTRY_COLUMNS: ReadonlyArray<readonly [keyof NewEntryRow, string]> = [
  ['sourceId', 'source_id'],
  ['guid', 'guid'],
  ['guidHash', 'guid_hash'],
  ['url', 'url'],
  ['title', 'title'],
  ['author', 'author'],
  ['publishedAt', 'published_at'],
  ['updatedAt', 'updated_at'],
  ['createdAt', 'created_at'],
  ['sortAt', 'sort_at'],
  ['summaryHtml', 'summary_html'],
  ['contentHtml', 'content_html'],
  ['articleHtml', 'article_html'],
  ['categories', 'categories'],
  ['enclosures', 'enclosures'],
  ['contentHash', 'content_hash'],
  ['urlKey', 'url_key'],
  ['hostKey', 'host_key'],
  ['print', 'print'],
  ['withheld', 'withheld'],
  ['filtered', 'filtered'],
  ['filterNote', 'filter_note'],
];
const ENTRY_COLUMN_NAMES = ENTRY_COLUMNS.map(([, column]) => column);
