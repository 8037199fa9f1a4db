import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { unpackFingerprint } from '../../model/fingerprint.js';
import {
  describeMatch,
  STORY_WINDOW_MS,
  storyKeys,
  storyMatch,
  type StoryCandidate,
  type StoryMatch,
} from '../../model/story.js';
import { entryTag, type PageTag } from '../../model/page-tags.js';
import type { Database } from '../schema.js';
import { inChunks } from './common.js';
import { insertRows } from '../insert-rows.js';

/**
 * Stories in the store (model/story.ts). An entry's `story` is the id of the entry its story began
 * with (that one's own included), null while it is alone. A new entry is compared with the entries
 * stored in the last STORY_DAYS that share one of its band keys (story_bands, a week's texts
 * whatever the site holds) or its address, at most MAX_COMPARED of them: its cost does not grow
 * with the site. Which copy a listing shows is decided when it is read (storyLead): the earliest
 * one on the pages, so that hiding or removing one copy shows the next with nothing rewritten.
 */

/** An entry just stored (or whose text just changed), as the folding needs it. */
export interface Arrival {
  id: number;
  sourceId: number;
  print: Uint8Array | null;
  urlKey: string | null;
}

/** At most this many stored entries a new one is compared with: those that share the most band keys. */
export const MAX_COMPARED = 32;

interface Stored extends StoryCandidate {
  id: number;
  story: number | null;
  /** Split off by an operator: never folded again. */
  apart: boolean;
}

/**
 * Folds entries just stored into the stories of the recent ones they copy, indexes their band keys,
 * and lets the index forget what is older than the window. Returns the article pages that now
 * show another copy (the stories' other entries).
 */
