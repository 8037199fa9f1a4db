import { createHash, randomBytes } from 'node:crypto';
import {
  sql,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type Transaction,
} from 'kysely';
import type { Entry, EntryInput } from '../model/entry.js';
import { entryFacets, type Facet, type FacetKind } from '../model/facets.js';
import {
  feedHost,
  type FetchRecord,
  type RightsPolicy,
  type SearchEnginePolicy,
  type Source,
  type SourceStatus,
} from '../model/source.js';
import { StoreError } from './errors.js';
import {
  coveringDomains,
  suppressingRule,
  urlHostKey,
  urlKey,
  type SuppressionRule,
} from '../model/rights.js';
import type { Subscription, SubscriptionState } from '../model/subscription.js';
import {
  INSERT_BATCH,
  changesPresentation,
  localPageChangeCount,
  date,
  recordPageChange,
  tagsOfEntries,
  toEntry,
  updateSource,
} from './sql-common.js';
import {
  ALL_PAGES,
  LISTING,
  facetTag,
  sourceTag,
  type PageChange,
  type PageTag,
} from '../model/page-tags.js';
import { SqlRights, toRule } from './sql-rights.js';
import { SqlOutbox, SqlTakedowns } from './sql-takedowns.js';
import { SqlUsers } from './sql-users.js';
import { SqlExtractions } from './sql-extractions.js';
import { unpackEntries, type EntriesInput } from './entry-batch.js';
import { insertRows } from './insert-rows.js';
import type { Database, EntriesTable, FetchesTable, SourcesTable, SubscriptionsTable } from './schema.js';
import { FETCH_HISTORY_PER_SOURCE } from './store.js';
import type {
  ClaimOptions,
  EntryPage,
  EntryQuery,
  EntryRepository,
  NewSource,
  SaveResult,
  SourceListItem,
  SourceQueue,
  SourcePatch,
  SourceRepository,
  Store,
  SubscriptionPatch,
  SubscriptionRepository,
  RightsRepository,
  TakedownRepository,
  UserRepository,
  OutboxRepository,
  ExtractionRepository,
  SearchPage,
  SearchQuery,
} from './store.js';
import { QUEUE_COUNT_LIMIT, SEARCH_COUNT_LIMIT } from './store.js';
import { markSnippet, runSearch, type FullTextIndex } from './full-text.js';

/**
 * A claim looks at this many times as many due sources as it may take: enough that a host at its
 * limit does not hide the others' due sources behind its own.
 */
const CLAIM_SCAN = 10;
/** One check in this many trims its source's fetch history (see recordFetch). */
const TRIM_FETCHES_EVERY = 8;

/** How far ahead a published date may be before it no longer decides the order (clock skew, scheduled posts). */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** The window over which entries per day are counted. */
const RATE_WINDOW_MS = 30 * 86_400_000;

/** The writes every check makes, which an engine may run elsewhere (see SqlEngine.hotWrites). */
export interface HotWrites {
  saveRefresh: EntryRepository['saveRefresh'];
  recordCheck: SourceRepository['recordCheck'];
  claimDue: SourceRepository['claimDue'];
}

/** What differs between the engines beneath the one query layer. */
export interface SqlEngine {
  fullText: FullTextIndex;
  /**
   * Keeps takedown rules from being granted until the transaction ends (a refresh holds this
   * between reading the rules and storing what they let through). Engines that run one writer at
   * a time need nothing.
   */
  holdRules(trx: Transaction<Database>): Promise<void>;
  /**
   * Starts a claim's transaction (see claimDue): claims are made one at a time, as engines that
   * run one writer at a time do anyway, and planned the way a queue needs.
   */
  beginClaim(trx: Transaction<Database>): Promise<void>;
  /** The clause that makes a SELECT lock its rows and skip those another transaction holds, where the engine has one. */
  skipLocked: RawBuilder<unknown>;
  /**
   * What pages read through: on SQLite a second connection, so that a page never waits for a
   * poll's write transaction to end (it reads what was committed); on PostgreSQL the same pool.
   */
  reader: Kysely<Database>;
  /** The engine's counter of commits by other connections, when it has a cheap one (see pageChangeHint). */
  otherCommits: (() => number | string | null) | null;
  /**
   * Where the polls' own writes run, when not here: on SQLite, the thread that holds the writing
   * connection runs each of them whole, so that the statements of a refresh cost this thread
   * nothing and do not wait on it between one another.
   */
  hotWrites?: HotWrites;
  close(): Promise<void>;
}

