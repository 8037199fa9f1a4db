import { FetchError, type FetchResult } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import { CourtesyError, errorCode, errorMessage } from '../model/errors.js';
import type { FetchRecord, Source } from '../model/source.js';
import type { ParseErrorCode } from '../parse/index.js';
import { pushIsLive, type Subscription } from '../model/subscription.js';
import type { SourcePatch } from '../store/index.js';
import type { IngestContext } from './context.js';
import { readFeedBody, storeFeedEntries } from './store-feed.js';
import {
  feedInterval,
  nextCheckAfterFailure,
  nextCheckAfterSuccess,
  withPushFallback,
  type FeedInterval,
  type NextCheck,
} from './schedule.js';

export type { IngestContext } from './context.js';

export type RefreshOutcome =
  | {
      kind: 'stored';
      sourceId: number;
      inserted: number;
      updated: number;
      unchanged: number;
      /** Entries a takedown rule kept out. */
      suppressed: number;
      warnings: string[];
      nextCheckAt: Date;
    }
  | { kind: 'not-modified'; sourceId: number; nextCheckAt: Date }
  | {
      kind: 'failed';
      sourceId: number;
      code: string;
      status: number | null;
      message: string;
      disabled: boolean;
      nextCheckAt: Date;
    };

/** A parse failure reported by a worker thread, kept as a CourtesyError with its stable code. */
class ProcessingError extends CourtesyError<ParseErrorCode> {}

/**
 * Refreshes one source end to end: fetch (conditional GET) → parse → sanitize (in a worker thread)
 * → store. Every check is recorded in the source's fetch history; a failure is recorded on the
 * source with its next check and changes nothing else. Nothing is thrown.
 */
export async function refreshSource(ctx: IngestContext, source: Source): Promise<RefreshOutcome> {
  const outcome = await refreshWithin(ctx, source, ctx.config.poll.checkDeadlineMs);
  ctx.metrics?.check(outcome);
  return outcome;
}

/**
 * A check that has not ended by its deadline (`[poll] check_deadline_seconds`) is abandoned: it is
 * recorded as failed (`check.timeout`), its slot goes to the next source, and it starts no write
 * after that (one it had already sent to the store may still commit, whole). The fetch's own timeouts end a slow feed long before;
 * this bounds everything else a check waits on (parsing, the database).
 */
async function refreshWithin(
  ctx: IngestContext,
  source: Source,
  deadlineMs: number,
): Promise<RefreshOutcome> {
  const now = ctx.now?.() ?? new Date();
  const started = performance.now();
  const check: Check = { abandoned: false };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(resolve, deadlineMs, 'late');
  });
  try {
    const first = await Promise.race([refresh(ctx, source, now, started, check), late]);
    if (first !== 'late') return first;
  } finally {
    clearTimeout(timer);
  }
  check.abandoned = true;
  const log = ctx.logger.child({ sourceId: source.id, url: source.feedUrl });
  const seconds = Number((deadlineMs / 1000).toFixed(1));
  const error = new CheckTimeout(`the check did not end within ${seconds} s and was abandoned`);
  return recordFailure(ctx, source, now, started, error, null, null, log);
}

/** A check's state, read before each of its writes: an abandoned check writes nothing more. */
interface Check {
  abandoned: boolean;
}

class CheckTimeout extends CourtesyError<'check.timeout'> {
  constructor(message: string) {
    super('check.timeout', message);
  }
}

/** Throws once the check was abandoned, so that nothing of it is written after its deadline. */
function stillOn(check: Check): void {
  if (check.abandoned) throw new CheckTimeout('the check was abandoned past its deadline');
}

