import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them (columns in camelCase; CamelCasePlugin maps them to snake_case).
 * Times are milliseconds since the epoch in every engine, so one query layer serves them all.
 */
export interface Database {
  sources: SourcesTable;
  entries: EntriesTable;
  extractions: ExtractionsTable;
  entryMedia: EntryMediaTable;
  configSeeds: ConfigSeedsTable;
  fetches: FetchesTable;
  subscriptions: SubscriptionsTable;
  suppressionRules: SuppressionRulesTable;
  removedTexts: RemovedTextsTable;
  removedTextBands: RemovedTextBandsTable;
  keptOut: KeptOutTable;
  tombstones: TombstonesTable;
  auditLog: AuditLogTable;
  takedownRequests: TakedownRequestsTable;
  counterNotices: CounterNoticesTable;
  users: UsersTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  secrets: SecretsTable;
  entryFacets: EntryFacetsTable;
  pageChanges: PageChangesTable;
  rateHits: RateHitsTable;
  fetchDays: FetchDaysTable;
  settings: SettingsTable;
}

export interface SourcesTable {
  id: Generated<number>;
  feedUrl: string;
  siteUrl: string | null;
  name: string | null;
  title: string | null;
  description: string | null;
  policy: string;
  fullText: number;
  attributionTemplate: string | null;
  searchEngines: string | null;
  status: string;
  etag: string | null;
  lastModified: string | null;
  lastCheckedAt: number | null;
  lastSuccessAt: number | null;
  nextCheckAt: number | null;
  lastHttpStatus: number | null;
  lastErrorCode: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  createdAt: number;
  feedIntervalMs: number | null;
  checkBasis: string | null;
  holdNew: Generated<number>;
  section: string | null;
  /** Its intake rules (model/intake.ts IntakeRules) as JSON; null for none. */
  intake: Generated<string | null>;
  /** The operator's language for its articles, and the one its feed declares (BCP 47 tags). */
  language: Generated<string | null>;
  feedLanguage: Generated<string | null>;
  /** Scraper rules for full text: the article's CSS selector, and the selectors to remove first (a JSON array). */
  scraperSelector: string | null;
  scraperRemove: string;
  /** The feed URL's host (model/source.ts feedHost), for per-host limits across pollers. */
  feedHost: string;
  /** The poller checking the source now, and until when its claim holds. */
  claimedBy: string | null;
  claimedUntil: number | null;
}

/** The recent checks of each source (the newest FETCH_HISTORY_PER_SOURCE are kept). */
export interface FetchesTable {
  id: Generated<number>;
  sourceId: number;
  startedAt: number;
  durationMs: number;
  outcome: string;
  url: string;
  httpStatus: number | null;
  bytes: number | null;
  inserted: number;
  updated: number;
  errorCode: string | null;
  message: string | null;
}

export interface EntriesTable {
  id: Generated<number>;
  sourceId: number;
  guid: string;
  /** sha256 of guid: a fixed-size unique key whatever the publisher's guid looks like. */
  guidHash: string;
  url: string | null;
  title: string | null;
  author: string | null;
  publishedAt: number | null;
  updatedAt: number | null;
  createdAt: number;
  sortAt: number;
  summaryHtml: string | null;
  contentHtml: string | null;
  /** The article extracted from the original page, sanitized, for a full-text source (see extractions). */
  articleHtml: string | null;
  /** JSON arrays. */
  categories: string;
  enclosures: string;
  contentHash: string;
  /** 'hidden', 'held' or null (model/entry.ts Withheld); 'hidden' too for an entry the intake rules filter. */
  withheld: string | null;
  /** What of its source's intake rules keeps it out ('rule', 'age', 'limit'; model/intake.ts), and why in words. */
  filtered: Generated<string | null>;
  filterNote: Generated<string | null>;
  /** The normalized original URL and its host (model/identity.ts), so takedown rules find entries by index. */
  urlKey: string | null;
  hostKey: string | null;
  /** The original page's own rel=canonical address, once its full text is fetched, and its key. */
  canonicalUrl: Generated<string | null>;
  canonicalKey: Generated<string | null>;
  /**
   * The fingerprint of the text its page shows as its body (model/fingerprint.ts, packed), so that
   * a takedown finds the copies of a removed text among the stored entries; null when the text is
   * too short to have one.
   */
  print: Generated<Uint8Array | null>;
  /**
   * The story the entry is one copy of (sql/stories.ts): the id of the entry the story began with,
   * that one's included; null while it is alone. `storyNote` says why it joined ("93% of the text
   * in common with entry 12"), or, for an entry alone, that an operator split it off for good.
   */
  story: Generated<number | null>;
  storyNote: Generated<string | null>;
}

/**
 * The full-text queue, one row per entry of a full-text source: pending until its page is
 * fetched and its article extracted (done), or until courtesy gave up and kept the feed's content
 * (kept-feed), with why in `note`. `nextAt` is when a pending one may next be taken: a claim moves
 * it on by the claim's length, so a worker that dies gives its pages back when that runs out.
 */
export interface ExtractionsTable {
  entryId: number;
  sourceId: number;
  state: string;
  attempts: number;
  nextAt: number | null;
  note: string | null;
  updatedAt: number;
  /** The page's host, and until when a worker's claim on it holds: the per-host limit counts these. */
  pageHost: string;
  claimedUntil: number | null;
}