/** The Store on any engine Kysely speaks; the engine folders open the connection, migrate and say what differs. */
export class SqlStore implements Store {
  readonly sources: SourceRepository;
  readonly entries: EntryRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly rights: RightsRepository;
  readonly takedowns: TakedownRepository;
  readonly users: UserRepository;
  readonly outbox: OutboxRepository;
  readonly extractions: ExtractionRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
  ) {
    this.sources = new SqlSources(db, engine);
    this.entries = new SqlEntries(db, engine);
    this.subscriptions = new SqlSubscriptions(db, engine.reader);
    this.rights = new SqlRights(db);
    this.takedowns = new SqlTakedowns(db);
    this.users = new SqlUsers(db);
    this.outbox = new SqlOutbox(db, engine.skipLocked);
    this.extractions = new SqlExtractions(db, engine);
  }

  async pageChanges(afterId: number, limit: number): Promise<PageChange[]> {
    const rows = await this.engine.reader
      .selectFrom('pageChanges')
      .select(['id', 'tags', 'additions'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      tags: r.tags.split(' '),
      additions: Number(r.additions) === 1,
    }));
  }

  pageChangeHint(): string | null {
    const commits = this.engine.otherCommits?.() ?? null;
    return commits === null ? null : `${commits}:${localPageChangeCount()}`;
  }

  async lastPageChange(): Promise<number> {
    const row = await this.engine.reader
      .selectFrom('pageChanges')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  async hitRateLimit(
    bucket: string,
    key: string,
    limit: number,
    windowMs: number,
    now: Date,
  ): Promise<number | null> {
    const at = now.getTime();
    // One statement counts and inserts, so the check and the count cannot be split by another
    // client's use (nor hold a transaction open across awaits, which two connections in one thread
    // would deadlock on). On an engine whose isolation lets two such inserts race, a client may get
    // one use more than the limit, never fewer.
    const inserted = await sql`
      INSERT INTO rate_hits (bucket, key, at, expires_at)
      SELECT ${bucket}, ${key}, ${at}, ${at + windowMs}
      WHERE (SELECT count(*) FROM rate_hits WHERE bucket = ${bucket} AND key = ${key} AND at > ${at - windowMs})
        < ${limit}`.execute(this.db);
    await this.db.deleteFrom('rateHits').where('expiresAt', '<=', at).execute();
    if (Number(inserted.numAffectedRows ?? 0) > 0) return null;
    const row = await this.db
      .selectFrom('rateHits')
      .select((eb) => eb.fn.min('at').as('first'))
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .where('at', '>', at - windowMs)
      .executeTakeFirst();
    return Math.max(1, Math.ceil((Number(row?.first ?? at) + windowMs - at) / 1000));
  }

  async secret(name: string): Promise<string> {
    // Two processes may both make one: the first insert wins and both read the winner.
    await this.db
      .insertInto('secrets')
      .values({ name, value: randomBytes(32).toString('hex') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

class SqlSources implements SourceRepository {
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
      entriesPerDay: Math.round((Number(row.recentCount ?? 0) / (RATE_WINDOW_MS / 86_400_000)) * 10) / 10,
    }));
  }

  async listPublishing(): Promise<Source[]> {
    const rows = await this.engine.reader
      .selectFrom('sources')
      .selectAll()
      .where((eb) =>
        eb.exists(
          eb.selectFrom('entries').select('entries.id').whereRef('entries.sourceId', '=', 'sources.id'),
        ),
      )
      .orderBy('id')
      .execute();
    return rows.map(toSource);
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

class SqlEntries implements EntryRepository {
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
    let entries = unpackEntries(given);
    return this.db.transaction().execute(async (trx) => {
      const result: SaveResult = { inserted: 0, updated: 0, unchanged: 0, suppressed: 0 };
      // No rule may be granted between reading the rules and storing what they let through.
      await this.engine.holdRules(trx);
      const rules = await rulesFor(trx, sourceId, entries);
      if (rules.length > 0) {
        const allowed = entries.filter(
          (e) => !suppressingRule(rules, { sourceId, url: e.url, author: e.author }),
        );
        result.suppressed = entries.length - allowed.length;
        entries = allowed;
      }
      const hashes = entries.map((e) => hashGuid(e.guid));
      const known = await knownEntries(trx, sourceId, entries, hashes);
      const fresh: NewEntryRow[] = [];
      /** The pages this refresh changes, for the page caches. */
      const touched: PageTag[] = [];
      /** The authors and tags of each new row, written once the row has its id. */
      const facetsOf = new Map<NewEntryRow, Facet[]>();
      /** The search text of each new row, when the entry came with it. */
      const textOf = new Map<NewEntryRow, string | undefined>();
      const pending = { byGuid: new Map<string, NewEntryRow>(), byUrl: new Map<string, NewEntryRow>() };
      for (const [i, entry] of entries.entries()) {
        const guidHash = hashes[i]!;
        const url = entry.url ?? undefined;
        const stored = known.byGuid.get(guidHash);
        const queued = stored ? undefined : pending.byGuid.get(guidHash);
        const match =
          stored ??
          queued ??
          (url !== undefined ? (known.byUrl.get(url) ?? pending.byUrl.get(url)) : undefined);
        if (!match) {
          const row = newEntryRow(sourceId, entry, guidHash, now);
          fresh.push(row);
          facetsOf.set(row, entryFacets(entry));
          textOf.set(row, entry.searchText);
          pending.byGuid.set(guidHash, row);
          if (url !== undefined && !known.byUrl.has(url) && !pending.byUrl.has(url))
            pending.byUrl.set(url, row);
          result.inserted++;
        } else if (match.contentHash === entry.contentHash) {
          result.unchanged++;
        } else if ('sortAt' in match) {
          // A feed that repeats a guid or a URL within one document: the later copy wins.
          Object.assign(match, entryColumns(entry), { guid: entry.guid, guidHash });
          facetsOf.set(match, entryFacets(entry));
          textOf.set(match, entry.searchText);
          pending.byGuid.set(guidHash, match);
          result.updated++;
        } else {
          // Its pages before the change (old authors and tags too), and after.
          touched.push(...(await tagsOfEntries(trx, [{ id: match.id, sourceId }])));
          const row = await trx
            .updateTable('entries')
            .set({ ...entryColumns(entry), guid: entry.guid, guidHash })
            .where('id', '=', match.id)
            .returning(['sortAt', 'articleHtml'])
            .executeTakeFirstOrThrow();
          await trx.deleteFrom('entryFacets').where('entryId', '=', match.id).execute();
          const newFacets = entryFacets(entry);
          await insertFacets(trx, [{ id: match.id, sortAt: row.sortAt, facets: newFacets }]);
          for (const f of newFacets) touched.push(facetTag(f.kind, f.key));
          // An entry whose article was extracted is searched by the article, whatever the feed says:
          // the feed's own search text is left out, and the index reads the article.
          await this.engine.fullText.replace(trx, {
            ...entry,
            id: match.id,
            sourceId,
            sortAt: row.sortAt,
            articleHtml: row.articleHtml,
            searchText: row.articleHtml ? undefined : entry.searchText,
          });
          match.contentHash = entry.contentHash;
          known.byGuid.set(guidHash, match);
          result.updated++;
        }
      }
      // A new name, link or policy from the feed: every page that shows the source's entries changes
      // at once, unless nothing of the source showed yet (its first poll), when it only adds to pages.
      const presentation = await changesPresentation(trx, sourceId, patch);
      const shownBefore =
        presentation &&
        (await trx
          .selectFrom('entries')
          .select('id')
          .where('sourceId', '=', sourceId)
          .limit(1)
          .executeTakeFirst()) !== undefined;
      // A full-text source's new entries join the full-text queue, each with its page to fetch.
      const fullText =
        fresh.length > 0 &&
        Boolean(
          (await trx.selectFrom('sources').select('fullText').where('id', '=', sourceId).executeTakeFirst())
            ?.fullText,
        );
      // New entries go in a few multi-row inserts: one statement per batch, not per entry.
      for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
        const batch = fresh.slice(i, i + INSERT_BATCH);
        const ids = await insertRows<Database, { id: number; guidHash: string }>(
          trx,
          'entries',
          ENTRY_COLUMN_NAMES,
          batch.map((row) => ENTRY_COLUMNS.map(([field]) => row[field] ?? null)),
          'returning "id", "guid_hash"',
        );
        const idOf = new Map(ids.map((r) => [r.guidHash, r.id]));
        await insertFacets(
          trx,
          batch.map((row) => ({
            id: idOf.get(row.guidHash)!,
            sortAt: row.sortAt,
            facets: facetsOf.get(row) ?? [],
          })),
        );
        await this.engine.fullText.add(
          trx,
          batch.map((row) => ({ ...row, id: idOf.get(row.guidHash)!, searchText: textOf.get(row) })),
        );
        const pages = fullText ? batch.filter((row) => row.url) : [];
        if (pages.length > 0) {
          await trx
            .insertInto('extractions')
            .values(
              pages.map((row) => ({
                entryId: idOf.get(row.guidHash)!,
                sourceId,
                state: 'pending',
                attempts: 0,
                nextAt: now.getTime(),
                note: null,
                updatedAt: now.getTime(),
                pageHost: feedHost(row.url!),
                claimedUntil: null,
              })),
            )
            .execute();
        }
      }
      // The pages that only gain new entries, apart from those that change (see PageChange).
      const added: PageTag[] = [];
      if (fresh.length > 0) {
        added.push(LISTING, sourceTag(sourceId));
        for (const row of fresh) for (const f of facetsOf.get(row) ?? []) added.push(facetTag(f.kind, f.key));
      }
      if (presentation && shownBefore) touched.push(ALL_PAGES);
      else if (presentation) added.push(LISTING, sourceTag(sourceId));
      await recordPageChange(trx, touched, now);
      await recordPageChange(trx, added, now, { additions: true });
      // A poll's refresh (with its fetch) ends the poller's claim; a push has none to end.
      await updateSource(trx, sourceId, patch, { releaseClaim: fetch !== undefined });
      if (fetch)
        await recordFetch(trx, sourceId, { ...fetch, inserted: result.inserted, updated: result.updated });
      return result;
    });
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
    const before = query.before;
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('sortAt', '<', before.sortAt),
          eb.and([eb('sortAt', '=', before.sortAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('sortAt', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit).map(toEntry);
    const last = page[page.length - 1];
    const next = rows.length > query.limit && last ? { sortAt: last.sortAt.getTime(), id: last.id } : null;
    return { entries: page, next };
  }

  /** An author's or a tag's entries: paged through the facet index, then fetched by id. */
  private async listFacet(facet: { kind: FacetKind; key: string }, query: EntryQuery): Promise<EntryPage> {
    let q = this.engine.reader
      .selectFrom('entryFacets')
      .select(['entryId', 'sortAt'])
      .where('kind', '=', facet.kind)
      .where('key', '=', facet.key);
    const before = query.before;
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('sortAt', '<', before.sortAt),
          eb.and([eb('sortAt', '=', before.sortAt), eb('entryId', '<', before.id)]),
        ]),
      );
    }
    const hits = await q
      .orderBy('sortAt', 'desc')
      .orderBy('entryId', 'desc')
      .limit(query.limit + 1)
      .execute();
    const shown = hits.slice(0, query.limit);
    const rows = shown.length
      ? await this.engine.reader
          .selectFrom('entries')
          .selectAll()
          .where(
            'id',
            'in',
            shown.map((h) => h.entryId),
          )
          .execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const entries = shown.flatMap((h) => {
      const row = byId.get(h.entryId);
      return row ? [toEntry(row)] : [];
    });
    const last = shown[shown.length - 1];
    const next = hits.length > query.limit && last ? { sortAt: Number(last.sortAt), id: last.entryId } : null;
    return { entries, next };
  }

  /** Full-text search through the engine's index (full-text.ts); only the shown hits' rows are read. */
  async search(query: SearchQuery): Promise<SearchPage> {
    const found = await runSearch(this.engine.reader, this.engine.fullText, query);
    if (!found) return { hits: [], total: 0, moreThanTotal: false, ignored: [] };
    const rows = new Map<number, Selectable<EntriesTable>>();
    if (found.ids.length) {
      const read = await this.engine.reader
        .selectFrom('entries')
        .selectAll()
        .where('id', 'in', found.ids)
        .execute();
      for (const row of read) rows.set(row.id, row);
    }
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

class SqlSubscriptions implements SubscriptionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** Where committed state is read from; every refresh reads its source's subscription. */
    private readonly reader: Kysely<Database>,
  ) {}

  async get(sourceId: number): Promise<Subscription | null> {
    const row = await this.reader
      .selectFrom('subscriptions')
      .selectAll()
      .where('sourceId', '=', sourceId)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async findByToken(token: string): Promise<Subscription | null> {
    const row = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('token', '=', token)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async put(subscription: Subscription): Promise<void> {
    const s = subscription;
    const values: Omit<SubscriptionsTable, 'sourceId'> = {
      token: s.token,
      hub: s.hub,
      topic: s.topic,
      secret: s.secret,
      state: s.state,
      requestedAt: s.requestedAt.getTime(),
      verifiedAt: s.verifiedAt?.getTime() ?? null,
      leaseSeconds: s.leaseSeconds,
      expiresAt: s.expiresAt?.getTime() ?? null,
      renewAt: s.renewAt.getTime(),
      attempts: s.attempts,
      lastError: s.lastError,
      lastPushAt: s.lastPushAt?.getTime() ?? null,
      pushes: s.pushes,
      rejectedPushes: s.rejectedPushes,
    };
    await this.db
      .insertInto('subscriptions')
      .values({ ...values, sourceId: subscription.sourceId })
      .onConflict((oc) => oc.column('sourceId').doUpdateSet(values))
      .execute();
  }

  async update(
    sourceId: number,
    patch: SubscriptionPatch,
    onlyIn?: readonly SubscriptionState[],
  ): Promise<boolean> {
    const set = subscriptionColumns(patch);
    if (Object.keys(set).length === 0) return false;
    let q = this.db.updateTable('subscriptions').set(set).where('sourceId', '=', sourceId);
    if (onlyIn) q = q.where('state', 'in', [...onlyIn]);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listDue(now: Date, limit: number): Promise<Subscription[]> {
    const rows = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('renewAt', '<=', now.getTime())
      .orderBy('renewAt')
      .limit(limit)
      .execute();
    return rows.map(toSubscription);
  }

  async recordPush(sourceId: number, at: Date, rejection: string | null): Promise<void> {
    await this.db
      .updateTable('subscriptions')
      .set((eb) =>
        rejection === null
          ? { pushes: eb('pushes', '+', 1), lastPushAt: at.getTime() }
          : { rejectedPushes: eb('rejectedPushes', '+', 1), lastError: rejection },
      )
      .where('sourceId', '=', sourceId)
      .execute();
  }

  async remove(sourceId: number): Promise<void> {
    await this.db.deleteFrom('subscriptions').where('sourceId', '=', sourceId).execute();
  }
}

/** The columns of whichever subscription fields are given (dates as ms). */
function subscriptionColumns(s: SubscriptionPatch): Partial<Omit<SubscriptionsTable, 'sourceId'>> {
  const out: Partial<Record<keyof SubscriptionsTable, unknown>> = {};
  for (const [key, value] of Object.entries(s) as Array<[keyof Subscription, unknown]>) {
    if (value === undefined || key === 'sourceId') continue;
    out[key] = value instanceof Date ? value.getTime() : value;
  }
  return out as Partial<Omit<SubscriptionsTable, 'sourceId'>>;
}

function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    sourceId: row.sourceId,
    token: row.token,
    hub: row.hub,
    topic: row.topic,
    secret: row.secret,
    state: row.state as SubscriptionState,
    requestedAt: new Date(Number(row.requestedAt)),
    verifiedAt: date(row.verifiedAt),
    leaseSeconds: row.leaseSeconds,
    expiresAt: date(row.expiresAt),
    renewAt: new Date(Number(row.renewAt)),
    attempts: row.attempts,
    lastError: row.lastError,
    lastPushAt: date(row.lastPushAt),
    pushes: row.pushes,
    rejectedPushes: row.rejectedPushes,
  };
}

