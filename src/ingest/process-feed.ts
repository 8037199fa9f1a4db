import { languageTag } from '../model/source.js';
import { errorMessage } from '../model/errors.js';
import { ParseError, parseFeedBytes, type ParseErrorCode } from '../parse/index.js';
import type { SanitizeOptions } from '../sanitize/index.js';
import { packEntries, type EntryBatch } from '../model/entry-batch.js';
import { prepareEntry } from './prepare.js';

/** A fetched feed body, as handed to a worker thread. */
export interface FeedBody {
  body: Uint8Array;
  contentType: string | null;
  /** The URL the body came from (after redirects): relative references resolve against it. */
  url: string;
  /** The site's rules for links and embeds ([content] in the configuration). */
  sanitize?: Omit<SanitizeOptions, 'base'>;
}

/** A feed parsed and its entries sanitized: everything the store and the scheduler need. */
export interface ProcessedFeed {
  title: string | null;
  /** The language the feed declares, as a canonical BCP 47 tag; null when none or not one. */
  language: string | null;
  link: string | null;
  description: string | null;
  ttl: number | null;
  updateMinutes: number | null;
  hubs: string[];
  self: string | null;
  warnings: string[];
  /** The entries, prepared and packed into one buffer for the store (see EntryBatch). */
  entries: EntryBatch;
}

/** Errors cross the thread boundary as data: the class of an Error does not survive it. */
export type ProcessResult =
  { ok: true; feed: ProcessedFeed } | { ok: false; code: ParseErrorCode; message: string };

/**
 * The CPU-heavy part of a refresh (decode, parse, sanitize, digest), with no I/O: it runs in a
 * worker thread so that the web server on the main thread keeps answering during a large poll.
 */
export function processFeed(input: FeedBody): ProcessResult {
  try {
    const feed = parseFeedBytes(input.body, { contentType: input.contentType, url: input.url });
    return {
      ok: true,
      feed: {
        title: feed.title,
        language: languageTag(feed.language),
        link: feed.link,
        description: feed.description,
        ttl: feed.ttl,
        updateMinutes: feed.updateMinutes,
        hubs: feed.hubs,
        self: feed.self,
        warnings: feed.warnings,
        entries: packEntries(
          feed.entries.map((e) => prepareEntry(e, input.url, feed.author, input.sanitize ?? {})),
        ),
      },
    };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, code: error.code, message: error.message };
    return {
      ok: false,
      code: 'parse.internal',
      message: `parse: unexpected failure: ${errorMessage(error)}`,
    };
  }
}
