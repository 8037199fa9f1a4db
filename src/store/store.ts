import type { Entry, Withheld } from '../model/entry.js';
import type { IntakeRules } from '../model/intake.js';
import type { FacetKind } from '../model/facets.js';
import type { FetchRecord, RightsPolicy, SearchEnginePolicy, Source, SourceStatus } from '../model/source.js';
import type { AuditRecord, NewRule, SuppressionRule, Tombstone } from '../model/rights.js';
import type { Subscription, SubscriptionState } from '../model/subscription.js';
import type {
  CounterNotice,
  CounterNoticeState,
  NewCounterNotice,
  NewTakedownRequest,
  Notice,
  RequestState,
  ResolvedScope,
  TakedownRequest,
} from '../model/takedown.js';
import type { Role, Session, User } from '../model/user.js';
import type { PageChange } from '../model/page-tags.js';
import type { EntriesInput } from '../model/entry-batch.js';
import type { ClaimOptions } from './claims.js';
import type { SearchPage, SearchQuery } from './search-query.js';
export { SEARCH_COUNT_LIMIT, type SearchHit, type SearchPage, type SearchQuery } from './search-query.js';
import type {
  FetchDay,
  SourceDeskQuery,
  SourceHealth,
  SectionCount,
  SourceListItem,
  WithheldQuery,
  IntakeApplied,
} from './desk-queries.js';
export type {
  FetchDay,
  SourceDeskQuery,
  SourceHealth,
  SectionCount,
  SourceListItem,
  WithheldQuery,
  IntakeApplied,
} from './desk-queries.js';
import type { ExtractionRepository } from './extraction-queue.js';
import type { MediaRepository } from './media-queue.js';
import type { OutboxRepository } from './outbox.js';
import type { StoryRepository } from './stories.js';
export type { ClaimOptions } from './claims.js';

/**
 * The one storage interface everything uses. Callers never see SQL; each engine (sqlite/ now,
 * postgres/ later) opens a Kysely instance and the same SqlStore runs on it.
 */
