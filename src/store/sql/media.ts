import { sql, type Kysely } from 'kysely';
import { mediaKey } from '../../model/media.js';
import type { Database } from '../schema.js';
import type {
  EntryPictures,
  MediaLine,
  MediaOutcome,
  MediaPurge,
  MediaRepository,
  MediaRole,
  MediaState,
  MediaTask,
} from '../media-queue.js';
import { MEDIA_STATES } from '../media-queue.js';
import { inChunks, recordPageChange, tagsOfEntries } from './common.js';
import type { SqlEngine } from './engine.js';

/** Evicting goes through the oldest images this many at a time. */
const EVICT_BATCH = 200;

/** The media queue on SQL (see MediaRepository). */
export class SqlMedia implements MediaRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Pick<SqlEngine, 'skipLocked' | 'beginClaim' | 'reader'>,
  ) {}

  async claim(now: Date, limit: number, claimMs: number): Promise<MediaTask[]> {
    if (limit <= 0) return [];
    const at = now.getTime();
    // Moving an image's time past the claim is the claim: no other worker sees it as due until this
    // one records how it went, or dies and the claim runs out.
    const claimed = await this.db.transaction().execute(async (trx) => {
      await this.engine.beginClaim(trx);
      return sql<{ entryId: number; role: string; sourceUrl: string; fileKey: string; attempts: number }>`
        UPDATE entry_media SET next_at = ${at + claimMs}
        WHERE (entry_id, file_key) IN (
          SELECT entry_id, file_key FROM entry_media
          WHERE state = 'pending' AND next_at <= ${at}
          ORDER BY next_at, entry_id LIMIT ${limit} ${this.engine.skipLocked}
        )
        RETURNING entry_id, role, source_url, file_key, attempts`.execute(trx);
    });
    return claimed.rows.map((r) => ({
      entryId: Number(r.entryId),
      role: r.role as MediaRole,
      url: r.sourceUrl,
      key: r.fileKey,
      attempts: Number(r.attempts),
    }));
  }

  finish({ entryId, key }: MediaLine, outcome: MediaOutcome, now: Date): Promise<void> {
    return this.db.transaction().execute(async (trx) => {
      if (outcome.state === 'ready') {
        const row = await trx
          .updateTable('entryMedia')
          .set({
            state: 'ready',
            note: null,
            nextAt: null,
            width: outcome.width,
            height: outcome.height,
            bytes: outcome.bytes,
            fetchedAt: now.getTime(),
          })
          .where('entryId', '=', entryId)
          .where('fileKey', '=', key)
          .where('state', '=', 'pending')
          .returning('entryId')
          .executeTakeFirst();
        if (!row) return;
        const entry = await trx
          .selectFrom('entries')
          .select(['id', 'sourceId'])
          .where('id', '=', entryId)
          .where('withheld', 'is', null)
          .executeTakeFirst();
        // The pages that show the entry now show its image.
        if (entry) await recordPageChange(trx, await tagsOfEntries(trx, [entry]), now);
        return;
      }
      await trx
        .updateTable('entryMedia')
        .set((eb) => ({
          state: outcome.state,
          note: outcome.note,
          attempts: eb('attempts', '+', 1),
          nextAt: outcome.state === 'pending' ? outcome.retryAt.getTime() : null,
        }))
        .where('entryId', '=', entryId)
        .where('fileKey', '=', key)
        .where('state', '=', 'pending')
        .execute();
    });
  }

  async kept(key: string): Promise<{ width: number; height: number; bytes: number } | null> {
    const row = await this.db
      .selectFrom('entryMedia')
      .select(['width', 'height', 'bytes'])
      .where('fileKey', '=', key)
      .where('state', '=', 'ready')
      .limit(1)
      .executeTakeFirst();
    if (!row || row.width === null || row.height === null) return null;
    return { width: Number(row.width), height: Number(row.height), bytes: Number(row.bytes ?? 0) };
  }

  async servable(key: string): Promise<boolean> {
    const row = await this.engine.reader
      .selectFrom('entryMedia as m')
      .innerJoin('entries as e', 'e.id', 'm.entryId')
      .select('m.entryId')
      .where('m.fileKey', '=', key)
      .where('m.state', '=', 'ready')
      .where('e.withheld', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async imagesOf(entryIds: readonly number[]): Promise<Map<number, EntryPictures>> {
    const found = new Map<number, EntryPictures>();
    for (const chunk of inChunks([...new Set(entryIds)])) {
      const rows = await this.engine.reader
        .selectFrom('entryMedia')
        .select(['entryId', 'fileKey', 'role', 'width', 'height', 'sourceUrl'])
        .where('entryId', 'in', chunk)
        .where('state', '=', 'ready')
        .execute();
      for (const r of rows) {
        if (r.width === null || r.height === null) continue;
        const picture = {
          key: r.fileKey,
          width: Number(r.width),
          height: Number(r.height),
          sourceUrl: r.sourceUrl,
        };
        const id = Number(r.entryId);
        const pictures = found.get(id) ?? { lead: null, all: [] };
        if (r.role === 'lead') pictures.lead = picture;
        pictures.all.push(picture);
        found.set(id, pictures);
      }
    }
    return found;
  }

  async sweep(): Promise<number> {
    const result = await this.db
      .updateTable('entryMedia')
      .set({ state: 'purged' })
      .where('state', 'in', ['ready', 'pending', 'failed', 'evicted'])
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('entries as e').select('e.id').whereRef('e.id', '=', 'entryMedia.entryId')),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async purges(limit: number): Promise<MediaPurge[]> {
    const rows = await this.db
      .selectFrom('entryMedia')
      .select(['entryId', 'fileKey'])
      .where('state', '=', 'purged')
      .orderBy('entryId')
      .orderBy('fileKey')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ entryId: Number(r.entryId), key: r.fileKey }));
  }

  async inUse(key: string, except: readonly MediaLine[]): Promise<boolean> {
    const skip = new Set(except.filter((l) => l.key === key).map((l) => l.entryId));
    const rows = await this.db
      .selectFrom('entryMedia')
      .select('entryId')
      .where('fileKey', '=', key)
      .where('state', '=', 'ready')
      .limit(skip.size + 1)
      .execute();
    return rows.some((r) => !skip.has(Number(r.entryId)));
  }

  async settle(lines: readonly MediaLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const { entryId, key } of lines) {
        const entry = await trx
          .selectFrom('entries')
          .select('id')
          .where('id', '=', entryId)
          .executeTakeFirst();
        const line = trx
          .updateTable('entryMedia')
          .where('entryId', '=', entryId)
          .where('fileKey', '=', key)
          .where('state', '=', 'purged');
        if (entry)
          await line
            .set({ state: 'gone', width: null, height: null, bytes: null, fetchedAt: null })
            .execute();
        else
          await trx
            .deleteFrom('entryMedia')
            .where('entryId', '=', entryId)
            .where('fileKey', '=', key)
            .where('state', '=', 'purged')
            .execute();
      }
    });
  }

  async usage(): Promise<{ bytes: number; images: number }> {
    const row = await sql<{ images: number | string; bytes: number | string | null }>`
      SELECT count(*) AS images, sum(b) AS bytes FROM (
        SELECT file_key, max(bytes) AS b FROM entry_media WHERE state = 'ready' GROUP BY file_key
      ) AS kept`.execute(this.db);
    const r = row.rows[0];
    return { images: Number(r?.images ?? 0), bytes: Number(r?.bytes ?? 0) };
  }

  async evict(bytes: number, now: Date): Promise<string[]> {
    const keys: string[] = [];
    let freed = 0;
    while (freed < bytes) {
      const rows = await sql<{ fileKey: string; b: number | string | null }>`
        SELECT file_key, max(bytes) AS b FROM entry_media WHERE state = 'ready'
        GROUP BY file_key ORDER BY max(fetched_at), file_key LIMIT ${EVICT_BATCH}`.execute(this.db);
      if (rows.rows.length === 0) break;
      const batch: string[] = [];
      for (const r of rows.rows) {
        if (freed >= bytes) break;
        batch.push(r.fileKey);
        freed += Number(r.b ?? 0);
      }
      await this.db
        .updateTable('entryMedia')
        .set({ state: 'evicted', note: `evicted ${now.toISOString()} to keep within the disk bound` })
        .where('fileKey', 'in', batch)
        .where('state', '=', 'ready')
        .execute();
      keys.push(...batch);
    }
    return keys;
  }

  async counts(): Promise<Record<MediaState, number>> {
    const rows = await this.engine.reader
      .selectFrom('entryMedia')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    const counts = Object.fromEntries(MEDIA_STATES.map((s) => [s, 0])) as Record<MediaState, number>;
    for (const row of rows) counts[row.state as MediaState] = Number(row.n);
    return counts;
  }
}

