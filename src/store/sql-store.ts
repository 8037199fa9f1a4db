import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Entry, EntryInput } from '../model/entry.js';
import type { RightsPolicy, Source, SourceStatus } from '../model/source.js';
import { StoreError } from './errors.js';
import type { Database, EntriesTable, SourcesTable } from './schema.js';
import type {
  EntryPage,
  EntryQuery,
  EntryRepository,
  NewSource,
  SaveResult,
  SourceListItem,
  SourcePatch,
  SourceRepository,
  Store,
} from './store.js';

/** How far ahead a published date may be before it no longer decides the order (clock skew, scheduled posts). */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** The Store on any engine Kysely speaks; the engine folders only open the connection and migrate. */
export class SqlStore implements Store {
  readonly sources: SourceRepository;
  readonly entries: EntryRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onClose: () => Promise<void> = () => db.destroy(),
  ) {
    this.sources = new SqlSources(db);
    this.entries = new SqlEntries(db);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

class SqlSources implements SourceRepository {
  constructor(private readonly db: Kysely<Database>) {}

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
        attributionTemplate: source.attributionTemplate ?? null,
        status: 'active',
        etag: null,
        lastModified: null,
        lastCheckedAt: null,
        lastSuccessAt: null,
        nextCheckAt: now.getTime(),
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
    const row = await this.db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSource(row) : null;
  }

  async getMany(ids: readonly number[]): Promise<Map<number, Source>> {
    const found = new Map<number, Source>();
    if (ids.length === 0) return found;
    const rows = await this.db
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
    const rows = await this.db
      .selectFrom('sources')
      .selectAll('sources')
      .select((eb) =>
        eb
          .selectFrom('entries')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('entries.sourceId', '=', 'sources.id')
          .as('entryCount'),
      )
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ ...toSource(row), entryCount: Number(row.entryCount ?? 0) }));
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

  async update(id: number, patch: SourcePatch): Promise<void> {
    await updateSource(this.db, id, patch);
  }

  async remove(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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
  constructor(private readonly db: Kysely<Database>) {}

  saveRefresh(
    sourceId: number,
    entries: readonly EntryInput[],
    patch: SourcePatch,
    now: Date,
  ): Promise<SaveResult> {
    return this.db.transaction().execute(async (trx) => {
      const result: SaveResult = { inserted: 0, updated: 0, unchanged: 0 };
      for (const entry of entries) {
        const outcome = await saveEntry(trx, sourceId, entry, now);
        result[outcome]++;
      }
      await updateSource(trx, sourceId, patch);
      return result;
    });
  }

  async get(id: number): Promise<Entry | null> {
    const row = await this.db.selectFrom('entries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    let q = this.db.selectFrom('entries').selectAll();
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

  async count(sourceId?: number): Promise<number> {
    let q = this.db.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n'));
    if (sourceId !== undefined) q = q.where('sourceId', '=', sourceId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

type Outcome = keyof SaveResult;

async function saveEntry(
  trx: Transaction<Database>,
  sourceId: number,
  entry: EntryInput,
  now: Date,
): Promise<Outcome> {
  const guidHash = hashGuid(entry.guid);
  let existing = await trx
    .selectFrom('entries')
    .select(['id', 'contentHash'])
    .where('sourceId', '=', sourceId)
    .where('guidHash', '=', guidHash)
    .executeTakeFirst();
  if (!existing && entry.url) {
    existing = await trx
      .selectFrom('entries')
      .select(['id', 'contentHash'])
      .where('sourceId', '=', sourceId)
      .where('url', '=', entry.url)
      .executeTakeFirst();
  }
  const values = entryColumns(entry);
  if (!existing) {
    const published = entry.publishedAt?.getTime() ?? null;
    const sortAt =
      published !== null && published <= now.getTime() + FUTURE_TOLERANCE_MS ? published : now.getTime();
    await trx
      .insertInto('entries')
      .values({ ...values, sourceId, guid: entry.guid, guidHash, createdAt: now.getTime(), sortAt })
      .execute();
    return 'inserted';
  }
  if (existing.contentHash === entry.contentHash) return 'unchanged';
  await trx
    .updateTable('entries')
    .set({ ...values, guid: entry.guid, guidHash })
    .where('id', '=', existing.id)
    .execute();
  return 'updated';
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
  };
}

async function updateSource(db: Kysely<Database>, id: number, patch: SourcePatch): Promise<void> {
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

function hashGuid(guid: string): string {
  return createHash('sha256').update(guid).digest('hex');
}

function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(Number(ms));
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
    attributionTemplate: row.attributionTemplate,
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
  };
}

function toEntry(row: Selectable<EntriesTable>): Entry {
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
