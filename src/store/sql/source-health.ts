import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { FetchDay, SectionCount, SourceDeskQuery, SourceHealth } from '../store.js';
import { toSource } from './common.js';

/** The window over which entries per day are counted. */
export const RATE_WINDOW_MS = 30 * 86_400_000;

/**
 * What the desk reads of the sources' health: its list (filtered, failing first, a page at a time)
 * and each source's checks by day. The page's sources are chosen first, on the sources table alone,
 * and only their counts are read, so that a page costs the same at 10 or 10,000 sources.
 */
export async function deskSources(
  db: Kysely<Database>,
  query: SourceDeskQuery,
  now: Date,
): Promise<{ sources: SourceHealth[]; total: number }> {
  let q = db.selectFrom('sources');
  const text = query.text?.trim().toLowerCase();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(
      sql<boolean>`lower(coalesce(name, '') || ' ' || coalesce(title, '') || ' ' || feed_url) LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  if (query.status === 'failing')
    q = q.where((eb) =>
      eb.or([
        eb('status', '=', 'disabled'),
        eb.and([eb('status', '=', 'active'), eb('consecutiveFailures', '>', 0)]),
      ]),
    );
  else if (query.status) q = q.where('status', '=', query.status);
  if (query.ids) q = q.where('id', 'in', query.ids.length > 0 ? [...query.ids] : [0]);
  if (query.section !== undefined)
    q = query.section === '' ? q.where('section', 'is', null) : q.where('section', '=', query.section);
  if (query.addedAt) q = q.where('createdAt', '=', query.addedAt.getTime());
  const failingFirst = sql<number>`CASE WHEN status = 'disabled' THEN 0 WHEN consecutive_failures > 0 THEN 1 ELSE 2 END`;
  // The page's ids first, ordered on the narrow columns alone, then their rows: sorting whole rows
  // (wide with validators and errors) cost PostgreSQL 57 ms for page 100 of 10,000 sources, 12 ms so.
  const [chosen, total] = await Promise.all([
    q
      .select('id')
      .orderBy(failingFirst)
      .orderBy('consecutiveFailures', 'desc')
      .orderBy(sql`lower(coalesce(name, title, feed_url))`)
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const ids = chosen.map((r) => r.id);
  const [rows, health] = await Promise.all([
    ids.length > 0 ? db.selectFrom('sources').selectAll().where('id', 'in', ids).execute() : [],
    healthOf(db, ids, now),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const page = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  return {
    sources: page.map((row) => ({
      ...toSource(row),
      ...(health.get(row.id) ?? { entryCount: 0, entriesPerDay: 0, heldCount: 0, meanFetchMs: null }),
    })),
    total: Number(total.n),
  };
}

/** The sections in use, by name, with their sources. */
export async function sourceSections(db: Kysely<Database>): Promise<SectionCount[]> {
  const rows = await db
    .selectFrom('sources')
    .select(['section', (eb) => eb.fn.countAll<number>().as('n')])
    .where('section', 'is not', null)
    .groupBy('section')
    .orderBy('section')
    .execute();
  return rows.map((r) => ({ name: r.section!, sources: Number(r.n) }));
}

type Health = Pick<SourceHealth, 'entryCount' | 'entriesPerDay' | 'heldCount' | 'meanFetchMs'>;

/** The counts of a page of sources, grouped in one query each. */
async function healthOf(db: Kysely<Database>, ids: number[], now: Date): Promise<Map<number, Health>> {
  const found = new Map<number, Health>(
    ids.map((id) => [id, { entryCount: 0, entriesPerDay: 0, heldCount: 0, meanFetchMs: null }]),
  );
  if (ids.length === 0) return found;
  const [entries, recent, held, fetches] = await Promise.all([
    db
      .selectFrom('entries')
      .select(['sourceId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('sourceId', 'in', ids)
      .where('withheld', 'is', null)
      .groupBy('sourceId')
      .execute(),
    db
      .selectFrom('entries')
      .select(['sourceId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('sourceId', 'in', ids)
      .where('sortAt', '>=', now.getTime() - RATE_WINDOW_MS)
      .groupBy('sourceId')
      .execute(),
    db
      .selectFrom('entries')
      .select(['sourceId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('withheld', '=', 'held')
      .where('sourceId', 'in', ids)
      .groupBy('sourceId')
      .execute(),
    db
      .selectFrom('fetches')
      .select(['sourceId', (eb) => eb.fn.avg<number>('durationMs').as('mean')])
      .where('sourceId', 'in', ids)
      .groupBy('sourceId')
      .execute(),
  ]);
  for (const r of entries) found.get(r.sourceId)!.entryCount = Number(r.n);
  for (const r of recent) found.get(r.sourceId)!.entriesPerDay = perDay(Number(r.n));
  for (const r of held) found.get(r.sourceId)!.heldCount = Number(r.n);
  for (const r of fetches)
    found.get(r.sourceId)!.meanFetchMs = r.mean === null ? null : Math.round(Number(r.mean));
  return found;
}

/** Entries per day over the rate window, to a tenth. */
export function perDay(recent: number): number {
  return Math.round((recent / (RATE_WINDOW_MS / 86_400_000)) * 10) / 10;
}

/** A source's checks by day, oldest first. */
export async function fetchDays(db: Kysely<Database>, id: number, since: Date): Promise<FetchDay[]> {
  const rows = await db
    .selectFrom('fetchDays')
    .selectAll()
    .where('sourceId', '=', id)
    .where('day', '>=', Math.floor(since.getTime() / 86_400_000))
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    day: new Date(r.day * 86_400_000),
    checks: r.checks,
    failures: r.failures,
    meanDurationMs: r.checks > 0 ? Math.round(Number(r.durationMs) / r.checks) : 0,
    maxDurationMs: r.maxDurationMs,
  }));
}
