import type { Config } from '../config/index.js';
import { FetchError, type Fetcher } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import { CourtesyError, errorMessage } from '../model/errors.js';
import type { Source } from '../model/source.js';
import { ParseError, parseFeedBytes } from '../parse/index.js';
import type { SourcePatch, Store } from '../store/index.js';
import { prepareEntry } from './prepare.js';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from './schedule.js';

/** What a refresh needs: built once by the CLI and shared by `poll --once` and the server's poller. */
export interface IngestContext {
  store: Store;
  fetcher: Fetcher;
  config: Config;
  logger: Logger;
  now?: () => Date;
}

export type RefreshOutcome =
  | {
      kind: 'stored';
      sourceId: number;
      inserted: number;
      updated: number;
      unchanged: number;
      warnings: string[];
    }
  | { kind: 'not-modified'; sourceId: number }
  | { kind: 'failed'; sourceId: number; code: string; message: string; disabled: boolean };

/**
 * Refreshes one source end to end: fetch (conditional GET) → parse → sanitize → store. Any failure
 * is recorded on the source, with its next check, and changes nothing else; it is never thrown.
 */
export async function refreshSource(ctx: IngestContext, source: Source): Promise<RefreshOutcome> {
  const now = ctx.now?.() ?? new Date();
  const log = ctx.logger.child({ sourceId: source.id, url: source.feedUrl });
  try {
    const result = await ctx.fetcher.fetch(source.feedUrl, {
      etag: source.etag,
      lastModified: source.lastModified,
    });
    const moved = result.movedTo ? { feedUrl: result.movedTo } : {};
    if (result.movedTo) log.info({ movedTo: result.movedTo }, 'feed moved permanently; stored URL updated');
    if (result.kind === 'not-modified') {
      await ctx.store.sources.update(source.id, { ...successPatch(ctx, now, result.status, null), ...moved });
      log.debug('not modified');
      return { kind: 'not-modified', sourceId: source.id };
    }
    const feed = parseFeedBytes(result.body, { contentType: result.contentType, url: result.finalUrl });
    const sanitizeOptions = {};
    const entries = feed.entries.map((e) => prepareEntry(e, result.finalUrl, feed.author, sanitizeOptions));
    const patch: SourcePatch = {
      ...successPatch(ctx, now, result.status, feed.ttl),
      ...moved,
      title: feed.title,
      siteUrl: feed.link ?? source.siteUrl,
      description: feed.description,
      etag: result.validators.etag,
      lastModified: result.validators.lastModified,
    };
    const saved = await ctx.store.entries.saveRefresh(source.id, entries, patch, now);
    log.info({ ...saved, warnings: feed.warnings.length }, 'refreshed');
    return { kind: 'stored', sourceId: source.id, ...saved, warnings: feed.warnings };
  } catch (error) {
    return recordFailure(ctx, source, now, error, log);
  }
}

function successPatch(ctx: IngestContext, now: Date, status: number, ttl: number | null): SourcePatch {
  return {
    lastCheckedAt: now,
    lastSuccessAt: now,
    lastHttpStatus: status,
    lastErrorCode: null,
    lastError: null,
    consecutiveFailures: 0,
    nextCheckAt: nextCheckAfterSuccess(now, ctx.config.poll, ttl),
  };
}

async function recordFailure(
  ctx: IngestContext,
  source: Source,
  now: Date,
  error: unknown,
  log: Logger,
): Promise<RefreshOutcome> {
  const code = error instanceof CourtesyError ? error.code : 'internal';
  const message = describe(error);
  const status = error instanceof FetchError ? error.status : null;
  const failures = source.consecutiveFailures + 1;
  const gone = status === 410;
  const tooMany = failures >= ctx.config.poll.maxConsecutiveFailures;
  const disabled = gone || tooMany;
  const reason = gone
    ? message
    : tooMany
      ? `${message} (disabled after ${failures} consecutive failures)`
      : message;
  const retryAt = error instanceof FetchError ? error.retryAt : null;
  const patch: SourcePatch = {
    lastCheckedAt: now,
    lastHttpStatus: status,
    lastErrorCode: code,
    lastError: reason,
    consecutiveFailures: failures,
    nextCheckAt: nextCheckAfterFailure(now, ctx.config.poll, failures, retryAt),
    ...(disabled ? { status: 'disabled' as const } : {}),
  };
  if (code === 'internal') log.error({ err: error }, 'refresh failed unexpectedly');
  else log.warn({ code, status, failures }, message);
  try {
    await ctx.store.sources.update(source.id, patch);
  } catch (storeError) {
    log.error({ err: storeError }, 'could not record the failure');
  }
  return { kind: 'failed', sourceId: source.id, code, message: reason, disabled };
}

function describe(error: unknown): string {
  if (error instanceof ParseError || error instanceof FetchError) return error.message;
  return errorMessage(error);
}
