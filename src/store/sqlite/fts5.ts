import { sql, type RawBuilder } from 'kysely';
import { ftsMatch, type SearchTerms } from '../fts-query.js';
import {
  RECENCY_BONUS,
  RECENCY_HALF_LIFE_MS,
  SEARCH_CANDIDATES,
  SEARCH_WINDOW,
  type FullTextIndex,
  type IndexedEntry,
} from '../full-text.js';
import { insertRows } from '../insert-rows.js';
import { searchText } from '../search-text.js';
import type { SearchQuery } from '../store.js';

/**
 * Search on SQLite: the FTS5 table entries_fts (rowid = entry id; title, author and text, Porter
 * stemmed after Unicode folding without diacritics; migration 0007), ranked by bm25. FTS5 walks
 * matches newest first (by rowid) and stops, so every query below does bounded work; a source or
 * date filter checks each match against a narrow index of entries (id, source, date), never their
 * rows.
 */
/** How many of a term's newest matches estimate how many entries contain it. */
const SHARE_SAMPLE = 1000;

export const FTS5_INDEX: FullTextIndex = {
  async add(db, entries) {
    for (let i = 0; i < entries.length; i += 200) {
      const rows = entries.slice(i, i + 200).map((e) => [e.id, e.title ?? '', e.author ?? '', body(e)]);
      await insertRows(db, 'entries_fts', FTS_COLUMNS, rows);
    }
  },

  async replace(db, entry) {
    await this.remove(db, entry.id);
    await this.add(db, [entry]);
  },

  async remove(db, entryId) {
    await sql`DELETE FROM entries_fts WHERE rowid = ${entryId}`.execute(db);
  },

  async share(db, term) {
    // Each in its own subquery: SQLite reads one end of the primary key for a lone min() or max(),
    // but scans the whole table for the two together.
    const span = await sql<{ lo: number | null; hi: number | null }>`
      SELECT (SELECT min(id) FROM entries) AS lo, (SELECT max(id) FROM entries) AS hi`.execute(db);
    const { lo, hi } = span.rows[0] ?? { lo: null, hi: null };
    if (lo === null || hi === null) return null;
    // How far back the term's newest SHARE_SAMPLE matches reach among the stored ids: a walk FTS5
    // makes in about a millisecond.
    const found = await sql<{ n: number; low: number | null }>`
      SELECT count(*) AS n, min(id) AS low FROM (
        SELECT rowid AS id FROM entries_fts WHERE entries_fts MATCH ${term.fts}
        ORDER BY rowid DESC LIMIT ${SHARE_SAMPLE})`.execute(db);
    const n = Number(found.rows[0]?.n ?? 0);
    const low = found.rows[0]?.low ?? null;
    const reach = n >= SHARE_SAMPLE && low !== null ? Number(hi) - low + 1 : Number(hi) - Number(lo) + 1;
    return n / reach;
  },

  async rank(db, terms, query, byRelevance) {
    const pool = query.offset + query.limit + SEARCH_CANDIDATES;
    // bm25 weighs the title 4 times and the author twice; lower is better.
    const candidates = byRelevance
      ? sql`SELECT id, score FROM (
          SELECT f.rowid AS id, f.rank AS score ${matches(terms, query, true)}
          ORDER BY f.rowid DESC LIMIT ${SEARCH_WINDOW}
        ) ORDER BY score LIMIT ${pool}`
      : sql`SELECT f.rowid AS id, 0 AS score ${matches(terms, query, false)} ORDER BY f.rowid DESC LIMIT ${pool}`;
    const order = byRelevance
      ? sql`c.score - ${sql.raw(RECENCY_BONUS.toFixed(1))} / (1.0 + (${query.now.getTime()} - e.sort_at) / ${sql.raw(RECENCY_HALF_LIFE_MS.toFixed(1))}), e.id DESC`
      : sql`e.sort_at DESC, e.id DESC`;
    const shown = await sql<{ id: number }>`
      WITH c AS MATERIALIZED (${candidates})
      SELECT e.id FROM c JOIN ${NARROW} ON e.id = c.id
      ORDER BY ${order} LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
    return { ids: shown.rows.map((r) => Number(r.id)) };
  },

  async count(db, terms, query, cap) {
    const counted = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (SELECT 1 ${matches(terms, query, false)} LIMIT ${cap + 1})`.execute(db);
    return Number(counted.rows[0]?.n ?? 0);
  },

  async snippets(db, terms, ids) {
    const passages = await sql<{ id: number; snippet: string }>`
      SELECT rowid AS id, snippet(entries_fts, 2, char(1), char(2), '…', 24) AS snippet
      FROM entries_fts WHERE entries_fts MATCH ${ftsMatch(terms)}
      AND rowid IN (${sql.join(ids)})`.execute(db);
    return new Map(passages.rows.map((r) => [Number(r.id), r.snippet]));
  },
};

const FTS_COLUMNS = ['rowid', 'title', 'author', 'body'];

/** entries_filter (id, source_id, sort_at) answers every check of a candidate without its row. */
const NARROW = sql`entries e INDEXED BY entries_filter`;

/** The FROM and WHERE of the matches of the terms, filtered as the query asks. */
function matches(terms: SearchTerms, query: SearchQuery, ranked: boolean): RawBuilder<unknown> {
  const filters = [
    ...(query.sourceId !== undefined ? [sql`e.source_id = ${query.sourceId}`] : []),
    ...(query.since ? [sql`e.sort_at >= ${query.since.getTime()}`] : []),
    ...(query.until ? [sql`e.sort_at < ${query.until.getTime()}`] : []),
  ];
  const filtered = filters.length > 0;
  return sql`FROM entries_fts f
    ${filtered ? sql`JOIN ${NARROW} ON e.id = f.rowid` : sql``}
    WHERE f.entries_fts MATCH ${ftsMatch(terms)}
    ${ranked ? sql`AND f.rank MATCH 'bm25(4.0, 2.0, 1.0)'` : sql``}
    ${filtered ? sql`AND ${sql.join(filters, sql` AND `)}` : sql``}`;
}

function body(e: IndexedEntry): string {
  return e.searchText ?? searchText(e);
}