/**
 * Queues entries' pictures, pending now (within a refresh's or a full text's transaction). A picture
 * already queued for the entry keeps its line: a lead image queued first stays the lead image.
 */
export async function queueMedia(
  trx: Kysely<Database>,
  images: ReadonlyArray<{ entryId: number; url: string; role: MediaRole }>,
  now: Date,
): Promise<void> {
  if (images.length === 0) return;
  for (let i = 0; i < images.length; i += 100) {
    await trx
      .insertInto('entryMedia')
      .values(
        images.slice(i, i + 100).map(({ entryId, url, role }) => ({
          entryId,
          role,
          sourceUrl: url,
          fileKey: mediaKey(url),
          state: 'pending',
          attempts: 0,
          nextAt: now.getTime(),
          note: null,
          width: null,
          height: null,
          bytes: null,
          fetchedAt: null,
        })),
      )
      .onConflict((oc) => oc.columns(['entryId', 'fileKey']).doNothing())
      .execute();
  }
}

/** The entries leave the pages: their images are served no more, and their files are to be deleted. */
export async function purgeMedia(trx: Kysely<Database>, entryIds: readonly number[]): Promise<void> {
  for (const chunk of inChunks([...entryIds])) {
    await trx
      .updateTable('entryMedia')
      .set({ state: 'purged' })
      .where('entryId', 'in', chunk)
      .where('state', 'in', ['ready', 'evicted'])
      .execute();
  }
}

/** The entries are back on the pages: images whose copies were deleted are fetched again. */
export async function restoreMedia(
  trx: Kysely<Database>,
  entryIds: readonly number[],
  now: Date,
): Promise<void> {
  for (const chunk of inChunks([...entryIds])) {
    await trx
      .updateTable('entryMedia')
      .set({ state: 'pending', attempts: 0, nextAt: now.getTime(), note: null })
      .where('entryId', 'in', chunk)
      .where('state', 'in', ['purged', 'gone'])
      .execute();
  }
}
