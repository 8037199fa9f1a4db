import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { unpackFingerprint, type Fingerprint } from '../../model/fingerprint.js';
import {
  describeMatch,
  STORY_WINDOW_MS,
  storyMatch,
  type StoryCandidate,
  type StoryMatch,
} from '../../model/story.js';
import { entryTag, type PageTag } from '../../model/page-tags.js';
import type { Database } from '../schema.js';
import { inChunks } from './common.js';
import type { SqlEngine } from './engine.js';
import { addressKey, keysOf, StoryMemory, storyMemory } from './story-memory.js';

/**
 * Stories in the store (model/story.ts). An entry's `story` is the id of the entry its story began
 * with (that one's own included), null while it is alone. A new entry is compared with the entries
 * of the last STORY_DAYS that share two of its band keys or its address (found in memory,
 * story-memory.ts), at most MAX_COMPARED of them, those that share the most: its cost does not
 * grow with the site. Which copy a listing shows is decided when it is read (storyLead): the
 * earliest one on the pages, so that hiding or removing one copy shows the next with nothing
 * rewritten.
 */

/** An entry just stored (or whose text just changed), as the folding needs it. */
export interface Arrival {
  id: number;
  sourceId: number;
  /** When it was published (or first seen): only an entry of the last STORY_DAYS is compared. */
  sortAt: number;
  print: Uint8Array | null;
  urlKey: string | null;
}

/** At most this many stored entries a new one is compared with: those that share the most keys. */
export const MAX_COMPARED = 32;

interface Stored extends StoryCandidate {
  id: number;
  story: number | null;
  /** Split off by an operator: never folded again. */
  apart: boolean;
}

/** How a fold finds and keeps the recent entries' keys. */
export interface FoldOptions {
  /** The memory to use (memoryFor, or StoryMemory.empty for a migration). */
  memory: StoryMemory;
  /** Index the arrivals without comparing them (an entry already in a story, or split off). */
  compare?: boolean;
}

/**
 * Folds entries just stored into the stories of the recent ones they copy, and keeps their keys for
 * the entries to come. Returns the article pages that now show another copy (the stories' entries).
 */
export async function foldArrivals(
  db: Kysely<Database>,
  arrivals: readonly Arrival[],
  now: number,
  options: FoldOptions,
): Promise<PageTag[]> {
  const { memory } = options;
  const own = recent(arrivals, now).map((a) =>
    Object.assign(candidate(a, a.print), { keys: keysOf(a.print, a.urlKey) }),
  );
  const touched: PageTag[] = [];
  if (options.compare === false) {
    for (const a of own) memory.add(a.id, a.keys);
    return touched;
  }
  const mine = new Set(arrivals.map((a) => a.id));
  // The stored entries that share the most keys with each arrival, read in one query.
  const fromStore = own.map((arrival) =>
    top(withAddress(memory.sharing(arrival.keys), arrival, memory), (id) => !mine.has(id)),
  );
  const stored = await storedEntries(db, fromStore.flat());
  // The arrivals compared so far, by their keys: a copy may come in the same batch as its original.
  const local = new KeyCounts();
  for (const [i, arrival] of own.entries()) {
    const mates = top(withAddress(local.sharing(arrival.keys), arrival, local), () => true);
    const candidates = [...mates, ...fromStore[i]!].flatMap((id) => stored.get(id) ?? []);
    const found = bestMatch(arrival, candidates);
    const self: Stored = arrival;
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
      await bridge(db, self, story, candidates, stored);
      touched.push(...(await storyPages(db, story)));
    }
    stored.set(arrival.id, self);
    local.add(arrival.id, arrival.keys);
    memory.add(arrival.id, arrival.keys);
  }
  return touched;
}

/**
 * Folds a refresh's new entries, through the engine's memory: nothing to do, not even a look at the
 * memory, when none of them is recent.
 */
export async function foldNew(
  db: Kysely<Database>,
  engine: Pick<SqlEngine, 'holdStories' | 'storyCatchUp'>,
  arrivals: readonly Arrival[],
  now: number,
): Promise<PageTag[]> {
  if (recent(arrivals, now).length === 0) return [];
  const memory = await memoryFor(
    db,
    engine,
    arrivals.map((a) => a.id),
    now,
  );
  return foldArrivals(db, arrivals, now, { memory });
}

/** The arrivals of the last STORY_DAYS: an old article a feed brings late (a first poll's backlog) is compared with nothing. */
function recent(arrivals: readonly Arrival[], now: number): Arrival[] {
  return arrivals.filter((a) => a.sortAt >= now - STORY_WINDOW_MS);
}

/**
 * The memory of the engine's recent entries, caught up under the engine's hold: a fold waits for
 * every fold before it to end, and then sees what it stored.
 */
async function memoryFor(
  db: Kysely<Database>,
  engine: Pick<SqlEngine, 'holdStories' | 'storyCatchUp'>,
  arrivals: readonly number[],
  now: number,
): Promise<StoryMemory> {
  await engine.holdStories(db);
  return storyMemory(engine, db, now, engine.storyCatchUp, arrivals);
}

/**
 * Folds an entry whose text just changed (its article was extracted from the page): it is indexed
 * by its new keys, and, while it is alone (and not split off), compared again.
 */
