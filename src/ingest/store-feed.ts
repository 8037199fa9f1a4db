import type { EntryBatch } from '../model/entry-batch.js';
import type { FetchRecord, Source } from '../model/source.js';
import type { SaveResult, SourcePatch } from '../store/index.js';
import type { ProcessResult } from './process-feed.js';
import type { IngestContext } from './context.js';

/**
 * What a poll and a WebSub push share, from a feed's body to its stored entries: the body is
 * decoded, parsed, sanitized and fingerprinted in a feed thread, then the refresh is stored in one
 * transaction, takedown rules checked first.
 */
export function readFeedBody(
  ctx: Pick<IngestContext, 'processor' | 'config'>,
  body: Uint8Array,
  contentType: string | null,
  url: string,
): Promise<ProcessResult> {
  return ctx.processor.process({ body, contentType, url, sanitize: ctx.config.content });
}

/** Stores a read feed's entries; new entries wake the media queue, and a full-text source's the extraction queue. */
export async function storeFeedEntries(
  ctx: Pick<IngestContext, 'store' | 'onFullTextQueued' | 'onMediaQueued'>,
  source: Pick<Source, 'id' | 'fullText'>,
  entries: EntryBatch,
  patch: SourcePatch,
  now: Date,
  fetch?: Omit<FetchRecord, 'inserted' | 'updated'>,
): Promise<SaveResult> {
  const saved = await ctx.store.entries.saveRefresh(source.id, entries, patch, now, fetch);
  if (saved.inserted > 0 && source.fullText) ctx.onFullTextQueued?.();
  if (saved.inserted > 0) ctx.onMediaQueued?.();
  return saved;
}
