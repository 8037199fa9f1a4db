import type { Kysely, Selectable } from 'kysely';
import type { Entry } from '../model/entry.js';
import type { Database, EntriesTable, SourcesTable } from './schema.js';
import type { SourcePatch } from './store.js';

/** Shared by the SQL repositories. */

/** Rows per multi-row insert: 15 columns each stays far below every engine's parameter limit. */
export const INSERT_BATCH = 100;

export async function updateSource(db: Kysely<Database>, id: number, patch: SourcePatch): Promise<void> {
  const set: Partial<Record<keyof SourcesTable, unknown>> = {};
  for (const [key, value] of Object.entries(patch) as Array<[keyof SourcePatch, unknown]>) {
    if (value === undefined) continue;
    set[key] = value instanceof Date ? value.getTime() : typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
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
    categories: JSON.parse(row.categories) as string[],
    enclosures: JSON.parse(row.enclosures) as Entry['enclosures'],
  };
}
