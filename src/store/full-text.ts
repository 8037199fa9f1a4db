import type { Kysely } from 'kysely';
import { searchTerms, type FtsTerm, type SearchTerms } from './fts-query.js';
import type { Database } from './schema.js';
import { SEARCH_COUNT_LIMIT, type SearchQuery } from './store.js';

/**
 * Full-text search, engine by engine: each engine keeps its own index (SQLite FTS5, PostgreSQL
 * tsvector) behind this interface, and the store runs one search algorithm (`runSearch`) on it.
 */
export interface FullTextIndex {
  /** Indexes new entries (which have their ids), in the writer's transaction. */
  add(db: Kysely<Database>, entries: readonly IndexedEntry[]): Promise<void>;
  /** Indexes a changed entry again. An entry deleted from `entries` leaves the index with its row. */
  replace(db: Kysely<Database>, entry: IndexedEntry): Promise<void>;
  /** Takes an entry out of the index (it is withheld from public pages, see Entry.withheld). */
  remove(db: Kysely<Database>, entryId: number): Promise<void>;
  /**
   * About what share of the stored entries contain one term (0 to 1), in a millisecond or so
   * whatever the term: null when nothing is stored.
   */
  share(db: Kysely<Database>, term: FtsTerm): Promise<number | null>;
  /**
   * The ids of the page asked for, in order:
   * - by relevance: the best `pool` by the engine's rank (a match in the title weighs 4 times, in
   *   the author's name twice, as one in the text) among the newest SEARCH_WINDOW matches; then
   *   recency adds up to RECENCY_BONUS (today), fading over months, so that among similar matches
   *   the newer comes first;
   * - by date: newest first.
   */
  rank(db: Kysely<Database>, terms: SearchTerms, query: SearchQuery, byRelevance: boolean): Promise<Ranked>;
  /** How many entries match, counting at most `cap` + 1. */
  count(db: Kysely<Database>, terms: SearchTerms, query: SearchQuery, cap: number): Promise<number>;
  /** A passage of each entry's text around the matches, the matches between \u0001 and \u0002. */
  snippets(db: Kysely<Database>, terms: SearchTerms, ids: readonly number[]): Promise<Map<number, string>>;
}

/** The ids of a page, in order; and how many entries match, when ranking them counted them anyway. */
export interface Ranked {
  ids: number[];
  matched?: number;
}

/** What the index reads of an entry. */
export interface IndexedEntry {
  id: number;
  sourceId: number;
  sortAt: number;
  title?: string | null;
  author?: string | null;
  summaryHtml?: string | null;
  contentHtml?: string | null;
  /** The article extracted from its page, which search reads before the feed's content. */
  articleHtml?: string | null;
  /** Its search text, when it was made already (see EntryInput.searchText). */
  searchText?: string;
}

/**
 * How many candidates beyond the page asked for a search ranks among: recency can lift a candidate
 * above better matches, never one from outside the set.
 */
export const SEARCH_CANDIDATES = 200;
/**
 * When more entries than this match, relevance ranks the newest this many of them: ranking costs a
 * little for every row it scores, and a word nearly every article contains would otherwise be
 * scored a million times. More words, or a date range, reach older articles.
 */
export const SEARCH_WINDOW = 5000;
/** What recency adds to a match of today, in units of the SQLite rank (bm25). */
export const RECENCY_BONUS = 2.0;
/** Over how long recency's bonus halves (30 days, in ms). */
export const RECENCY_HALF_LIFE_MS = 2_592_000_000;
/** A single word that at least this share of all articles contains is left out of a longer search. */
const COMMON_SHARE = 0.5;

export interface SearchResult {
  ids: number[];
  snippets: Map<number, string>;
  /** How many entries match, up to SEARCH_COUNT_LIMIT + 1. */
  matched: number;
  ignored: string[];
}

/**
 * Full-text search, in work bounded whatever the words: the engine ranks candidates from its index
 * (see FullTextIndex.rank), only the shown hits' passages are made, and single words that at least
 * half of all articles contain are left out when the search has other terms (see
 * withoutCommonWords); when it has only such words, ranking would weigh them all at nearly
 * nothing, so "by relevance" is by date.
 */
export async function runSearch(
  db: Kysely<Database>,
  index: FullTextIndex,
  query: SearchQuery,
): Promise<SearchResult | null> {
  const typed = searchTerms(query.text);
  if (!typed) return null;
  const { terms, ignored, allCommon } = await withoutCommonWords(db, index, typed);
  const { ids, matched: counted } = await index.rank(
    db,
    terms,
    query,
    query.order === 'relevance' && !allCommon,
  );
  const snippets =
    ids.length && query.snippets !== false ? await index.snippets(db, terms, ids) : new Map<number, string>();
  const matched = counted ?? (await index.count(db, terms, query, SEARCH_COUNT_LIMIT));
  return { ids, snippets, matched, ignored };
}

/**
 * Leaves out of a search the single words typed as they are (not in quotes, not prefixes) that at
 * least COMMON_SHARE of all articles contain, as search engines leave out "the" and "of": they
 * match nearly everything, ranking weighs them at nearly nothing, and they cost the most to rank.
 * How many articles contain a word is estimated from how far back its COMMON_SAMPLE newest
 * matches reach among the stored ids, a walk the index makes in about a millisecond. When every
 * term is such a word, all are kept (and allCommon is set).
 */
async function withoutCommonWords(
  db: Kysely<Database>,
  index: FullTextIndex,
  terms: SearchTerms,
): Promise<{ terms: SearchTerms; ignored: string[]; allCommon: boolean }> {
  const bare = terms.required.filter((t) => t.bare);
  if (bare.length === 0) return { terms, ignored: [], allCommon: false };
  const common = new Set<FtsTerm>();
  for (const term of bare) if (((await index.share(db, term)) ?? 0) >= COMMON_SHARE) common.add(term);
  if (common.size === 0) return { terms, ignored: [], allCommon: false };
  const kept = terms.required.filter((t) => !common.has(t));
  if (kept.length === 0) return { terms, ignored: [], allCommon: true };
  return {
    terms: { required: kept, excluded: terms.excluded },
    ignored: [...common].map((t) => t.words),
    allCommon: false,
  };
}

/** A snippet with its matches between \u0001 and \u0002, as HTML: escaped, the matches in <mark>. */
export function markSnippet(raw: string): string {
  return raw
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\u0001/g, '<mark>') // eslint-disable-line no-control-regex -- the engines' markers
    .replace(/\u0002/g, '</mark>'); // eslint-disable-line no-control-regex -- the engines' markers
}
