import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { PageChange } from '../../model/page-tags.js';
import type { Database } from '../schema.js';
import type {
  EntryRepository,
  ExtractionRepository,
  MediaRepository,
  OutboxRepository,
  RightsRepository,
  SettingsRepository,
  SourceRepository,
  Store,
  SubscriptionRepository,
  TakedownRepository,
  UserRepository,
} from '../store.js';
import { localPageChangeCount } from './common.js';
import type { SqlEngine } from './engine.js';
import { SqlEntries } from './entries.js';
import { SqlStories } from './story-repository.js';
import type { StoryRepository } from '../stories.js';
import { SqlExtractions } from './extractions.js';
import { SqlMedia } from './media.js';
import { SqlRights } from './rights.js';
import { SqlSettings } from './settings.js';
import { SqlSources } from './sources.js';
import { SqlSubscriptions } from './subscriptions.js';
import { SqlOutbox } from './outbox.js';
import { SqlTakedowns } from './takedowns.js';
import { SqlUsers } from './users.js';

export type { HotWrites, SqlEngine } from './engine.js';

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
  readonly media: MediaRepository;
  readonly settings: SettingsRepository;
  readonly stories: StoryRepository;

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
    this.media = new SqlMedia(db, engine);
    this.settings = new SqlSettings(db);
    this.stories = new SqlStories(db, engine);
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
