import type { Kysely, SelectQueryBuilder, Selectable } from 'kysely';
import type { Database, EntriesTable } from '../schema.js';
import type { Cursor } from '../store.js';

/**
 * What the newest-first listings share: a keyset page (no OFFSET, so that page 500 costs what page 1
 * does) and the rows of the entries a page shows, read by id.
 */

/** Rows older than the cursor, newest first, one more than the page holds (to know whether a next page exists). */
export function newestFirst<DB, TB extends keyof DB & string, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  columns: { sortAt: string; id: string },
  before: Cursor | null | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  // The column names are the caller's own literals; Kysely's reference types cannot follow a generic table.
  const sortAt = columns.sortAt as never;
  const id = columns.id as never;
  const older = before
    ? q.where((eb) =>
        eb.or([
          eb(sortAt, '<', before.sortAt as never),
          eb.and([eb(sortAt, '=', before.sortAt as never), eb(id, '<', before.id as never)]),
        ]),
      )
    : q;
  return older
    .orderBy(sortAt, 'desc')
    .orderBy(id, 'desc')
    .limit(limit + 1);
}

/** The page of a newestFirst query's rows, and the cursor of the next page when there is one. */
export function pageOf<R>(
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => Cursor,
): { page: R[]; next: Cursor | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** The rows of these entries, by id (ids that are gone are simply absent). */
export async function entryRows(
  reader: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, Selectable<EntriesTable>>> {
  const rows = new Map<number, Selectable<EntriesTable>>();
  if (ids.length === 0) return rows;
  for (const row of await reader
    .selectFrom('entries')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute())
    rows.set(row.id, row);
  return rows;
}