interface KnownEntry {
  id: number;
  contentHash: string;
}

/** Bound parameters per IN list: well under every engine's limit. */
const IN_CHUNK = 500;

/** The stored entries of a source that a refresh may match, by guid hash and by URL, in a few queries. */
async function knownEntries(
  trx: Transaction<Database>,
  sourceId: number,
  entries: readonly EntryInput[],
  guidHashes: readonly string[],
): Promise<{ byGuid: Map<string, KnownEntry>; byUrl: Map<string, KnownEntry> }> {
  const byGuid = new Map<string, KnownEntry>();
  const byUrl = new Map<string, KnownEntry>();
  const urls = entries.flatMap((e) => (e.url ? [e.url] : []));
  for (const chunk of chunks(guidHashes)) {
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'contentHash', 'guidHash'])
      .where('sourceId', '=', sourceId)
      .where('guidHash', 'in', chunk)
      .execute();
    for (const row of rows) byGuid.set(row.guidHash, row);
  }
  for (const chunk of chunks(urls)) {
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'contentHash', 'url'])
      .where('sourceId', '=', sourceId)
      .where('url', 'in', chunk)
      .orderBy('id')
      .execute();
    for (const row of rows) if (row.url !== null && !byUrl.has(row.url)) byUrl.set(row.url, row);
  }
  return { byGuid, byUrl };
}

