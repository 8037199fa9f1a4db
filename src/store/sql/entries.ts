import { sql, type Kysely } from 'kysely';
import type { Entry } from '../../model/entry.js';
import type { EntriesInput } from '../../model/entry-batch.js';
import { entryFacets, type FacetKind } from '../../model/facets.js';
import type { Withheld } from '../../model/entry.js';
import type { PageTag } from '../../model/page-tags.js';
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
  WithheldQuery,
} from '../store.js';
import { SEARCH_COUNT_LIMIT } from '../store.js';
import { recordPageChange, tagsOfEntries, toEntry } from './common.js';
import type { SqlEngine } from './engine.js';
import { entryRows, newestFirst, pageOf } from './listing.js';
import { insertFacets, saveRefresh } from './refresh.js';
import { appendAudit } from './rights.js';

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
    if (!query.includeWithheld) q = q.where('withheld', 'is', null);
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

  setWithheld(ids: readonly number[], withheld: Withheld | null, actor: string, now: Date): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.db.transaction().execute(async (trx) => {
      const rows = (
        await trx
          .selectFrom('entries')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).filter((r) => r.withheld !== withheld);
      const tags: PageTag[] = [];
      for (const row of rows) {
        const entry = toEntry(row);
        if (withheld !== null && row.withheld === null) {
          // Leaving the public pages: the pages it showed on change, then its facets and search row go.
          tags.push(...(await tagsOfEntries(trx, [entry])));
          await trx.deleteFrom('entryFacets').where('entryId', '=', row.id).execute();
          await this.engine.fullText.remove(trx, row.id);
        } else if (withheld === null) {
          await insertFacets(trx, [{ id: row.id, sortAt: Number(row.sortAt), facets: entryFacets(entry) }]);
          await this.engine.fullText.add(trx, [{ ...row, sortAt: Number(row.sortAt) }]);
          tags.push(...(await tagsOfEntries(trx, [entry])));
        }
        await appendAudit(
          trx,
          actor,
          WITHHELD_ACTION[`${row.withheld ?? 'shown'}>${withheld ?? 'shown'}`] ?? 'withhold',
          `entry ${row.id} (source ${row.sourceId}): ${row.title ?? '(untitled)'}`,
          now,
        );
      }
      if (rows.length === 0) return 0;
      await trx
        .updateTable('entries')
        .set({ withheld })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      await recordPageChange(trx, tags, now);
      return rows.length;
    });
  }

  async listWithheld(query: WithheldQuery): Promise<{ entries: Entry[]; total: number }> {
    let q = this.engine.reader.selectFrom('entries').where('withheld', '=', query.withheld);
    if (query.sourceId !== undefined) q = q.where('sourceId', '=', query.sourceId);
    const [rows, total] = await Promise.all([
      q
        .selectAll()
        .orderBy('sortAt', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { entries: rows.map(toEntry), total: Number(total.n) };
  }

  async perDay(sourceId: number, since: Date): Promise<Array<{ day: Date; count: number }>> {
    const day = sql<number>`sort_at / 86400000`;
    const rows = await this.engine.reader
      .selectFrom('entries')
      .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('sourceId', '=', sourceId)
      .where('sortAt', '>=', since.getTime())
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((r) => ({ day: new Date(Number(r.day) * 86_400_000), count: Number(r.n) }));
  }

  async countSince(since: Date): Promise<number> {
    const row = await this.engine.reader
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sortAt', '>=', since.getTime())
      .where('withheld', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** The audit log's word for each change of an entry's visibility. */
const WITHHELD_ACTION: Record<string, string> = {
  'shown>hidden': 'hide',
  'held>hidden': 'hide',
  'hidden>shown': 'show',
  'held>shown': 'publish',
  'shown>held': 'hold',
  'hidden>held': 'hold',
};