export async function foldArrivals(
  db: Kysely<Database>,
  arrivals: readonly Arrival[],
  now: number,
  options: { compare?: boolean; hold?: (db: Kysely<Database>) => Promise<void> } = {},
): Promise<PageTag[]> {
  const since = now - STORY_WINDOW_MS;
  await db.deleteFrom('storyBands').where('at', '<', since).execute();
  const own = arrivals.map((a) => {
    const print = unpackFingerprint(a.print);
    return { ...a, print, keys: print ? storyKeys(print) : [] };
  });
  if (own.every((a) => a.keys.length === 0 && a.urlKey === null)) return [];
  if (options.compare === false) {
    await indexKeys(db, own, now);
    return [];
  }
  // Another transaction's copies, stored at the same moment, are seen once it has ended.
  await options.hold?.(db);
  const shared = await sharedKeys(
    db,
    own.flatMap((a) => a.keys),
    since,
  );
  const byAddress = await sameAddress(
    db,
    own.flatMap((a) => a.urlKey ?? []),
  );
  const candidateIds = new Set<number>([...shared.values()].flat());
  for (const ids of byAddress.values()) for (const id of ids) candidateIds.add(id);
  const stored = await storedEntries(db, [...candidateIds]);
  const touched: PageTag[] = [];
  const mine = new Set(arrivals.map((a) => a.id));
  // The band keys of the arrivals compared so far: a copy may come in the same batch as its original.
  const local = new Map<number, number[]>();
  for (const arrival of own) {
    const counts = new Map<number, number>();
    for (const key of arrival.keys) {
      for (const id of shared.get(key) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const id of local.get(key) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of byAddress.get(arrival.urlKey ?? '') ?? []) counts.set(id, Infinity);
    const ranked = [...counts]
      .filter(([id]) => id !== arrival.id && (!mine.has(id) || id < arrival.id))
      .sort(([a, x], [b, y]) => y - x || a - b)
      .slice(0, MAX_COMPARED);
    const found = bestMatch(
      arrival,
      ranked.flatMap(([id]) => stored.get(id) ?? []),
    );
    const self: Stored = { ...arrival, story: null, apart: false };
    if (found) {
      const { match, with: other } = found;
      const story = other.story ?? other.id;
      if (other.story === null) {
        await db.updateTable('entries').set({ story }).where('id', '=', other.id).execute();
        other.story = story;
      }
      await db
        .updateTable('entries')
        .set({ story, storyNote: `${describeMatch(match)} with entry ${other.id}` })
        .where('id', '=', arrival.id)
        .execute();
      self.story = story;
      touched.push(...(await storyPages(db, story)));
    }
    // Later arrivals of the same batch may be copies of this one.
    stored.set(arrival.id, self);
    for (const key of arrival.keys) local.set(key, [...(local.get(key) ?? []), arrival.id]);
  }
  await indexKeys(db, own, now);
  return touched;
}

/** Keeps the arrivals' band keys, for the entries to come. */
async function indexKeys(
  db: Kysely<Database>,
  arrivals: ReadonlyArray<{ id: number; keys: readonly number[] }>,
  now: number,
): Promise<void> {
  const rows = arrivals.flatMap((a) => a.keys.map((key) => [key, a.id, now]));
  // 3 columns a row: 300 rows stay far below every engine's parameter limit.
  for (let i = 0; i < rows.length; i += 300)
    await insertRows<Database>(
      db,
      'story_bands',
      BAND_COLUMNS,
      rows.slice(i, i + 300),
      'on conflict do nothing',
    );
}

const BAND_COLUMNS = ['key', 'entry_id', 'at'];

/**
 * Folds an entry whose text just changed (its article was extracted from the page): its band keys
 * are made anew, and, while it is alone (and not split off), it is compared again.
 */
export async function refold(
  db: Kysely<Database>,
  arrival: Arrival,
  now: number,
  hold?: (db: Kysely<Database>) => Promise<void>,
): Promise<PageTag[]> {
  const row = await db
    .selectFrom('entries')
    .select(['story', 'storyNote'])
    .where('id', '=', arrival.id)
    .executeTakeFirst();
  if (!row) return [];
  await db.deleteFrom('storyBands').where('entryId', '=', arrival.id).execute();
  const alone = row.story === null && row.storyNote === null;
  return foldArrivals(db, [alone ? arrival : { ...arrival, urlKey: null }], now, { compare: alone, hold });
}

/** The best of the candidates an arrival matches: the same address first, then the most text in common. */
function bestMatch(
  arrival: StoryCandidate,
  candidates: readonly Stored[],
): { match: StoryMatch; with: Stored } | null {
  let best: { match: StoryMatch; with: Stored } | null = null;
  for (const candidate of candidates) {
    if (candidate.apart) continue;
    const match = storyMatch(candidate, arrival);
    if (!match) continue;
    if (match.kind === 'address') return { match, with: candidate };
    if (
      !best ||
      (best.match.kind === 'text' && match.kind === 'text' && match.contained > best.match.contained)
    )
      best = { match, with: candidate };
  }
  return best;
}

/** The recent entries that hold each of these band keys. */
async function sharedKeys(
  db: Kysely<Database>,
  keys: readonly number[],
  since: number,
): Promise<Map<number, number[]>> {
  const found = new Map<number, number[]>();
  for (const chunk of inChunks(keys)) {
    const rows = await db
      .selectFrom('storyBands')
      .select(['key', 'entryId'])
      .where('key', 'in', chunk)
      .where('at', '>=', since)
      .execute();
    for (const { key, entryId } of rows) {
      const ids = found.get(key) ?? [];
      ids.push(Number(entryId));
      found.set(key, ids);
    }
  }
  return found;
}

/** The stored entries at each of these addresses (a handful at most: one per source that carries it). */
async function sameAddress(db: Kysely<Database>, urlKeys: readonly string[]): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  for (const chunk of inChunks(urlKeys)) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'urlKey'])
      .where('urlKey', 'in', chunk)
      .execute();
    for (const { id, urlKey } of rows) {
      if (urlKey === null) continue;
      const ids = found.get(urlKey) ?? [];
      ids.push(Number(id));
      found.set(urlKey, ids);
    }
  }
  return found;
}