export async function refold(
  db: Kysely<Database>,
  arrival: Arrival,
  now: number,
  engine: Pick<SqlEngine, 'holdStories' | 'storyCatchUp'>,
): Promise<PageTag[]> {
  const row = await db
    .selectFrom('entries')
    .select(['story', 'storyNote'])
    .where('id', '=', arrival.id)
    .executeTakeFirst();
  if (!row) return [];
  const memory = await memoryFor(db, engine, [arrival.id], now);
  // Its old keys stay in memory until the next load: they can only bring a candidate that the
  // comparison, by the text it has now, turns down.
  const alone = row.story === null && row.storyNote === null;
  return foldArrivals(db, [arrival], now, { memory, compare: alone });
}

/**
 * Counts a shared address as two keys: an entry is compared with another that shares two keys or
 * more, or its address. One key in common is what unrelated texts share (68 of 109,980 pairs of
 * different articles share two of the 16 keys, 181 one or more), and copies share more (2,802 of
 * 2,814 labelled copies share two or more; bench/fingerprint).
 */
function withAddress(
  counts: Map<number, number>,
  arrival: { urlKey: string | null },
  index: { sharing(keys: readonly number[]): Map<number, number> },
): Map<number, number> {
  if (arrival.urlKey === null || counts.size === 0) return counts;
  for (const id of index.sharing([addressKey(arrival.urlKey)]).keys())
    counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The MAX_COMPARED entries that share two keys or more, the most first (the lower id first among equals). */
function top(counts: ReadonlyMap<number, number>, keep: (id: number) => boolean): number[] {
  if (counts.size === 0) return [];
  return [...counts]
    .filter(([id, n]) => n >= 2 && keep(id))
    .sort(([a, x], [b, y]) => y - x || a - b)
    .slice(0, MAX_COMPARED)
    .map(([id]) => id);
}

/** Keys to the ids that hold them, for a batch's arrivals. */
class KeyCounts {
  private readonly ids = new Map<number, number[]>();

  add(id: number, keys: readonly number[]): void {
    for (const key of keys) {
      const ids = this.ids.get(key);
      if (ids) ids.push(id);
      else this.ids.set(key, [id]);
    }
  }

  sharing(keys: readonly number[]): Map<number, number> {
    const found = new Map<number, number>();
    for (const key of new Set(keys))
      for (const id of this.ids.get(key) ?? []) found.set(id, (found.get(id) ?? 0) + 1);
    return found;
  }
}

/**
 * The other copies an arrival matches, in stories of their own or alone, join its story: an original
 * that comes after two copies of it (one at its address, one of its text) is what shows the two are
 * one story. Each keeps the note that says why it joined what it joined; an entry alone gets one
 * naming the arrival.
 */
async function bridge(
  db: Kysely<Database>,
  arrival: Stored,
  story: number,
  candidates: readonly Stored[],
  stored: Map<number, Stored>,
): Promise<void> {
  for (const candidate of candidates) {
    if (candidate.apart || candidate.story === story) continue;
    const match = storyMatch(candidate, arrival);
    if (!match) continue;
    const before = candidate.story;
    if (before === null) {
      await db
        .updateTable('entries')
        .set({ story, storyNote: `${describeMatch(match)} with entry ${arrival.id}` })
        .where('id', '=', candidate.id)
        .execute();
      candidate.story = story;
    } else {
      // Its whole story moves: every entry of it, stored and in this batch.
      await db.updateTable('entries').set({ story }).where('story', '=', before).execute();
      for (const other of stored.values()) if (other.story === before) other.story = story;
    }
  }
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

/**
 * An entry as the folding compares it, its fingerprint unpacked only if it is compared (most new
 * entries share a key with nothing).
 */
function candidate(
  entry: Omit<Stored, 'print' | 'story' | 'apart'> & Partial<Pick<Stored, 'story' | 'apart'>>,
  packed: Uint8Array | null,
): Stored {
  let print: Fingerprint | null | undefined;
  return {
    id: entry.id,
    sourceId: entry.sourceId,
    urlKey: entry.urlKey,
    story: entry.story ?? null,
    apart: entry.apart ?? false,
    get print() {
      return (print ??= unpackFingerprint(packed));
    },
  };
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
      found.set(
        Number(row.id),
        candidate(
          {
            id: Number(row.id),
            sourceId: Number(row.sourceId),
            urlKey: row.urlKey,
            story: row.story === null ? null : Number(row.story),
            apart: row.story === null && row.storyNote !== null,
          },
          row.print,
        ),
      );
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
export async function foldRecent(db: Kysely<unknown>, now: number): Promise<void> {
  const store = db as Kysely<Database>;
  const memory = StoryMemory.empty(now);
  let after = 0;
  for (;;) {
    const rows = await store
      .selectFrom('entries')
      .select(['id', 'sourceId', 'sortAt', 'print', 'urlKey'])
      .where('sortAt', '>=', now - STORY_WINDOW_MS)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) return;
    const arrivals = rows.map((r) => ({
      id: Number(r.id),
      sourceId: Number(r.sourceId),
      sortAt: Number(r.sortAt),
      print: r.print,
      urlKey: r.urlKey,
    }));
    await foldArrivals(store, arrivals, now, { memory });
    after = arrivals[arrivals.length - 1]!.id;
  }
}