async function refresh(
  ctx: IngestContext,
  source: Source,
  now: Date,
  started: number,
  check: Check,
): Promise<RefreshOutcome> {
  const log = ctx.logger.child({ sourceId: source.id, url: source.feedUrl });
  let result: FetchResult | null = null;
  try {
    result = await ctx.fetcher.fetch(source.feedUrl, {
      etag: source.etag,
      lastModified: source.lastModified,
    });
    ctx.metrics?.fetched(
      (performance.now() - started) / 1000,
      result.kind === 'not-modified' ? 'not_modified' : 'modified',
    );
    // Read once: it decides the fallback interval and what reconcile has to do.
    const subscription = (await ctx.websub?.subscriptionOf(source.id)) ?? null;
    const moved = result.movedTo ? { feedUrl: result.movedTo } : {};
    if (result.movedTo) log.info({ movedTo: result.movedTo }, 'feed moved permanently; stored URL updated');
    const http = { cacheControl: result.cacheControl, expires: result.expires, date: result.date };
    if (result.kind === 'not-modified') {
      const fromFeed = source.feedIntervalMs
        ? { ms: source.feedIntervalMs, basis: source.checkBasis ?? 'the last full fetch' }
        : null;
      const next = pushAware(
        ctx,
        subscription,
        now,
        nextCheckAfterSuccess(now, ctx.config.poll, fromFeed, http),
      );
      stillOn(check);
      await ctx.store.sources.recordCheck(
        source.id,
        { ...successPatch(now, result.status), ...moved, nextCheckAt: next.at, checkBasis: next.basis },
        fetchRecord(now, started, source, 'not-modified', result.status, null),
      );
      log.debug('not modified');
      return { kind: 'not-modified', sourceId: source.id, nextCheckAt: next.at };
    }
    const processed = await readFeedBody(ctx, result.body, result.contentType, result.finalUrl);
    if (!processed.ok) throw new ProcessingError(processed.code, processed.message);
    const feed = processed.feed;
    const rhythm: FeedInterval = feedInterval(now, ctx.config.poll, {
      ttlMinutes: feed.ttl,
      updateMinutes: feed.updateMinutes,
      publishedTimes: feed.entries.publishedTimes,
    });
    const next = pushAware(ctx, subscription, now, nextCheckAfterSuccess(now, ctx.config.poll, rhythm, http));
    const patch: SourcePatch = {
      ...successPatch(now, result.status),
      ...moved,
      nextCheckAt: next.at,
      checkBasis: next.basis,
      feedIntervalMs: Math.round(rhythm.ms),
      title: feed.title,
      feedLanguage: feed.language,
      siteUrl: feed.link ?? source.siteUrl,
      description: feed.description,
      etag: result.validators.etag,
      lastModified: result.validators.lastModified,
    };
    stillOn(check);
    const saved = await storeFeedEntries(
      ctx,
      source,
      feed.entries,
      patch,
      now,
      fetchRecord(now, started, source, 'stored', result.status, result.body.length),
    );
    log.info({ ...saved, warnings: feed.warnings.length }, 'refreshed');
    await ctx.websub?.announced(
      source,
      { hubs: feed.hubs, self: feed.self, linkHeader: result.link, fetchedUrl: result.finalUrl },
      subscription,
    );
    return { kind: 'stored', sourceId: source.id, ...saved, warnings: feed.warnings, nextCheckAt: next.at };
  } catch (error) {
    if (result === null) ctx.metrics?.fetched((performance.now() - started) / 1000, 'failed');
    const bytes = result?.kind === 'modified' ? result.body.length : null;
    if (check.abandoned) {
      // Its deadline's failure is recorded already; what it met since is only logged.
      log.warn({ err: error }, 'an abandoned check ended');
      return {
        kind: 'failed',
        sourceId: source.id,
        code: 'check.timeout',
        status: null,
        message: errorMessage(error),
        disabled: false,
        nextCheckAt: now,
      };
    }
    return recordFailure(ctx, source, now, started, error, result?.status ?? null, bytes, log);
  }
}

/** The next check, pushed back to the fallback interval while a hub pushes this source's content. */
function pushAware(ctx: IngestContext, sub: Subscription | null, now: Date, next: NextCheck): NextCheck {
  return sub && pushIsLive(sub, now)
    ? withPushFallback(now, next, ctx.config.websub.fallbackIntervalMs, sub.hub)
    : next;
}

function successPatch(now: Date, status: number): SourcePatch {
  return {
    lastCheckedAt: now,
    lastSuccessAt: now,
    lastHttpStatus: status,
    lastErrorCode: null,
    lastError: null,
    consecutiveFailures: 0,
  };
}

function fetchRecord(
  now: Date,
  started: number,
  source: Source,
  outcome: FetchRecord['outcome'],
  httpStatus: number | null,
  bytes: number | null,
  error: { code: string; message: string } | null = null,
): FetchRecord {
  return {
    startedAt: now,
    durationMs: performance.now() - started,
    outcome,
    url: source.feedUrl,
    httpStatus,
    bytes,
    inserted: 0,
    updated: 0,
    errorCode: error?.code ?? null,
    message: error?.message ?? null,
  };
}

async function recordFailure(
  ctx: IngestContext,
  source: Source,
  now: Date,
  started: number,
  error: unknown,
  responseStatus: number | null,
  bytes: number | null,
  log: Logger,
): Promise<RefreshOutcome> {
  const recordWithinMs = ctx.config.poll.checkDeadlineMs;
  const code = errorCode(error) ?? 'internal';
  const message = error instanceof CourtesyError ? error.message : `internal error: ${errorMessage(error)}`;
  const status = error instanceof FetchError ? error.status : responseStatus;
  const failures = source.consecutiveFailures + 1;
  const gone = status === 410;
  const tooMany = failures >= ctx.config.poll.maxConsecutiveFailures;
  const disabled = gone || tooMany;
  const reason = gone
    ? `${message}; disabled (410 Gone)`
    : tooMany
      ? `${message}; disabled after ${failures} consecutive failures`
      : message;
  const retryAt = error instanceof FetchError ? error.retryAt : null;
  const next = nextCheckAfterFailure(now, ctx.config.poll, failures, retryAt);
  const patch: SourcePatch = {
    lastCheckedAt: now,
    lastHttpStatus: status,
    lastErrorCode: code,
    lastError: reason,
    consecutiveFailures: failures,
    nextCheckAt: next.at,
    checkBasis: disabled ? 'disabled: "courtesy sources resume ID" polls it again' : next.basis,
    ...(disabled ? { status: 'disabled' as const } : {}),
  };
  if (code === 'internal') log.error({ err: error }, 'refresh failed unexpectedly');
  else log.warn({ code, status, failures }, message);
  let timer: NodeJS.Timeout | undefined;
  try {
    // Bounded too: a database that does not answer must not hold the poller's slot for good.
    const recorded = ctx.store.sources.recordCheck(
      source.id,
      patch,
      fetchRecord(now, started, source, 'failed', status, bytes, { code, message }),
    );
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`the database did not record it within ${Math.round(recordWithinMs / 1000)} s`)),
        recordWithinMs,
      );
    });
    await Promise.race([recorded, late]);
  } catch (storeError) {
    log.error({ err: storeError }, 'could not record the failure');
  } finally {
    clearTimeout(timer);
  }
  return {
    kind: 'failed',
    sourceId: source.id,
    code,
    status,
    message: reason,
    disabled,
    nextCheckAt: next.at,
  };
}
