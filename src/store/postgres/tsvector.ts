import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FtsTerm, SearchTerms } from '../fts-query.js';
import {
  RECENCY_BONUS,
  RECENCY_HALF_LIFE_MS,
  SEARCH_CANDIDATES,
  SEARCH_WINDOW,
  type FullTextIndex,
  type IndexedEntry,
  type Ranked,
} from '../full-text.js';
import { searchText } from '../search-text.js';
import type { Database } from '../schema.js';
import type { SearchQuery } from '../store.js';

/**
 * Search on PostgreSQL: the table entry_search (one row per entry, deleted with it) holds a
 * tsvector of title (weight A), author (B) and text (D) in the courtesy_search configuration, with
 * a GIN index (migration 0001). Ranking is ts_rank with the weights 4:2:1, as bm25 weighs the
 * columns on SQLite; the reader's terms become a tsquery through PostgreSQL's own parsing
 * functions, bound as parameters, so no input is query syntax.
 */
export const TSVECTOR_INDEX: FullTextIndex = {
  async add(db, entries) {
    for (let i = 0; i < entries.length; i += 200) {
      const rows = entries
        .slice(i, i + 200)
        .map(
          (e) =>
            sql`(${e.id}, ${e.sourceId}, ${e.sortAt}, ${clip(e.title ?? '')}, ${clip(e.author ?? '')}, ${clip(body(e))})`,
        );
      await sql`INSERT INTO entry_search (entry_id, source_id, sort_at, title, author, body)
        VALUES ${sql.join(rows)}`.execute(db);
    }
  },

  async replace(db, entry) {
    await this.remove(db, entry.id);
    await this.add(db, [entry]);
  },

  async remove(db, entryId) {
    await sql`DELETE FROM entry_search WHERE entry_id = ${entryId}`.execute(db);
  },

  async share(db, term) {
    const where = sql`document @@ ${termQuery(term)}`;
    const { rows, total } = await estimate(db, where);
    if (total < EXACT_BELOW) {
      // A small store, or one the planner has no statistics of yet: counted, which costs little there.
      const counted = await sql<{ n: number; all: number }>`
        SELECT (SELECT count(*) FROM entry_search WHERE ${where}) AS n, (SELECT count(*) FROM entry_search) AS all`.execute(
        db,
      );
      const all = Number(counted.rows[0]?.all ?? 0);
      return all === 0 ? null : Number(counted.rows[0]?.n ?? 0) / all;
    }
    return Math.min(1, rows / total);
  },

  async rank(db, terms, query, byRelevance) {
    const q = tsquery(terms);
    const pool = query.offset + query.limit + SEARCH_CANDIDATES;
    const where = matches(q, query);
    const bitmap = await bitmapIsCheaper(db, where, query, byRelevance ? SEARCH_WINDOW : pool);
    // From a bitmap scan every match is read anyway: counting them there spares count() a second scan.
    const newest = bitmap ? sql`entry_id + 0 DESC` : sql`entry_id DESC`;
    const counted = bitmap ? sql`, count(*) OVER () AS matched` : sql``;
    const carried = bitmap ? sql`, matched` : sql``;
    const ranked = (rows: Array<{ id: number; matched?: number }>): Ranked => ({
      ids: rows.map((r) => Number(r.id)),
      ...(bitmap ? { matched: Number(rows[0]?.matched ?? 0) } : {}),
    });
    if (!byRelevance) {
      // As on SQLite: the newest stored matches, by date.
      const shown = await sql<{ id: number; matched?: number }>`
        SELECT id ${carried} FROM (
          SELECT entry_id AS id, sort_at ${counted} FROM entry_search WHERE ${where}
          ORDER BY ${newest} LIMIT ${pool}
        ) AS c ORDER BY sort_at DESC, id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
      return bitmap && shown.rows.length === 0
        ? { ids: [], matched: await countAll(db, where) }
        : ranked(shown.rows);
    }
    // ts_rank's weights are {D, C, B, A}: text 1, author 2, title 4. Scaled by RANK_SCALE, higher is better.
    const shown = await sql<{ id: number; matched?: number }>`
      SELECT id ${carried} FROM (
        SELECT id, score, sort_at ${carried} FROM (
          SELECT entry_id AS id, sort_at, ts_rank('{0.25, 0, 0.5, 1}', document, ${q}) * ${sql.raw(String(RANK_SCALE))} AS score ${counted}
          FROM entry_search WHERE ${where}
          ORDER BY ${newest} LIMIT ${SEARCH_WINDOW}
        ) AS newest ORDER BY score DESC LIMIT ${pool}
      ) AS c
      ORDER BY c.score + ${sql.raw(RECENCY_BONUS.toFixed(1))}
        / (1.0 + (${query.now.getTime()}::bigint - c.sort_at) / ${sql.raw(RECENCY_HALF_LIFE_MS.toFixed(1))}) DESC, c.id DESC
      LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
    return bitmap && shown.rows.length === 0
      ? { ids: [], matched: await countAll(db, where) }
      : ranked(shown.rows);
  },

  async count(db, terms, query, cap) {
    const where = matches(tsquery(terms), query);
    // Far more than the cap by the planner's statistics: counting would read them all to say so.
    const { rows, total } = await estimate(db, where);
    if (total >= EXACT_BELOW && rows >= SURELY_MORE * cap) return cap + 1;
    const counted = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (SELECT 1 FROM entry_search WHERE ${where} LIMIT ${cap + 1}) AS hits`.execute(
      db,
    );
    return Number(counted.rows[0]?.n ?? 0);
  },

  async snippets(db, terms, ids) {
    const passages = await sql<{ id: number; snippet: string; body: string }>`
      SELECT entry_id AS id, body, ts_headline('courtesy_search', body, ${tsquery(terms)},
        'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=15, MaxFragments=1') AS snippet
      FROM entry_search WHERE entry_id IN (${sql.join(ids)})`.execute(db);
    return new Map(passages.rows.map((r) => [Number(r.id), asPassage(r.snippet, r.body)]));
  },
};

/**
 * Below this many rows (by the planner's reckoning) the index is counted rather than estimated:
 * a small store, or one not yet analyzed, whose statistics say little.
 */
const EXACT_BELOW = 20_000;
/** The planner's estimate is taken for "more than the cap" when it is this many times the cap. */
const SURELY_MORE = 3;
/**
 * What testing one row's document costs on the walk down the primary key (reading its tsvector out
 * of TOAST) against what one match costs in a bitmap scan of the GIN index (a heap page): measured
 * at a million articles, 4.8 µs against 4.5 µs (its index scan included) once vacuumed (see BENCHMARKS.md, "The desk").
 */
const WALK_PER_MATCH = 1.1;

/** The planner's estimate of the rows a search matches, and of the rows of entry_search. */
async function estimate(
  db: Kysely<Database>,
  where: RawBuilder<unknown>,
): Promise<{ rows: number; total: number }> {
  const plan = async (query: RawBuilder<unknown>): Promise<number> => {
    const explained = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>`
      EXPLAIN (FORMAT JSON) ${query}`.execute(db);
    return Number(explained.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  };
  const [rows, total] = await Promise.all([
    plan(sql`SELECT 1 FROM entry_search WHERE ${where}`),
    plan(sql`SELECT 1 FROM entry_search`),
  ]);
  return { rows, total };
}

/**
 * Whether to take the newest `want` matches from a bitmap scan of the GIN index, sorted (`entry_id
 * + 0` keeps the planner off the key's order), rather than down the primary key, testing each row
 * (PostgreSQL's own choice, cheap when matches are dense). The planner counts a row's test as
 * nearly free, though it reads the row's tsvector out of TOAST: for two middling words at a million
 * articles it walked 36,800 rows (176 ms) where the bitmap took 6,929 matches (31 ms). The walk
 * reads about want × total / matches rows, the bitmap the matches: whichever is fewer, weighed by
 * their costs, decides. A search within one source or dates is left to the planner (its indexes
 * fit those).
 */
async function bitmapIsCheaper(
  db: Kysely<Database>,
  where: RawBuilder<unknown>,
  query: SearchQuery,
  want: number,
): Promise<boolean> {
  if (query.sourceId !== undefined || query.since || query.until) return false;
  const { rows, total } = await estimate(db, where);
  if (total < EXACT_BELOW) return false;
  const walked = (want * total) / Math.max(rows, 1);
  return walked * WALK_PER_MATCH > rows;
}

/** How many rows match (a page past the last match still says how many there are). */
async function countAll(db: Kysely<Database>, where: RawBuilder<unknown>): Promise<number> {
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM entry_search WHERE ${where}`.execute(db);
  return Number(counted.rows[0]?.n ?? 0);
}

/**
 * ts_rank gives a fraction where bm25 gives a few units; scaled, a good match outweighs recency's
 * bonus as it does on SQLite.
 */
const RANK_SCALE = 20;

/** One term as a tsquery: a word or a phrase (words in order), or a word's beginning. */
function termQuery(term: FtsTerm): RawBuilder<unknown> {
  return term.prefix
    ? sql`to_tsquery('courtesy_search', ${prefixQuery(term.words)})`
    : sql`phraseto_tsquery('courtesy_search', ${term.words})`;
}

/** Every required term, and none of the excluded. */
function tsquery(terms: SearchTerms): RawBuilder<unknown> {
  const parts = [...terms.required.map(termQuery), ...terms.excluded.map((t) => sql`!!${termQuery(t)}`)];
  return sql`(${sql.join(parts, sql` && `)})`;
}

/** The WHERE of the matches, filtered as the query asks. */
function matches(q: RawBuilder<unknown>, query: SearchQuery): RawBuilder<unknown> {
  const filters = [
    sql`document @@ ${q}`,
    ...(query.sourceId !== undefined ? [sql`source_id = ${query.sourceId}`] : []),
    ...(query.since ? [sql`sort_at >= ${query.since.getTime()}`] : []),
    ...(query.until ? [sql`sort_at < ${query.until.getTime()}`] : []),
  ];
  return sql.join(filters, sql` AND `);
}

/**
 * A prefix as to_tsquery syntax: the word (letters and digits only, as the search box leaves it;
 * quoted as a lexeme) followed by :*.
 */
function prefixQuery(word: string): string {
  return `'${word.replace(/[^\p{L}\p{N}]/gu, '')}':*`;
}

/**
 * A passage as SQLite's snippet() gives it: the words of a phrase marked together, and … where
 * the passage starts or ends inside the text (ts_headline leaves out the punctuation that ends the
 * text; it is put back).
 */
function asPassage(headline: string, text: string): string {
  // eslint-disable-next-line no-control-regex -- the match markers
  const marked = headline.replace(/\u0002(\s+)\u0001/g, '$1');
  // eslint-disable-next-line no-control-regex -- the match markers
  const plain = marked.replace(/[\u0001\u0002]/g, '');
  const at = text.indexOf(plain);
  if (at < 0) return marked;
  const before = text.slice(0, at);
  const after = text.slice(at + plain.length);
  const words = /[\p{L}\p{N}]/u;
  return `${words.test(before) ? '…' : ''}${marked}${words.test(after) ? '…' : after.trimEnd()}`;
}

/** A tsvector holds at most 1 MB: the text beyond the first 200,000 characters is not indexed. */
function clip(text: string): string {
  return text.length > 200_000 ? text.slice(0, 200_000) : text;
}

function body(e: IndexedEntry): string {
  return e.searchText ?? searchText(e);
}
