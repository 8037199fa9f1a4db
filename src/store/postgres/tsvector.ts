import { sql, type RawBuilder } from 'kysely';
import type { FtsTerm, SearchTerms } from '../fts-query.js';
import {
  RECENCY_BONUS,
  RECENCY_HALF_LIFE_MS,
  SEARCH_CANDIDATES,
  SEARCH_WINDOW,
  type FullTextIndex,
  type IndexedEntry,
} from '../full-text.js';
import { searchText } from '../search-text.js';
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

  async sample(db, term, limit) {
    const found = await sql<{ n: number; low: number | null }>`
      SELECT count(*) AS n, min(id) AS low FROM (
        SELECT entry_id AS id FROM entry_search WHERE document @@ ${termQuery(term)}
        ORDER BY entry_id DESC LIMIT ${limit}) AS newest`.execute(db);
    const row = found.rows[0];
    return { n: Number(row?.n ?? 0), low: row?.low == null ? null : Number(row.low) };
  },

  async rank(db, terms, query, byRelevance) {
    const q = tsquery(terms);
    const pool = query.offset + query.limit + SEARCH_CANDIDATES;
    if (!byRelevance) {
      // As on SQLite: the newest stored matches, by date.
      const shown = await sql<{ id: number }>`
        SELECT id FROM (
          SELECT entry_id AS id, sort_at FROM entry_search WHERE ${matches(q, query)}
          ORDER BY entry_id DESC LIMIT ${pool}
        ) AS c ORDER BY sort_at DESC, id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
      return shown.rows.map((r) => Number(r.id));
    }
    // ts_rank's weights are {D, C, B, A}: text 1, author 2, title 4. Scaled by RANK_SCALE, higher is better.
    const shown = await sql<{ id: number }>`
      SELECT id FROM (
        SELECT id, score, sort_at FROM (
          SELECT entry_id AS id, sort_at, ts_rank('{0.25, 0, 0.5, 1}', document, ${q}) * ${sql.raw(String(RANK_SCALE))} AS score
          FROM entry_search WHERE ${matches(q, query)}
          ORDER BY entry_id DESC LIMIT ${SEARCH_WINDOW}
        ) AS newest ORDER BY score DESC LIMIT ${pool}
      ) AS c
      ORDER BY c.score + ${sql.raw(RECENCY_BONUS.toFixed(1))}
        / (1.0 + (${query.now.getTime()}::bigint - c.sort_at) / ${sql.raw(RECENCY_HALF_LIFE_MS.toFixed(1))}) DESC, c.id DESC
      LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
    return shown.rows.map((r) => Number(r.id));
  },

  async count(db, terms, query, cap) {
    const counted = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT 1 FROM entry_search WHERE ${matches(tsquery(terms), query)} LIMIT ${cap + 1}
      ) AS hits`.execute(db);
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