/** The distinct values, IN_CHUNK at a time. */
function chunks(values: readonly string[]): string[][] {
  const distinct = [...new Set(values)];
  const out: string[][] = [];
  for (let i = 0; i < distinct.length; i += IN_CHUNK) out.push(distinct.slice(i, i + IN_CHUNK));
  return out;
}

/**
 * The active rules that could cover any of these entries, in a few indexed queries: rules on the
 * source, on the entries' normalized URLs, and on their hosts or parent domains. The URLs and
 * domains go IN_CHUNK at a time, so that a feed of any length stays within the engines' limits on
 * bound parameters (SQLite's 32,766; a 100,000-item feed's keys in one list never ran).
 */
async function rulesFor(
  db: Kysely<Database>,
  sourceId: number,
  entries: readonly EntryInput[],
): Promise<SuppressionRule[]> {
  const keys = chunks(entries.flatMap((e) => urlKey(e.url) ?? []));
  const domains = chunks(entries.flatMap((e) => coveringDomains(urlHostKey(e.url))));
  const found = new Map<number, SuppressionRule>();
  for (let i = 0; i < Math.max(1, keys.length, domains.length); i++) {
    const someKeys = keys[i] ?? [];
    const someDomains = domains[i] ?? [];
    const rows = await db
      .selectFrom('suppressionRules')
      .selectAll()
      .where('revokedAt', 'is', null)
      .where((eb) =>
        eb.or([
          ...(i === 0 ? [eb('sourceId', '=', sourceId)] : []),
          ...(someKeys.length ? [eb('urlKey', 'in', someKeys)] : []),
          ...(someDomains.length ? [eb('domain', 'in', someDomains)] : []),
        ]),
      )
      .execute();
    for (const row of rows) found.set(row.id, toRule(row));
  }
  return [...found.values()];
}