export interface Store {
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
  /**
   * The change log of pages, oldest first: what changed after `afterId`. Every write that changes
   * what pages show appends to it in its own transaction, whichever process made it.
   */
  pageChanges(afterId: number, limit: number): Promise<PageChange[]>;
  /** The id of the newest change (0 when there is none). */
  lastPageChange(): Promise<number>;
  /**
   * A value that changes whenever the change log may have grown (another connection committed, or
   * this process recorded a change), so that a cache can skip reading the log; null when the
   * engine has no cheap way to tell, and the log must be read every time.
   */
  pageChangeHint(): string | null;
  /**
   * Counts a use of a rate-limited action (`bucket`, such as a form) by a client (`key`, such as
   * its address), at most `limit` in any `windowMs`: null when allowed (and counted), or the seconds
   * until the next use would be. Every process on the database shares the counts.
   */
  hitRateLimit(
    bucket: string,
    key: string,
    limit: number,
    windowMs: number,
    now: Date,
  ): Promise<number | null>;
  /** A random key made on first use and shared by every process on the database (hex). */
  secret(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface NewSource {
  feedUrl: string;
  name?: string | null;
  title?: string | null;
  siteUrl?: string | null;
  description?: string | null;
  policy?: RightsPolicy;
  fullText?: boolean;
  /** Scraper rules for full text (see Source). */
  scraperSelector?: string | null;
  scraperRemove?: readonly string[];
  /** A per-source attribution template; null or absent means the site's. */
  attributionTemplate?: string | null;
  /** A per-source search-engine policy; null or absent means the site's. */
  searchEngines?: SearchEnginePolicy | null;
  /** Hold its new entries for review (Source.holdNew). */
  holdNew?: boolean;
  /** The section of the site its articles belong to. */
  section?: string | null;
  /** What it takes in of its feed (Source.intake); none when absent. */
  intake?: IntakeRules;
  /** The language of its articles (Source.language); the feed's when absent. */
  language?: string | null;
}

/** Fields a refresh or an operator may change. */
/** A change of a source's row. Its intake rules change through EntryRepository.applyIntake, which filters its entries again. */
export type SourcePatch = Partial<Omit<Source, 'id' | 'createdAt' | 'intake'>>;

/** How many checks of each source the fetch history keeps. */
export const FETCH_HISTORY_PER_SOURCE = 50;
/** How many days of each source's checks, counted by day (SourceRepository.days), are kept. */
export const FETCH_DAYS_KEPT = 90;

export interface SourceRepository {
  /** Throws StoreError 'store.duplicate-source' when the feed URL is already subscribed. */
  add(source: NewSource, now: Date): Promise<Source>;
  get(id: number): Promise<Source | null>;
  getMany(ids: readonly number[]): Promise<Map<number, Source>>;
  findByUrl(feedUrl: string): Promise<Source | null>;
  list(): Promise<SourceListItem[]>;
  /** The sources that have at least one stored article, by id (without counting them). */
  listPublishing(): Promise<Source[]>;
  /** The sources of the sections that have an article, with their section, by id: for the menu and section pages. */
  publishingSections(): Promise<Array<{ id: number; section: string }>>;
  /** Active sources whose next check is due, soonest first. */
  listDue(now: Date, limit: number): Promise<Source[]>;
  /** Every active source, by id, without the counts `list` adds (what `poll --all` checks). */
  listActive(): Promise<Source[]>;
  /**
   * Claims for `poller` up to `limit` active sources that are due and not claimed (or whose claim has run out),
   * soonest first and within a host those that failed last time after the others, so that no source is checked
   * by two pollers at once, whichever process or machine they run in; across all pollers, at most `perHost` of
   * one host at a time. A claim holds for `claimMs`, or until the check is recorded (recordCheck, or saveRefresh
   * with its fetch), which releases it.
   */
  claimDue(poller: string, now: Date, limit: number, options: ClaimOptions): Promise<Source[]>;
  /**
   * The polling queue at a glance, for metrics: the active sources due now and not being checked
   * (counted up to QUEUE_COUNT_LIMIT), and those a poller is checking (claimed, claim not run out);
   * since when the oldest due one waits, and when the last check ended. Each reads an index only
   * as far as it counts, so they stay cheap at any number of sources.
   */
  queue(now: Date): Promise<SourceQueue>;
  /** Sources by status; reads every source, so callers keep the answer a while. */
  countByStatus(): Promise<Record<SourceStatus, number>>;
  /** Gives up every claim a poller holds (when it stops); how many it held. */
  releaseClaims(poller: string): Promise<number>;
  update(id: number, patch: SourcePatch): Promise<void>;
  /** Records a check that stored no entries (304, failure): the source's new state and its history line, together. */
  recordCheck(id: number, patch: SourcePatch, fetch: FetchRecord): Promise<void>;
  /** The newest checks of a source, newest first. */
  history(id: number, limit: number): Promise<FetchRecord[]>;
  /**
   * The desk's list: failing sources first (disabled, then by failures in a row), then by name;
   * with the health of the page's sources, and how many match in all.
   */
  desk(query: SourceDeskQuery): Promise<{ sources: SourceHealth[]; total: number }>;
  /** The sections in use, by name, with how many sources each holds. */
  sections(): Promise<SectionCount[]>;
  /** A source's checks by day, from `since` on, oldest first (days without a check are absent). */
  days(id: number, since: Date): Promise<FetchDay[]>;
  /** Deletes the source and its entries; false when there was no such source. */
  remove(id: number): Promise<boolean>;
  /** The subset of `urls` the config file has never seeded, and records them as seeded. */
  claimConfigSeeds(urls: readonly string[], now: Date): Promise<string[]>;
}

export interface SourceQueue {
  due: number;
  claimed: number;
  /** When the longest-waiting due source (not being checked) became due; null when none is due. */
  oldestDueAt: Date | null;
  /** When the last check of any source ended (its history's newest line), null before the first. */
  lastCheckAt: Date | null;
}

/** queue() counts due sources up to this many. */
export const QUEUE_COUNT_LIMIT = 100_000;

export interface SaveResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Entries a takedown rule kept out; and new ones stored filtered by intake rules (of `inserted`; absent for none). */
  suppressed: number;
  filtered?: number;
}

/** A position in a listing, newest first. */
export interface Cursor {
  sortAt: number;
  id: number;
}

export interface EntryPage {
  entries: Entry[];
  /** The cursor of the next (older) page, or null on the last page. */
  next: Cursor | null;
  /** With `perSource`: the entries left off the page, by source, newest source first. */
  folded?: Array<{ sourceId: number; count: number }>;
}

export interface EntryQuery {
  sourceId?: number;
  /** Only the entries of these sources (a section's); none when empty. */
  sourceIds?: readonly number[];
  /** Only the entries of this author or tag (by its key, model/facets.ts). */
  facet?: { kind: FacetKind; key: string };
  before?: Cursor | null;
  limit: number;
  /** The desk's listing: withheld entries too (every public listing leaves them out). */
  includeWithheld?: boolean;
  /** At most this many entries of one source on the page; the rest of the span it covers are folded. */
  perSource?: number;
  /** The site's or a section's listing: each story once, its earliest copy shown (sql/stories.ts). */
  oncePerStory?: boolean;
}

export interface EntryRepository {
  /**
   * Stores a refresh's entries and the source's new state in one transaction: either all of it is
   * written or none. An entry is matched by its guid, then by its URL (a publisher that changed its
   * guid format); an unchanged entry is not rewritten. An entry that an active takedown rule
   * covers is never stored, whichever feed brings it.
   */
  saveRefresh(
    sourceId: number,
    entries: EntriesInput,
    patch: SourcePatch,
    now: Date,
    fetch?: Omit<FetchRecord, 'inserted' | 'updated'>,
  ): Promise<SaveResult>;
  /** An entry by id, withheld or not (a public page shows it only when `withheld` is null). */
  get(id: number): Promise<Entry | null>;
  list(query: EntryQuery): Promise<EntryPage>;
  /** Every stored entry (of a source), withheld or not. */
  count(sourceId?: number): Promise<number>;
  /**
   * Withholds entries from every public page at once (`hidden`, `held`), or shows them again
   * (null): their listings, feeds, search and pages change in one transaction with an audit line
   * each. How many entries changed (those already so are left).
   */
  setWithheld(ids: readonly number[], withheld: Withheld | null, actor: string, now: Date): Promise<number>;
  /** Hidden, held or filtered entries, newest first, and how many there are in all. */
  listWithheld(query: WithheldQuery): Promise<{ entries: Entry[]; total: number }>;
  /**
   * Sets a source's intake rules (model/intake.ts), and applies the keyword rules at once to its public
   * and rule-filtered entries, both ways (the limits act on later checks), with its page changes and an
   * audit line, in one transaction. Throws a UsageError for a rule that cannot be read.
   */
  applyIntake(sourceId: number, rules: IntakeRules, actor: string, now: Date): Promise<IntakeApplied>;
  /** A source's entries by the day they are sorted at (UTC), from `since` on, oldest first. */
  perDay(sourceId: number, since: Date): Promise<Array<{ day: Date; count: number }>>;
  /** How many public entries are sorted at or after `since` (the newest; read through the sort index). */
  countSince(since: Date): Promise<number>;
  /** Full-text search; an empty result when the text has nothing searchable. */
  search(query: SearchQuery): Promise<SearchPage>;
  /** The label of an author or a tag as its newest entry gives it; null when no entry has it. */
  facetLabel(kind: FacetKind, key: string): Promise<string | null>;
  /** How many authors or tags there are. */
  countFacets(kind: FacetKind): Promise<number>;
  /** Authors or tags in key order, with their newest entry's time (for the sitemap). */
  facetKeys(kind: FacetKind, offset: number, limit: number): Promise<Array<{ key: string; lastAt: Date }>>;
  /** The most used authors or tags, with how many entries each has. */
  topFacets(kind: FacetKind, limit: number): Promise<Array<{ key: string; label: string; count: number }>>;
}

/** Fields a subscription's life may change. */
export type SubscriptionPatch = Partial<Omit<Subscription, 'sourceId'>>;

/** WebSub subscriptions, one per source at most; removed with their source. */
export interface SubscriptionRepository {
  get(sourceId: number): Promise<Subscription | null>;
  findByToken(token: string): Promise<Subscription | null>;
  /** Creates or replaces the subscription of `subscription.sourceId`. */
  put(subscription: Subscription): Promise<void>;
  /**
   * Changes a subscription; with `onlyIn`, only while its state is one of those (a verification and
   * a hub's late answer may race). True when a row was changed.
   */
  update(sourceId: number, patch: SubscriptionPatch, onlyIn?: readonly SubscriptionState[]): Promise<boolean>;
  /** Subscriptions whose renewAt has come, soonest first. */
  listDue(now: Date, limit: number): Promise<Subscription[]>;
  /** Counts a delivery: accepted, or rejected with the reason. */
  recordPush(sourceId: number, at: Date, rejection: string | null): Promise<void>;
  remove(sourceId: number): Promise<void>;
}

/** What granting a rule does to a whole source besides removing its entries. */
export interface GrantOptions {
  /** Source rules: pause the source, or keep polling it with the link-only policy. */
  source?: 'pause' | 'link-only';
}

/** A granted rule: entries it covers removed, and stored copies of their texts (`copies` of the `removed`). */
export type Granted = { rule: SuppressionRule; removed: number; copies: number };

/** A rule as listed: the entries it removed when granted, and those later polls brought that it kept out. */
export type RuleRecord = SuppressionRule & { removed: number; keptOut: number };

/** Takedown rules, the tombstones of what they removed, and the audit log. */
export interface RightsRepository {
  /** Grants a rule (see Granted), with its audit line. */
  grant(rule: NewRule, now: Date, options?: GrantOptions): Promise<Granted>;
  /** Revokes an active rule; removed content stays removed (so do copies of a text while a rule covers its article). */
  revoke(id: number, reason: string, actor: string, now: Date): Promise<SuppressionRule | null>;
  /** What rules would remove if granted now: how many entries (`copies` of them copies of their texts elsewhere, unless `copies: false`), and the `limit` stored last. */
  preview(
    rules: readonly NewRule[],
    limit: number,
    options?: { copies?: boolean },
  ): Promise<{ count: number; copies: number; entries: Entry[] }>;
  getRule(id: number): Promise<SuppressionRule | null>;
  /** The first active rule that removes a whole source (model/rights.ts removesSource). */
  sourceRule(source: Pick<Source, 'id' | 'siteUrl' | 'feedUrl'>): Promise<SuppressionRule | null>;
  /** Active rules, or every rule with `includeRevoked`, newest first. */
  listRules(options?: { includeRevoked?: boolean }): Promise<RuleRecord[]>;
  tombstone(entryId: number): Promise<Tombstone | null>;
  /** Appends a line to the audit log. */
  record(actor: string, action: string, detail: string, now: Date): Promise<void>;
  /** The newest audit lines first. */
  auditLog(limit: number): Promise<AuditRecord[]>;
}

/** The keys a new request or counter-notice is stored under: made by the caller, kept secret by it. */
export interface FilingKeys {
  reference: string;
  /** sha256 (hex) of the status link's token; the token itself is never stored. */
  statusTokenHash: string;
}

/** Who decided and why, for the record and for the notices. */
export interface Decision {
  actor: string;
  reason: string;
  /** What the rules were resolved from, in words, for the audit log (takedown grants). */
  scope?: string;
}

/** What a grant did, for the notices written with it. */
export interface GrantOutcome {
  request: TakedownRequest;
  rules: SuppressionRule[];
  removed: number;
  /** How many of the removed were copies of a removed text under another address, byline or source. */
  copies: number;
}

/**
 * Takedown requests and counter-notices. Every change is one transaction with its audit line and
 * the notices that tell of it (written to the outbox), so a notice is never sent for a change
 * that did not happen, nor a change made without its notice.
 */
export interface TakedownRepository {
  create(
    request: NewTakedownRequest & { verifyToken: string; resolved: ResolvedScope | null },
    keys: FilingKeys,
    now: Date,
    notices: (request: TakedownRequest) => Notice[],
  ): Promise<TakedownRequest>;
  get(id: number): Promise<TakedownRequest | null>;
  findByReference(reference: string): Promise<TakedownRequest | null>;
  findByStatusToken(tokenHash: string): Promise<TakedownRequest | null>;
  /** Newest first; with `state`, only those. */
  list(options: { state?: RequestState; limit: number }): Promise<TakedownRequest[]>;
  /**
   * Grants a request still awaiting a decision: its rules are granted (entries removed, tombstones,
   * audit) and the request records them. Null when it was already decided.
   */
  grant(
    id: number,
    rules: NewRule[],
    decision: Decision,
    options: GrantOptions,
    now: Date,
    notices: (outcome: GrantOutcome) => Notice[],
  ): Promise<GrantOutcome | null>;
  /** Rejects a request still awaiting a decision; null when it was already decided. */
  reject(
    id: number,
    decision: Decision,
    now: Date,
    notices: (request: TakedownRequest) => Notice[],
  ): Promise<TakedownRequest | null>;
  /** Records a self-service verification attempt and what it found. */
  recordVerification(id: number, result: string, now: Date): Promise<void>;
  fileCounterNotice(
    notice: NewCounterNotice,
    keys: FilingKeys,
    now: Date,
    notices: (notice: CounterNotice, request: TakedownRequest) => Notice[],
  ): Promise<CounterNotice>;
  getCounterNotice(id: number): Promise<CounterNotice | null>;
  findCounterNoticeByReference(reference: string): Promise<CounterNotice | null>;
  findCounterNoticeByStatusToken(tokenHash: string): Promise<CounterNotice | null>;
  counterNoticesOf(requestId: number): Promise<CounterNotice[]>;
  listCounterNotices(options: { state?: CounterNoticeState; limit: number }): Promise<CounterNotice[]>;
  /**
   * Decides a counter-notice still awaiting a decision. Upholding it revokes every rule of its
   * request that is still in force (what they removed stays removed). Null when already decided.
   */
  decideCounterNotice(
    id: number,
    upheld: boolean,
    decision: Decision,
    now: Date,
    notices: (notice: CounterNotice, request: TakedownRequest) => Notice[],
  ): Promise<CounterNotice | null>;
}

/** What beginSignIn decided. */
export interface SignInAttempt {
  /** Whether the password may be checked (the account was not locked). */
  admitted: boolean;
  /** The account's lock after this attempt was counted, if any. */
  lockedUntil: Date | null;
  /** This attempt's count is the one that locked the account. */
  locked: boolean;
}

/**
 * The site's settings changed from the desk (config/site-settings.ts), one JSON value per key; a
 * save is one transaction with its audit line and a change of every page, which every process follows.
 */
export interface SettingsRepository {
  all(): Promise<Record<string, string>>;
  /** Writes each value, or removes its key for null; the keys that changed (none: nothing written). */
  save(changes: Readonly<Record<string, string | null>>, actor: string, now: Date): Promise<string[]>;
}

/** Operators and their sessions. */
export interface UserRepository {
  /** Throws StoreError 'store.duplicate-user' when the name is taken (names compare without case). */
  add(name: string, passwordHash: string, now: Date, role?: Role): Promise<User>;
  /** Changes what a user may do (their sessions see it at once); false when there was none. */
  setRole(name: string, role: Role): Promise<boolean>;
  findByName(name: string): Promise<(User & { passwordHash: string }) | null>;
  list(): Promise<User[]>;
  /** Removes the user and ends their sessions; false when there was none. */
  remove(name: string): Promise<boolean>;
  /** Sets a new password, clears a lockout and ends every session of the user; false when there was none. */
  setPassword(name: string, passwordHash: string): Promise<boolean>;
  /**
   * Lets a sign-in attempt check its password, or refuses it, in one atomic step: refused while the
   * account is locked; otherwise the attempt counts as a failure before its password is checked, and
   * the `lockAfter`-th in a row locks the account until `lockUntil`. So attempts made at once are
   * counted one by one, and no more than `lockAfter` of them are ever checked before the lock.
   */
  beginSignIn(id: number, now: Date, lockAfter: number, lockUntil: Date): Promise<SignInAttempt>;
  /** The attempt's password was right: the failures are cleared, and the lock if this attempt made it. */
  recordSuccess(id: number, now: Date, attempt: SignInAttempt): Promise<void>;
  createSession(
    userId: number,
    tokenHash: string,
    csrfToken: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void>;
  /** The session of a cookie, when it has not expired. */
  session(tokenHash: string, now: Date): Promise<Session | null>;
  endSession(tokenHash: string): Promise<void>;
  /** Forgets expired sessions. */
  purgeSessions(now: Date): Promise<number>;
}

export type { OutboxRepository } from './outbox.js';
export type { SourceStatus };

export type {
  ExtractionLine,
  ExtractionOutcome,
  ExtractionRepository,
  ExtractionState,
  ExtractionSummary,
  ExtractionTask,
} from './extraction-queue.js';

export type {
  EntryPictures,
  MediaLine,
  MediaOutcome,
  MediaPurge,
  MediaRepository,
  MediaRole,
  MediaState,
  MediaTask,
} from './media-queue.js';
