import type { Kysely, Selectable } from 'kysely';
import {
  FILTER_KINDS,
  NO_INTAKE_RULES,
  hasKeywordRules,
  type FilterKind,
  type IntakeRules,
} from '../../model/intake.js';
import type { Entry } from '../../model/entry.js';
import {
  feedHost,
  type RightsPolicy,
  type SearchEnginePolicy,
  type Source,
  type SourceStatus,
} from '../../model/source.js';
import { ALL_PAGES, LISTING, entryTag, facetTag, sourceTag, type PageTag } from '../../model/page-tags.js';
import type { Database, EntriesTable, SourcesTable } from '../schema.js';
import type { SourcePatch } from '../store.js';

/** Shared by the SQL repositories. */

/** Bound parameters per IN list: well under every engine's limit. */
export const IN_CHUNK = 500;

/** The distinct values, IN_CHUNK at a time, for queries that look many keys up. */
export function inChunks<T>(values: readonly T[]): T[][] {
  const distinct = [...new Set(values)];
  const out: T[][] = [];
  for (let i = 0; i < distinct.length; i += IN_CHUNK) out.push(distinct.slice(i, i + IN_CHUNK));
  return out;
}

/** Rows per multi-row insert: 15 columns each stays far below every engine's parameter limit. */
export const INSERT_BATCH = 100;

/**
 * Writes a source's new state; `releaseClaim` also ends a poller's claim on it (a check recorded
 * ends its claim), in the same statement.
 */
export async function updateSource(
  db: Kysely<Database>,
  id: number,
  patch: SourcePatch,
  { releaseClaim = false }: { releaseClaim?: boolean } = {},
): Promise<void> {
  const set: Partial<Record<keyof SourcesTable, unknown>> = {};
  if (releaseClaim) {
    set.claimedBy = null;
    set.claimedUntil = null;
  }
  for (const [key, value] of Object.entries(patch) as Array<[keyof SourcePatch, unknown]>) {
    if (value === undefined) continue;
    set[key] =
      value instanceof Date
        ? value.getTime()
        : typeof value === 'boolean'
          ? value
            ? 1
            : 0
          : Array.isArray(value)
            ? JSON.stringify(value)
            : value;
  }
  if (typeof patch.feedUrl === 'string') set.feedHost = feedHost(patch.feedUrl);
  if (Object.keys(set).length === 0) return;
  await db
    .updateTable('sources')
    .set(set as never)
    .where('id', '=', id)
    .execute();
}

export function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(Number(ms));
}

export function toEntry(row: Selectable<EntriesTable>): Entry {
  return {
    id: row.id,
    sourceId: row.sourceId,
    guid: row.guid,
    url: row.url,
    title: row.title,
    author: row.author,
    publishedAt: date(row.publishedAt),
    updatedAt: date(row.updatedAt),
    createdAt: new Date(Number(row.createdAt)),
    sortAt: new Date(Number(row.sortAt)),
    summaryHtml: row.summaryHtml,
    contentHtml: row.contentHtml,
    articleHtml: row.articleHtml,
    categories: JSON.parse(row.categories) as string[],
    enclosures: JSON.parse(row.enclosures) as Entry['enclosures'],
    // An entry the intake rules keep out is stored as hidden, with what kept it out.
    withheld: (row.filtered ? 'filtered' : (row.withheld ?? null)) as Entry['withheld'],
    filter: row.filtered ? { kind: asFilterKind(row.filtered)!, why: row.filterNote ?? '' } : null,
    story: row.story === null || row.story === undefined ? null : Number(row.story),
  };
}

/** The `filtered` column as the model names it. */
export function asFilterKind(value: string | null): FilterKind | null {
  return FILTER_KINDS.includes(value as FilterKind) ? (value as FilterKind) : null;
}

/** A source's intake rules as stored (JSON), or none. */
export function readIntake(json: string | null): IntakeRules {
  if (!json) return NO_INTAKE_RULES;
  const stored = JSON.parse(json) as Partial<IntakeRules>;
  return {
    include: stored.include ?? [],
    exclude: stored.exclude ?? [],
    maxPerCheck: stored.maxPerCheck ?? null,
    maxAgeDays: stored.maxAgeDays ?? null,
  };
}

/** Intake rules as the sources table stores them: null for none. */
export function writeIntake(rules: IntakeRules): string | null {
  const none = !hasKeywordRules(rules) && rules.maxPerCheck === null && rules.maxAgeDays === null;
  return none ? null : JSON.stringify(rules);
}

/** What a source shows on pages; a change to any of these changes every page it appears on. */
const PRESENTATION = [
  'name',
  'title',
  'description',
  'siteUrl',
  'policy',
  'attributionTemplate',
  'searchEngines',
  // The section pages list it, and its page links its section.
  'section',
  // Its articles' lang attributes.
  'language',
  'feedLanguage',
] as const;