type NewEntryRow = Insertable<EntriesTable> & { contentHash: string; sortAt: number };

/** Writes the authors and tags of entries that have their ids, in multi-row inserts. */
async function insertFacets(
  db: Kysely<Database>,
  entries: ReadonlyArray<{ id: number; sortAt: number; facets: readonly Facet[] }>,
): Promise<void> {
  const rows = entries.flatMap((e) => e.facets.map((f) => [e.id, f.kind, f.key, f.label, e.sortAt]));
  // 5 columns a row: 150 rows stay far below every engine's parameter limit.
  for (let i = 0; i < rows.length; i += 150) {
    await insertRows(db, 'entry_facets', FACET_COLUMNS, rows.slice(i, i + 150), 'on conflict do nothing');
  }
}

const FACET_COLUMNS = ['entry_id', 'kind', 'key', 'label', 'sort_at'];

/** The columns a new entry is inserted with (the rest is the id), as the row names them and as the table does. */
const ENTRY_COLUMNS: ReadonlyArray<readonly [keyof NewEntryRow, string]> = [
  ['sourceId', 'source_id'],
  ['guid', 'guid'],
  ['guidHash', 'guid_hash'],
  ['url', 'url'],
  ['title', 'title'],
  ['author', 'author'],
  ['publishedAt', 'published_at'],
  ['updatedAt', 'updated_at'],
  ['createdAt', 'created_at'],
  ['sortAt', 'sort_at'],
  ['summaryHtml', 'summary_html'],
  ['contentHtml', 'content_html'],
  ['articleHtml', 'article_html'],
  ['categories', 'categories'],
  ['enclosures', 'enclosures'],
  ['contentHash', 'content_hash'],
  ['urlKey', 'url_key'],
  ['hostKey', 'host_key'],
];
const ENTRY_COLUMN_NAMES = ENTRY_COLUMNS.map(([, column]) => column);