/**
 * Entries' pictures (store/media-queue.ts), one line for each of an entry's: the address to fetch,
 * and the copies the site keeps of it under `fileKey`. No foreign key: a removed entry's line stays, purged, until its files are
 * deleted.
 */
export interface EntryMediaTable {
  entryId: number;
  fileKey: string;
  role: string;
  sourceUrl: string;
  state: string;
  attempts: number;
  nextAt: number | null;
  note: string | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  fetchedAt: number | null;
}

/** Sources the config file has added once, so that removing one by hand is not undone at the next start. */
export interface ConfigSeedsTable {
  url: string;
  seededAt: number;
}

/** WebSub subscriptions: one per source at most. */
export interface SubscriptionsTable {
  sourceId: number;
  token: string;
  hub: string;
  topic: string;
  secret: string;
  state: string;
  requestedAt: number;
  verifiedAt: number | null;
  leaseSeconds: number | null;
  expiresAt: number | null;
  renewAt: number;
  attempts: number;
  lastError: string | null;
  lastPushAt: number | null;
  pushes: number;
  rejectedPushes: number;
}

export interface SuppressionRulesTable {
  id: Generated<number>;
  kind: string;
  urlKey: string | null;
  sourceId: number | null;
  author: string | null;
  domain: string | null;
  reason: string;
  actor: string;
  createdAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
  requestId: number | null;
}

/**
 * The fingerprint of each text a rule removed (its source's boilerplate left out), by which copies
 * of it are kept out while a rule in force covers the entry it was: no text, only the numbers, and
 * what the rules know an entry by (as its tombstone keeps its address).
 */
export interface RemovedTextsTable {
  id: Generated<number>;
  /** The rule it was removed under, for the record; any rule in force that covers the entry keeps it out. */
  ruleId: number;
  entryId: number;
  sourceId: number;
  url: string | null;
  author: string | null;
  canonicalUrl: string | null;
  /** Keys of url and canonicalUrl (model/identity.ts), so that a new rule finds the texts it covers by index. */
  urlKey: string | null;
  hostKey: string | null;
  canonicalKey: string | null;
  print: Uint8Array;
}

/** A removed text's band keys (model/fingerprint.ts bandKeys), one line each: the index copies are looked up by. */
export interface RemovedTextBandsTable {
  band: number;
  textId: number;
}

/** An entry a rule kept out of a later refresh, once (by its source and guid's hash): nothing of its content. */
export interface KeptOutTable {
  ruleId: number;
  sourceId: number;
  guidHash: string;
  at: number;
}

/** What is kept of an entry a rule removed: never its content. */
export interface TombstonesTable {
  entryId: number;
  sourceId: number;
  originalUrl: string | null;
  ruleId: number;
  removedAt: number;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  detail: string;
}

/** Takedown requests; the status link's token is kept only as its sha256. */
export interface TakedownRequestsTable {
  id: Generated<number>;
  reference: string;
  statusTokenHash: string;
  name: string;
  email: string;
  capacity: string;
  scope: string;
  /** A JSON array of the URLs as given. */
  urls: string;
  author: string | null;
  message: string | null;
  signature: string;
  state: string;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  decisionReason: string | null;
  /** A JSON array of the rules a grant created. */
  ruleIds: string;
  verifyToken: string;
  lastVerifyAt: number | null;
  lastVerifyResult: string | null;
  /** JSON (takedown/scope.ts ResolvedScope): what the request's addresses stood for when it was filed. */
  resolved: Generated<string | null>;
}

export interface CounterNoticesTable {
  id: Generated<number>;
  reference: string;
  statusTokenHash: string;
  requestId: number;
  name: string;
  email: string;
  address: string;
  explanation: string;
  signature: string;
  state: string;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

/** Operators who may sign in to /admin. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  passwordHash: string;
  createdAt: number;
  failedLogins: number;
  lockedUntil: number | null;
  lastLoginAt: number | null;
  role: Generated<string>;
}

/** Signed-in sessions; the cookie's token is kept only as its sha256. */
export interface SessionsTable {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** Emails to send, written in the same transaction as what they tell of. */
export interface OutboxTable {
  id: Generated<number>;
  toAddress: string;
  subject: string;
  body: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

/** Random keys the site makes once and every process shares (form tokens). */
export interface SecretsTable {
  name: string;
  value: string;
}

/** One counted use of a rate-limited form (a bucket) by one client (a key), kept until its window ends. */
export interface RateHitsTable {
  bucket: string;
  key: string;
  at: number;
  expiresAt: number;
}

/** Each author and tag of each entry (model/facets.ts), for their listings. */
export interface EntryFacetsTable {
  entryId: number;
  kind: string;
  key: string;
  label: string;
  sortAt: number;
}

/** The change log the page caches follow (model/page-tags.ts): tags separated by spaces. */
export interface PageChangesTable {
  id: Generated<number>;
  at: number;
  tags: string;
  /** 1 when the change only adds to the pages it names (new entries), 0 for any other. */
  additions: Generated<number>;
}

/** A source's checks of one day (UTC; `day` counts days since 1970), for its health over time. */
export interface FetchDaysTable {
  sourceId: number;
  day: number;
  checks: number;
  failures: number;
  /** The checks' durations added up, for their mean. */
  durationMs: number;
  maxDurationMs: number;
}

/** Site settings changed from the desk (config/site-settings.ts), one JSON value per key. */
export interface SettingsTable {
  key: string;
  value: string;
}
