import type { Kysely } from 'kysely';
import type { Entry } from '../../model/entry.js';
import type { EntriesInput } from '../../model/entry-batch.js';
import type { FacetKind } from '../../model/facets.js';
import type { FetchRecord } from '../../model/source.js';
import { markSnippet, runSearch } from '../full-text.js';
import type { Database } from '../schema.js';
import type {
  EntryPage,
  EntryQuery,
  EntryRepository,
  SaveResult,
  SearchPage,
  SearchQuery,
  SourcePatch,
} from '../store.js';
import { SEARCH_COUNT_LIMIT } from '../store.js';
import { toEntry } from './common.js';
import type { SqlEngine } from './engine.js';
import { entryRows, newestFirst, pageOf } from './listing.js';
import { saveRefresh } from './refresh.js';

/** The entries: a refresh writes them (refresh.ts); the rest reads them, through the engine's reader. */
export class SqlEntries implements EntryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
  ) {}

  saveRefresh(
    sourceId: number,
    given: EntriesInput,
    patch: SourcePatch,
    now: Date,
    fetch?: Omit<FetchRecord, 'inserted' | 'updated'>,
  ): Promise<SaveResult> {
    if (this.engine.hotWrites) return this.engine.hotWrites.saveRefresh(sourceId, given, patch, now, fetch);
    return saveRefresh(this.db, this.engine, sourceId, given, patch, now, fetch);
  }

  async get(id: number): Promise<Entry | null> {
    const row = await this.engine.reader
      .selectFrom('entries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    if (query.facet) return this.listFacet(query.facet, query);
    let q = this.engine.reader.selectFrom('entries').selectAll();
    if (query.sourceId !== undefined) q = q.where('sourceId', '=', query.sourceId);
    const rows = await newestFirst(q, { sortAt: 'sortAt', id: 'id' }, query.before, query.limit).execute();
    const { page, next } = pageOf(rows, query.limit, (r) => ({ sortAt: Number(r.sortAt), id: r.id }));
    return { entries: page.map(toEntry), next };
  }

  /** An author's or a tag's entries: paged through the facet index, then fetched by id. */
  private async listFacet(facet: { kind: FacetKind; key: string }, query: EntryQuery): Promise<EntryPage> {
    const q = this.engine.reader
      .selectFrom('entryFacets')
      .select(['entryId', 'sortAt'])
      .where('kind', '=', facet.kind)
      .where('key', '=', facet.key);
    const hits = await newestFirst(
      q,
      { sortAt: 'sortAt', id: 'entryId' },
      query.before,
      query.limit,
    ).execute();
    const { page, next } = pageOf(hits, query.limit, (h) => ({ sortAt: Number(h.sortAt), id: h.entryId }));
    const rows = await entryRows(
      this.engine.reader,
      page.map((h) => h.entryId),
    );
    return {
      entries: page.flatMap((h) => (rows.has(h.entryId) ? [toEntry(rows.get(h.entryId)!)] : [])),
      next,
    };
  }

  /** Full-text search through the engine's index (full-text.ts); only the shown hits' rows are read. */
  async search(query: SearchQuery): Promise<SearchPage> {
    const found = await runSearch(this.engine.reader, this.engine.fullText, query);
    if (!found) return { hits: [], total: 0, moreThanTotal: false, ignored: [] };
    const rows = await entryRows(this.engine.reader, found.ids);
    return {
      hits: found.ids.flatMap((id) => {
        const row = rows.get(id);
        return row ? [{ entry: toEntry(row), snippet: markSnippet(found.snippets.get(id) ?? '') }] : [];
      }),
      total: Math.min(found.matched, SEARCH_COUNT_LIMIT),
      moreThanTotal: found.matched > SEARCH_COUNT_LIMIT,
      ignored: found.ignored,
    };
  }

  async facetLabel(kind: FacetKind, key: string): Promise<string | null> {
    const row = await this.engine.reader
      .selectFrom('entryFacets')
      .select('label')
      .where('kind', '=', kind)
      .where('key', '=', key)
      .orderBy('sortAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.label ?? null;
  }

  async countFacets(kind: FacetKind): Promise<number> {
    const row = await this.engine.reader
      .selectFrom('entryFacets')
      .select((eb) => eb.fn.count<number>('key').distinct().as('n'))
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async facetKeys(
    kind: FacetKind,
    offset: number,
    limit: number,
  ): Promise<Array<{ key: string; lastAt: Date }>> {
    const rows = await this.engine.reader
      .selectFrom('entryFacets')
      .select((eb) => ['key', eb.fn.max('sortAt').as('lastAt')])
      .where('kind', '=', kind)
      .groupBy('key')
      .orderBy('key')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({ key: r.key, lastAt: new Date(Number(r.lastAt)) }));
  }

  async topFacets(
    kind: FacetKind,
    limit: number,
  ): Promise<Array<{ key: string; label: string; count: number }>> {
    const rows = await this.engine.reader
      .selectFrom('entryFacets')
      .select((eb) => ['key', eb.fn.max('label').as('label'), eb.fn.countAll<number>().as('n')])
      .where('kind', '=', kind)
      .groupBy('key')
      .orderBy('n', 'desc')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ key: r.key, label: String(r.label), count: Number(r.n) }));
  }

  async count(sourceId?: number): Promise<number> {
    let q = this.engine.reader.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n'));
    if (sourceId !== undefined) q = q.where('sourceId', '=', sourceId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