function newEntryRow(sourceId: number, entry: EntryInput, guidHash: string, now: Date): NewEntryRow {
  const published = entry.publishedAt?.getTime() ?? null;
  const sortAt =
    published !== null && published <= now.getTime() + FUTURE_TOLERANCE_MS ? published : now.getTime();
  return {
    ...entryColumns(entry),
    sourceId,
    guid: entry.guid,
    guidHash,
    createdAt: now.getTime(),
    sortAt,
    articleHtml: null,
  };
}

function entryColumns(entry: EntryInput) {
  return {
    url: entry.url,
    title: entry.title,
    author: entry.author,
    publishedAt: entry.publishedAt?.getTime() ?? null,
    updatedAt: entry.updatedAt?.getTime() ?? null,
    summaryHtml: entry.summaryHtml,
    contentHtml: entry.contentHtml,
    categories: JSON.stringify(entry.categories),
    enclosures: JSON.stringify(entry.enclosures),
    contentHash: entry.contentHash,
    urlKey: urlKey(entry.url),
    hostKey: urlHostKey(entry.url),
  };
}

/**
 * Appends a check to a source's history and drops what falls past the kept number; the check is
 * over, so the poller's claim on the source ends with it.
 */
async function recordFetch(db: Kysely<Database>, sourceId: number, fetch: FetchRecord): Promise<void> {
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
}

function toFetch(row: Selectable<FetchesTable>): FetchRecord {
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

function hashGuid(guid: string): string {
  return createHash('sha256').update(guid).digest('hex');
}

function toSource(row: Selectable<SourcesTable>): Source {
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
  };
}
