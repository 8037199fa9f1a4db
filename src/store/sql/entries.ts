import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import { compileIntake, describeIntake, keywordVerdict, type IntakeRules } from '../../model/intake.js';
import { StoreError } from '../errors.js';
import { searchText } from '../search-text.js';
import type { Entry } from '../../model/entry.js';
import type { EntriesInput } from '../../model/entry-batch.js';
import { entryFacets, type FacetKind } from '../../model/facets.js';
import type { Withheld } from '../../model/entry.js';
import type { PageTag } from '../../model/page-tags.js';
import type { FetchRecord } from '../../model/source.js';
import { markSnippet, runSearch } from '../full-text.js';
import type { Database, EntriesTable } from '../schema.js';
import type {
  EntryPage,
  EntryQuery,
  EntryRepository,
  IntakeApplied,
  SaveResult,
  SearchPage,
  SearchQuery,
  SourcePatch,
  WithheldQuery,
} from '../store.js';
import { SEARCH_COUNT_LIMIT } from '../store.js';
import { recordPageChange, tagsOfEntries, toEntry, writeIntake } from './common.js';
import type { SqlEngine } from './engine.js';
import { entryRows, newestFirst, pageOf } from './listing.js';
import { insertFacets, saveRefresh } from './refresh.js';
import { purgeMedia, restoreMedia, SqlMedia } from './media.js';
import { appendAudit } from './rights.js';
import { storyLead } from './stories.js';

