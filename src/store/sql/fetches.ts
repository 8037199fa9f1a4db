import type { Kysely, Selectable } from 'kysely';
import type { FetchRecord } from '../../model/source.js';
import type { Database, FetchesTable } from '../schema.js';
import { FETCH_DAYS_KEPT, FETCH_HISTORY_PER_SOURCE } from '../store.js';

/** One check in this many trims its source's fetch history (see recordFetch). */
const TRIM_FETCHES_EVERY = 8;
/**
 * Appends a check to a source's history and drops what falls past the kept number; the check is
 * over, so the poller's claim on the source ends with it.
 */
export async function recordFetch(db: Kysely<Database>, sourceId: number, fetch: FetchRecord): Promise<void> {
  const row = await db
    .insertInto('fetches')
    .values({
      sourceId,
      startedAt: fetch.startedAt.getTime(),
      durationMs: Math.round(fetch.durationMs),
      outcome: fetch.outcome,
      url: fetch.url,
      httpStatus: fetch.httpStatus,
      bytes: fetch.bytes,
      inserted: fetch.inserted,
      updated: fetch.updated,
      errorCode: fetch.errorCode,
      message: fetch.message,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await countDay(db, sourceId, fetch);
  // The history is trimmed on about one check in eight, not on every one: a statement less on
  // the commonest write of all, for a few more rows kept (history() shows the newest 50 only).
  if (row.id % TRIM_FETCHES_EVERY !== 0) return;
  await db
    .deleteFrom('fetches')
    .where('sourceId', '=', sourceId)
    .where('id', '<=', (eb) =>
      eb
        .selectFrom('fetches')
        .select('id')
        .where('sourceId', '=', sourceId)
        .orderBy('id', 'desc')
        .limit(1)
        .offset(FETCH_HISTORY_PER_SOURCE),
    )
    .execute();
  await db
    .deleteFrom('fetchDays')
    .where('sourceId', '=', sourceId)
    .where('day', '<', dayOf(fetch.startedAt) - FETCH_DAYS_KEPT)
    .execute();
}

export function toFetch(row: Selectable<FetchesTable>): FetchRecord {
  return {
    startedAt: new Date(Number(row.startedAt)),
    durationMs: row.durationMs,
    outcome: row.outcome as FetchRecord['outcome'],
    url: row.url,
    httpStatus: row.httpStatus,
    bytes: row.bytes,
    inserted: row.inserted,
    updated: row.updated,
    errorCode: row.errorCode,
    message: row.message,
  };
}

/** A day's number (days since 1970, UTC), as fetch_days counts them. */
export function dayOf(at: Date | number): number {
  return Math.floor(Number(at) / 86_400_000);
}

/** Adds a check to its source's line for the day it started on. */
async function countDay(db: Kysely<Database>, sourceId: number, fetch: FetchRecord): Promise<void> {
  const durationMs = Math.max(0, Math.round(fetch.durationMs));
  const failed = fetch.outcome === 'failed' ? 1 : 0;
  await db
    .insertInto('fetchDays')
    .values({
      sourceId,
      day: dayOf(fetch.startedAt),
      checks: 1,
      failures: failed,
      durationMs,
      maxDurationMs: durationMs,
    })
    .onConflict((oc) =>
      oc.columns(['sourceId', 'day']).doUpdateSet((eb) => ({
        checks: eb('fetchDays.checks', '+', 1),
        failures: eb('fetchDays.failures', '+', failed),
        durationMs: eb('fetchDays.durationMs', '+', durationMs),
        maxDurationMs: eb
          .case()
          .when('fetchDays.maxDurationMs', '<', durationMs)
          .then(durationMs)
          .else(eb.ref('fetchDays.maxDurationMs'))
          .end(),
      })),
    )
    .execute();
}
