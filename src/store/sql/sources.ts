import { sql, type Kysely, type Selectable } from 'kysely';
import { ALL_PAGES } from '../../model/page-tags.js';
import { feedHost, type FetchRecord, type Source, type SourceStatus } from '../../model/source.js';
import { StoreError } from '../errors.js';
import type { Database, SourcesTable } from '../schema.js';
import type {
  ClaimOptions,
  FetchDay,
  SectionCount,
  NewSource,
  SourceDeskQuery,
  SourceHealth,
  SourceListItem,
  SourcePatch,
  SourceQueue,
  SourceRepository,
} from '../store.js';
import { FETCH_HISTORY_PER_SOURCE, QUEUE_COUNT_LIMIT } from '../store.js';
import { changesPresentation, recordPageChange, toSource, updateSource, writeIntake } from './common.js';
import type { SqlEngine } from './engine.js';
import { recordFetch, toFetch } from './fetches.js';
import { RATE_WINDOW_MS, deskSources, fetchDays, perDay, sourceSections } from './source-health.js';

/**
 * A claim looks at this many times as many due sources as it may take: enough that a host at its
 * limit does not hide the others' due sources behind its own.
 */
const CLAIM_SCAN = 10;

/** The subscribed feeds, their polling state and their fetch history. */
export class SqlSources implements SourceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
  ) {}

  async add(source: NewSource, now: Date): Promise<Source> {
    const existing = await this.findByUrl(source.feedUrl);
    if (existing) {
      throw new StoreError(
        'store.duplicate-source',
        `store: ${source.feedUrl} is already subscribed (source ${existing.id})`,
      );
    }
    const row = await this.db
      .insertInto('sources')
      .values({
        feedUrl: source.feedUrl,
        name: source.name ?? null,
        title: source.title ?? null,
        siteUrl: source.siteUrl ?? null,
        description: source.description ?? null,
        policy: source.policy ?? 'full',
        fullText: source.fullText ? 1 : 0,
        scraperSelector: source.scraperSelector ?? null,
        scraperRemove: JSON.stringify(source.scraperRemove ?? []),
        attributionTemplate: source.attributionTemplate ?? null,
        searchEngines: source.searchEngines ?? null,
        holdNew: source.holdNew ? 1 : 0,
        section: source.section ?? null,
        intake: source.intake ? writeIntake(source.intake) : null,
        language: source.language ?? null,
        status: 'active',
        etag: null,
        lastModified: null,
        lastCheckedAt: null,
        lastSuccessAt: null,
        nextCheckAt: now.getTime(),
        feedHost: feedHost(source.feedUrl),
        lastHttpStatus: null,
        lastErrorCode: null,
        lastError: null,
        consecutiveFailures: 0,
        createdAt: now.getTime(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSource(row);
  }

  async get(id: number): Promise<Source | null> {
    const row = await this.engine.reader
      .selectFrom('sources')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSource(row) : null;
  }

  async getMany(ids: readonly number[]): Promise<Map<number, Source>> {
    const found = new Map<number, Source>();
    if (ids.length === 0) return found;
    const rows = await this.engine.reader
      .selectFrom('sources')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
    for (const row of rows) found.set(row.id, toSource(row));
    return found;
  }

  async findByUrl(feedUrl: string): Promise<Source | null> {
    const row = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('feedUrl', '=', feedUrl)
      .executeTakeFirst();
    return row ? toSource(row) : null;
  }

  async list(): Promise<SourceListItem[]> {
    const rows = await this.engine.reader
      .selectFrom('sources')
      .selectAll('sources')
      .select((eb) =>
        eb
          .selectFrom('entries')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('entries.sourceId', '=', 'sources.id')
          .where('entries.withheld', 'is', null)
          .as('entryCount'),
      )
      .select((eb) =>
        eb
          .selectFrom('entries')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('entries.sourceId', '=', 'sources.id')
          .where('entries.sortAt', '>=', Date.now() - RATE_WINDOW_MS)
          .as('recentCount'),
      )
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      ...toSource(row),
      entryCount: Number(row.entryCount ?? 0),
      entriesPerDay: perDay(Number(row.recentCount ?? 0)),
    }));
  }

  desk(query: SourceDeskQuery): Promise<{ sources: SourceHealth[]; total: number }> {
    return deskSources(this.engine.reader, query, new Date());
  }

  sections(): Promise<SectionCount[]> {
    return sourceSections(this.engine.reader);
  }

  days(id: number, since: Date): Promise<FetchDay[]> {
    return fetchDays(this.engine.reader, id, since);
  }

  async listPublishing(): Promise<Source[]> {
    const rows = await this.engine.reader
      .selectFrom('sources')
      .selectAll()
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('entries')
            .select('entries.id')
            .whereRef('entries.sourceId', '=', 'sources.id')
            .where('entries.withheld', 'is', null),
        ),
      )
      .orderBy('id')
      .execute();
    return rows.map(toSource);
  }

  async publishingSections(): Promise<Array<{ id: number; section: string }>> {
    const rows = await this.engine.reader
      .selectFrom('sources')
      .select(['id', 'section'])
      .where('section', 'is not', null)
      .orderBy('id')
      .execute();
    // Whether a section has an article, asked of each section (a few) and not of each source (10,000
    // sources' lookups took 176 ms on PostgreSQL): the first of its sources with one answers.
    const published = new Set<string>();
    for (const section of new Set(rows.map((r) => r.section!))) {
      const one = await this.engine.reader
        .selectFrom('sources')
        .innerJoin('entries', 'entries.sourceId', 'sources.id')
        .select('entries.id')
        .where('sources.section', '=', section)
        .where('entries.withheld', 'is', null)
        .limit(1)
        .executeTakeFirst();
      if (one) published.add(section);
    }
    return rows.flatMap((r) =>
      published.has(r.section!) ? [{ id: Number(r.id), section: r.section! }] : [],
    );
  }

  async listDue(now: Date, limit: number): Promise<Source[]> {
    const rows = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('nextCheckAt', 'is', null), eb('nextCheckAt', '<=', now.getTime())]))
      .orderBy('nextCheckAt')
      .limit(limit)
      .execute();
    return rows.map(toSource);
  }

  async listActive(): Promise<Source[]> {
    const rows = await this.engine.reader
      .selectFrom('sources')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    return rows.map(toSource);
  }

  async queue(now: Date): Promise<SourceQueue> {
    const at = now.getTime();
    // The due ones through the due order's index, as claims read it (the order asks the planner
    // for that index, whatever it believes of how many are due), the claimed ones through the index
    // of claims held: neither reads a source it does not count.
    const due = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT 1 FROM sources
        WHERE status = 'active' AND coalesce(next_check_at, 0) <= ${at}
          AND (claimed_until IS NULL OR claimed_until <= ${at})
        ORDER BY coalesce(next_check_at, 0), id
        LIMIT ${QUEUE_COUNT_LIMIT}
      ) AS due`.execute(this.db);
    const claimed = await sql<{ n: number }>`
      SELECT count(*) AS n FROM sources WHERE claimed_until > ${at}`.execute(this.db);
    const oldest = await sql<{ due: number | string }>`
      SELECT coalesce(next_check_at, 0) AS due FROM sources
      WHERE status = 'active' AND coalesce(next_check_at, 0) <= ${at}
        AND (claimed_until IS NULL OR claimed_until <= ${at})
      ORDER BY coalesce(next_check_at, 0), id
      LIMIT 1`.execute(this.db);
    const last = await sql<{ ended: number | string }>`
      SELECT started_at + duration_ms AS ended FROM fetches ORDER BY id DESC LIMIT 1`.execute(this.db);
    const oldestDue = oldest.rows[0];
    const lastCheck = last.rows[0];
    return {
      due: Number(due.rows[0]?.n ?? 0),
      claimed: Number(claimed.rows[0]?.n ?? 0),
      oldestDueAt: oldestDue ? new Date(Number(oldestDue.due)) : null,
      lastCheckAt: lastCheck ? new Date(Number(lastCheck.ended)) : null,
    };
  }

  async countByStatus(): Promise<Record<SourceStatus, number>> {
    const rows = await this.db
      .selectFrom('sources')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts: Record<SourceStatus, number> = { active: 0, paused: 0, disabled: 0 };
    for (const row of rows) counts[row.status as SourceStatus] = Number(row.n);
    return counts;
  }

  async claimDue(poller: string, now: Date, limit: number, options: ClaimOptions): Promise<Source[]> {
    if (limit <= 0) return [];
    if (this.engine.hotWrites) return this.engine.hotWrites.claimDue(poller, now, limit, options);
    const at = now.getTime();
    return this.db.transaction().execute(async (trx) => {
      // One claim at a time decides (each is a few milliseconds), so two pollers never both see a
      // host's last free slot; rows a refresh is writing are skipped, not waited for.
      await this.engine.beginClaim(trx);
      const claimed = await sql<Selectable<SourcesTable>>`
        UPDATE sources SET claimed_by = ${poller}, claimed_until = ${at + options.claimMs}
        WHERE id IN (
          SELECT id FROM (
            SELECT c.id, c.feed_host, c.due, row_number() OVER (
              PARTITION BY c.feed_host ORDER BY c.failing, c.due, c.id) AS nth
            FROM (
              SELECT id, feed_host, coalesce(next_check_at, 0) AS due,
                CASE WHEN consecutive_failures > 0 THEN 1 ELSE 0 END AS failing
              FROM sources
              WHERE status = 'active' AND coalesce(next_check_at, 0) <= ${at}
                AND (claimed_until IS NULL OR claimed_until <= ${at})
              ORDER BY coalesce(next_check_at, 0), id
              LIMIT ${limit * CLAIM_SCAN} ${this.engine.skipLocked}
            ) AS c
          ) AS ranked
          WHERE ranked.nth + (
            SELECT count(*) FROM sources b WHERE b.feed_host = ranked.feed_host AND b.claimed_until > ${at}
          ) <= ${options.perHost}
          ORDER BY ranked.due, ranked.id
          LIMIT ${limit}
        )
        RETURNING *`.execute(trx);
      return claimed.rows
        .map(toSource)
        .sort((a, b) => (a.nextCheckAt?.getTime() ?? 0) - (b.nextCheckAt?.getTime() ?? 0) || a.id - b.id);
    });
  }

  async releaseClaims(poller: string): Promise<number> {
    const result = await this.db
      .updateTable('sources')
      .set({ claimedBy: null, claimedUntil: null })
      .where('claimedBy', '=', poller)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  update(id: number, patch: SourcePatch): Promise<void> {
    return this.db.transaction().execute(async (trx) => {
      // A source's name, policy or attribution shows on every page that lists its articles.
      if (await changesPresentation(trx, id, patch)) await recordPageChange(trx, [ALL_PAGES], new Date());
      await updateSource(trx, id, patch);
    });
  }

  recordCheck(id: number, patch: SourcePatch, fetch: FetchRecord): Promise<void> {
    if (this.engine.hotWrites) return this.engine.hotWrites.recordCheck(id, patch, fetch);
    return this.db.transaction().execute(async (trx) => {
      if (await changesPresentation(trx, id, patch))
        await recordPageChange(trx, [ALL_PAGES], fetch.startedAt);
      await updateSource(trx, id, patch, { releaseClaim: true });
      await recordFetch(trx, id, fetch);
    });
  }

  async history(id: number, limit: number): Promise<FetchRecord[]> {
    const rows = await this.engine.reader
      .selectFrom('fetches')
      .selectAll()
      .where('sourceId', '=', id)
      .orderBy('id', 'desc')
      .limit(Math.min(limit, FETCH_HISTORY_PER_SOURCE))
      .execute();
    return rows.map(toFetch);
  }

  remove(id: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Its entries' images are served no more; their files go at the media worker's next pass.
      await trx
        .updateTable('entryMedia')
        .set({ state: 'purged' })
        .where('entryId', 'in', (eb) => eb.selectFrom('entries').select('id').where('sourceId', '=', id))
        .where('state', 'in', ['ready', 'pending', 'failed', 'evicted'])
        .execute();
      const result = await trx.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) await recordPageChange(trx, [ALL_PAGES], new Date());
      return removed;
    });
  }

  async claimConfigSeeds(urls: readonly string[], now: Date): Promise<string[]> {
    if (urls.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const seen = await trx
        .selectFrom('configSeeds')
        .select('url')
        .where('url', 'in', [...urls])
        .execute();
      const known = new Set(seen.map((r) => r.url));
      const fresh = [...new Set(urls)].filter((u) => !known.has(u));
      if (fresh.length > 0) {
        await trx
          .insertInto('configSeeds')
          .values(fresh.map((url) => ({ url, seededAt: now.getTime() })))
          .execute();
      }
      return fresh;
    });
  }
}