/** The entries: a refresh writes them (refresh.ts); the rest reads them, through the engine's reader. */
export class SqlEntries implements EntryRepository {
  private readonly media: SqlMedia;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
  ) {
    this.media = new SqlMedia(db, engine);
  }

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
    if (!row) return null;
    const entry = toEntry(row);
    await this.withImages([entry]);
    return entry;
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    const page = await this.listEntries(query);
    await this.withImages(page.entries);
    return page;
  }

  /** Gives the entries their lead images, where the site has copies of them. */
  private async withImages(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const images = await this.media.imagesOf(entries.map((e) => e.id));
    for (const entry of entries) {
      const pictures = images.get(entry.id);
      entry.image = pictures?.lead ?? null;
      entry.pictures = pictures?.all ?? [];
    }
  }

  private async listEntries(query: EntryQuery): Promise<EntryPage> {
    if (query.facet) return this.listFacet(query.facet, query);
    if (query.sourceIds?.length === 0) return { entries: [], next: null, folded: [] };
    if (query.perSource && query.sourceId === undefined && !query.includeWithheld)
      return this.listCapped(query, query.perSource);
    let q = this.engine.reader.selectFrom('entries').selectAll();
    if (query.sourceId !== undefined) q = q.where('sourceId', '=', query.sourceId);
    if (query.sourceIds) q = q.where('sourceId', 'in', [...query.sourceIds]);
    if (!query.includeWithheld) q = q.where('withheld', 'is', null);
    if (query.oncePerStory && query.sourceId === undefined && !query.includeWithheld)
      q = q.where(storyLead('entries'));
    const rows = await newestFirst(q, { sortAt: 'sortAt', id: 'id' }, query.before, query.limit).execute();
    const { page, next } = pageOf(rows, query.limit, (r) => ({ sortAt: Number(r.sortAt), id: r.id }));
    return { entries: page.map(toEntry), next };
  }

  /**
   * The newest entries, at most `perSource` of one source on the page when the others can fill it:
   * reads CAPPED_WINDOW pages' worth of the index (narrow columns), finds the smallest share from
   * `perSource` up that fills the page from them (a site of one source, or a span with too few
   * others, raises it until nothing is left off), and takes the entries in order within that
   * share. An entry left off before the page's last is folded (counted, not shown): the next page
   * starts after the last entry shown, so a feed that floods one span of time fills no later page
   * either, and its entries are on its own page.
   */
  private async listCapped(query: EntryQuery, perSource: number): Promise<EntryPage> {
    const window = query.limit * CAPPED_WINDOW;
    let narrow = this.engine.reader
      .selectFrom('entries')
      .select(['id', 'sourceId', 'sortAt'])
      .where('withheld', 'is', null);
    if (query.oncePerStory) narrow = narrow.where(storyLead('entries'));
    if (query.sourceIds) narrow = narrow.where('sourceId', 'in', [...query.sourceIds]);
    const rows = await newestFirst(
      narrow,
      { sortAt: 'sortAt', id: 'id' },
      query.before,
      window - 1,
    ).execute();
    const inWindow = new Map<number, number>();
    for (const row of rows) inWindow.set(row.sourceId, (inWindow.get(row.sourceId) ?? 0) + 1);
    const wanted = Math.min(query.limit, rows.length);
    const fills = (share: number) =>
      [...inWindow.values()].reduce((n, c) => n + Math.min(c, share), 0) >= wanted;
    let share = perSource;
    while (!fills(share)) share++;
    const shown = new Map<number, number>();
    const taken: number[] = [];
    const skipped: number[] = [];
    let last = -1;
    for (let i = 0; i < rows.length && taken.length < query.limit; i++) {
      const row = rows[i]!;
      const n = shown.get(row.sourceId) ?? 0;
      if (n >= share) {
        skipped.push(i);
        continue;
      }
      shown.set(row.sourceId, n + 1);
      taken.push(row.id);
      last = i;
    }
    const folded = new Map<number, number>();
    for (const i of skipped)
      if (i < last) folded.set(rows[i]!.sourceId, (folded.get(rows[i]!.sourceId) ?? 0) + 1);
    const byId = await entryRows(this.engine.reader, taken);
    const entries = taken.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toEntry(row)] : [];
    });
    const lastRow = rows[last];
    const more = last >= 0 && (last < rows.length - 1 || rows.length === window);
    return {
      entries,
      next: more && lastRow ? { sortAt: Number(lastRow.sortAt), id: lastRow.id } : null,
      folded: [...folded].map(([sourceId, count]) => ({ sourceId, count })),
    };
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
    // A story is listed once on a page of results: its first copy found.
    const stories = new Set<number>();
    const hits = found.ids.flatMap((id) => {
      const row = rows.get(id);
      if (!row) return [];
      if (row.story !== null && query.oncePerStory !== false) {
        if (stories.has(Number(row.story))) return [];
        stories.add(Number(row.story));
      }
      return [{ entry: toEntry(row), snippet: markSnippet(found.snippets.get(id) ?? '') }];
    });
    await this.withImages(hits.map((h) => h.entry));
    return {
      hits,
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

  /** Authors and tags with a page that shows something, as the sitemap lists them. */
  async countFacets(kind: FacetKind): Promise<number> {
    const row = await this.engine.reader
      .selectFrom('entryFacets')
      .select((eb) => eb.fn.count<number>('key').distinct().as('n'))
      .where('kind', '=', kind)
      .where(shown)
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
      .where(shown)
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
    if (withheld === 'filtered') throw new Error('only intake rules filter an entry (applyIntake)');
    if (ids.length === 0) return Promise.resolve(0);
    return this.db.transaction().execute(async (trx) => {
      const rows = (
        await trx
          .selectFrom('entries')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).filter((r) => toEntry(r).withheld !== withheld);
      const tags: PageTag[] = [];
      for (const row of rows) {
        const entry = toEntry(row);
        if (withheld !== null && row.withheld === null) {
          tags.push(...(await this.leavePages(trx, entry)));
        } else if (withheld === null) {
          tags.push(...(await this.joinPages(trx, row)));
        }
        await appendAudit(
          trx,
          actor,
          WITHHELD_ACTION[`${entry.withheld ?? 'shown'}>${withheld ?? 'shown'}`] ?? 'withhold',
          `entry ${row.id} (source ${row.sourceId}): ${row.title ?? '(untitled)'}`,
          now,
        );
      }
      if (rows.length === 0) return 0;
      // An operator's decision replaces the intake rules' on these entries.
      await trx
        .updateTable('entries')
        .set({ withheld, filtered: null, filterNote: null })
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

  /** A public entry leaves the pages: the pages it showed on change, then its facets and search row go. */
  private async leavePages(trx: Transaction<Database>, entry: Entry): Promise<PageTag[]> {
    const tags = await tagsOfEntries(trx, [entry]);
    await purgeMedia(trx, [entry.id]);
    await trx.deleteFrom('entryFacets').where('entryId', '=', entry.id).execute();
    await this.engine.fullText.remove(trx, entry.id);
    return tags;
  }

  /** A withheld entry joins the pages: its facets and search row are written, then its pages change. */
  private async joinPages(trx: Transaction<Database>, row: Selectable<EntriesTable>): Promise<PageTag[]> {
    const entry = toEntry(row);
    await restoreMedia(trx, [row.id], new Date());
    await insertFacets(trx, [{ id: row.id, sortAt: Number(row.sortAt), facets: entryFacets(entry) }]);
    await this.engine.fullText.add(trx, [{ ...row, sortAt: Number(row.sortAt) }]);
    return tagsOfEntries(trx, [entry]);
  }

  async applyIntake(sourceId: number, rules: IntakeRules, actor: string, now: Date): Promise<IntakeApplied> {
    const compiled = compileIntake(rules);
    return this.db.transaction().execute(async (trx) => {
      const stored = await trx
        .selectFrom('sources')
        .select(['id', 'intake'])
        .where('id', '=', sourceId)
        .executeTakeFirst();
      if (!stored) throw new StoreError('store.not-found', `store: there is no source ${sourceId}`);
      await trx
        .updateTable('sources')
        .set({ intake: writeIntake(rules) })
        .where('id', '=', sourceId)
        .execute();
      const applied: IntakeApplied = { filtered: 0, restored: 0 };
      const tags: PageTag[] = [];
      // Public entries and those a keyword rule keeps out, read a page at a time by id.
      let after = 0;
      for (;;) {
        const rows = await trx
          .selectFrom('entries')
          .selectAll()
          .where('sourceId', '=', sourceId)
          .where('id', '>', after)
          .where((eb) => eb.or([eb('withheld', 'is', null), eb('filtered', '=', 'rule')]))
          .orderBy('id')
          .limit(INTAKE_PAGE)
          .execute();
        for (const row of rows) {
          const entry = toEntry(row);
          const verdict = keywordVerdict(compiled, {
            title: row.title,
            author: row.author,
            categories: entry.categories,
            text: () => searchText(row),
          });
          if (verdict && entry.withheld === null) {
            tags.push(...(await this.leavePages(trx, entry)));
            applied.filtered++;
          } else if (!verdict && entry.withheld === 'filtered') {
            tags.push(...(await this.joinPages(trx, row)));
            applied.restored++;
          } else if (!verdict || verdict.why === row.filterNote) continue;
          await trx
            .updateTable('entries')
            .set(
              verdict
                ? { withheld: 'hidden', filtered: verdict.kind, filterNote: verdict.why }
                : { withheld: null, filtered: null, filterNote: null },
            )
            .where('id', '=', row.id)
            .execute();
        }
        if (rows.length < INTAKE_PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      await appendAudit(
        trx,
        actor,
        'intake',
        `source ${sourceId}: ${describeIntake(rules)}; ${applied.filtered} article(s) filtered out, ${applied.restored} back`,
        now,
      );
      await recordPageChange(trx, tags, now);
      return applied;
    });
  }

  async listWithheld(query: WithheldQuery): Promise<{ entries: Entry[]; total: number }> {
    let q = this.engine.reader
      .selectFrom('entries')
      .where('withheld', '=', query.withheld === 'filtered' ? 'hidden' : query.withheld)
      .where('filtered', query.withheld === 'filtered' ? 'is not' : 'is', null);
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

/** A page capped per source reads this many pages' worth of the index to choose from. */
const CAPPED_WINDOW = 10;

/** How many entries an intake change reads at a time. */
const INTAKE_PAGE = 500;

/** The audit log's word for each change of an entry's visibility. */
const WITHHELD_ACTION: Record<string, string> = {
  'filtered>shown': 'publish',
  'filtered>hidden': 'hide',
  'filtered>held': 'hold',
  'shown>hidden': 'hide',
  'held>hidden': 'hide',
  'hidden>shown': 'show',
  'held>shown': 'publish',
  'shown>held': 'hold',
  'hidden>held': 'hold',
};

/**
 * A facet row whose entry is on public pages: an author or tag of hidden, held or filtered
 * articles alone has an empty page, and the sitemap leaves it out.
 */
function shown(eb: ExpressionBuilder<Database, 'entryFacets'>) {
  return eb.exists(
    eb
      .selectFrom('entries')
      .select('entries.id')
      .whereRef('entries.id', '=', 'entryFacets.entryId')
      .where('entries.withheld', 'is', null),
  );
}