/** The stored entries the arrivals may be copies of, as the folding compares them. */
async function storedEntries(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, Stored>> {
  const found = new Map<number, Stored>();
  for (const chunk of inChunks(ids)) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'sourceId', 'print', 'urlKey', 'story', 'storyNote'])
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows)
      found.set(Number(row.id), {
        id: Number(row.id),
        sourceId: Number(row.sourceId),
        print: unpackFingerprint(row.print),
        urlKey: row.urlKey,
        story: row.story === null ? null : Number(row.story),
        apart: row.story === null && row.storyNote !== null,
      });
  }
  return found;
}

/** The article pages of a story's entries: each names the others. */
export async function storyPages(db: Kysely<Database>, story: number): Promise<PageTag[]> {
  const rows = await db.selectFrom('entries').select('id').where('story', '=', story).execute();
  return rows.map((r) => entryTag(Number(r.id)));
}

/**
 * Whether the entry (of the table or alias given) is the copy its story shows on listings: alone,
 * or no copy on the pages comes before it (earlier, or as early with a smaller id).
 */
export function storyLead(table: 'entries' | 'e'): RawBuilder<SqlBool> {
  const ref = (column: string) => sql.ref(`${table}.${column}`);
  return sql<SqlBool>`(${ref('story')} IS NULL OR NOT EXISTS (
    SELECT 1 FROM entries AS earlier
    WHERE earlier.story = ${ref('story')} AND earlier.withheld IS NULL
      AND (earlier.sort_at < ${ref('sort_at')} OR (earlier.sort_at = ${ref('sort_at')} AND earlier.id < ${ref('id')}))))`;
}

/**
 * Of these entries, the ones whose text is plainly another publisher's: in a story where a copy of
 * another source, at another address, says it was published before them (both copies give their
 * dates, and its is earlier). When the dates do not say so, the text counts as the removed
 * entry's: a takedown of it removes its copies, as the takedown promise asks.
 */
export async function borrowedTexts(db: Kysely<Database>, ids: readonly number[]): Promise<Set<number>> {
  const borrowed = new Set<number>();
  for (const chunk of inChunks(ids)) {
    const rows = await db
      .selectFrom('entries as e')
      .select('e.id')
      .where('e.id', 'in', chunk)
      .where('e.story', 'is not', null)
      .where('e.publishedAt', 'is not', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('entries as earlier')
            .select('earlier.id')
            .whereRef('earlier.story', '=', 'e.story')
            .whereRef('earlier.sourceId', '<>', 'e.sourceId')
            .whereRef('earlier.publishedAt', '<', 'e.publishedAt')
            // The same page through two feeds: its text is that page's, whichever feed came first.
            .where(
              sql<SqlBool>`(earlier.url_key IS NULL OR e.url_key IS NULL OR earlier.url_key <> e.url_key)`,
            ),
        ),
      )
      .execute();
    for (const row of rows) borrowed.add(Number(row.id));
  }
  return borrowed;
}

/** Folds the entries stored in the last STORY_DAYS, oldest first (a migration's work, once). */
export async function foldRecent(db: Kysely<unknown>, now: number): Promise<number> {
  const store = db as Kysely<Database>;
  let after = 0;
  let folded = 0;
  for (;;) {
    const rows = await store
      .selectFrom('entries')
      .select(['id', 'sourceId', 'print', 'urlKey'])
      .where('createdAt', '>=', now - STORY_WINDOW_MS)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) return folded;
    const arrivals = rows.map((r) => ({
      id: Number(r.id),
      sourceId: Number(r.sourceId),
      print: r.print,
      urlKey: r.urlKey,
    }));
    folded += (await foldArrivals(store, arrivals, now)).length;
    after = arrivals[arrivals.length - 1]!.id;
  }
}