/** Whether a patch changes how a source is shown (a poll usually sends the same title again). */
export async function changesPresentation(
  db: Kysely<Database>,
  id: number,
  patch: SourcePatch,
): Promise<boolean> {
  const fields = PRESENTATION.filter((f) => patch[f] !== undefined);
  if (fields.length === 0) return false;
  const row = await db.selectFrom('sources').select(fields).where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  return fields.some((f) => (row as Record<string, unknown>)[f] !== patch[f]);
}

/** Changes older than this are trimmed from the log; a cache that fell further behind starts afresh. */
const CHANGE_LOG_KEEP_MS = 3_600_000;

/**
 * Page changes this process has recorded (through any of its stores). With the engine's own
 * counter of other connections' commits, it tells a page cache cheaply whether the log may have
 * grown (see Store.pageChangeHint).
 */
let localPageChanges = 0;
export function localPageChangeCount(): number {
  return localPageChanges;
}

/**
 * Appends the tags of the pages a write touched to the change log, in the writer's transaction.
 * `additions`: the write only added to those pages (new entries), nothing shown on them changed or
 * went (see PageChange).
 */
export async function recordPageChange(
  db: Kysely<Database>,
  tags: Iterable<PageTag>,
  now: Date,
  options: { additions?: boolean } = {},
): Promise<void> {
  const unique = [...new Set(tags)];
  if (unique.length > 0) localPageChanges++;
  if (unique.length === 0) return;
  const everything = unique.includes(ALL_PAGES);
  const row = await db
    .insertInto('pageChanges')
    .values({
      at: now.getTime(),
      tags: everything ? ALL_PAGES : unique.join(' '),
      additions: options.additions && !everything ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (row.id % 500 === 0) {
    await db
      .deleteFrom('pageChanges')
      .where('at', '<', now.getTime() - CHANGE_LOG_KEEP_MS)
      .execute();
  }
}

/** The page tags of entries about to change or go: theirs, their sources' and their authors' and tags'. */
export async function tagsOfEntries(
  db: Kysely<Database>,
  entries: ReadonlyArray<{ id: number; sourceId: number }>,
): Promise<PageTag[]> {
  if (entries.length === 0) return [];
  const tags: PageTag[] = [LISTING];
  for (const e of entries) tags.push(entryTag(e.id), sourceTag(e.sourceId));
  for (let i = 0; i < entries.length; i += 500) {
    const facets = await db
      .selectFrom('entryFacets')
      .select(['kind', 'key'])
      .where(
        'entryId',
        'in',
        entries.slice(i, i + 500).map((e) => e.id),
      )
      .execute();
    for (const f of facets) tags.push(facetTag(f.kind as 'author' | 'tag', f.key));
    // The article pages of their stories' other copies name them.
    const mates = await db
      .selectFrom('entries as mate')
      .select('mate.id')
      .where('mate.story', 'in', (eb) =>
        eb
          .selectFrom('entries')
          .select('story')
          .where(
            'id',
            'in',
            entries.slice(i, i + 500).map((e) => e.id),
          )
          .where('story', 'is not', null),
      )
      .execute();
    for (const mate of mates) tags.push(entryTag(Number(mate.id)));
  }
  return tags;
}

export function toSource(row: Selectable<SourcesTable>): Source {
  return {
    id: row.id,
    feedUrl: row.feedUrl,
    siteUrl: row.siteUrl,
    name: row.name,
    title: row.title,
    description: row.description,
    policy: row.policy as RightsPolicy,
    fullText: Boolean(row.fullText),
    scraperSelector: row.scraperSelector,
    scraperRemove: JSON.parse(row.scraperRemove || '[]') as string[],
    attributionTemplate: row.attributionTemplate,
    searchEngines: row.searchEngines as SearchEnginePolicy | null,
    status: row.status as SourceStatus,
    etag: row.etag,
    lastModified: row.lastModified,
    lastCheckedAt: date(row.lastCheckedAt),
    lastSuccessAt: date(row.lastSuccessAt),
    nextCheckAt: date(row.nextCheckAt),
    lastHttpStatus: row.lastHttpStatus,
    lastErrorCode: row.lastErrorCode,
    lastError: row.lastError,
    consecutiveFailures: row.consecutiveFailures,
    createdAt: new Date(Number(row.createdAt)),
    feedIntervalMs: row.feedIntervalMs,
    checkBasis: row.checkBasis,
    holdNew: Boolean(row.holdNew),
    section: row.section,
    intake: readIntake(row.intake),
    language: row.language,
    feedLanguage: row.feedLanguage,
  };
}
