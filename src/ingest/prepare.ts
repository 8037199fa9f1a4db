import { hash } from 'node:crypto';
import type { EntryInput } from '../model/entry.js';
import type { FeedEntry } from '../model/feed.js';
import { MAX_TEXT_PICTURES, textPictures } from '../markup/html-images.js';
import { leadImageUrl } from '../parse/lead-image.js';
import { sanitizeHtml, type SanitizeOptions } from '../sanitize/index.js';
import { textAndPrint } from '../markup/html-fingerprint.js';

/** Turns a parsed entry into what the store keeps: HTML sanitized against the right base, dates as Dates. */
export function prepareEntry(
  entry: FeedEntry,
  feedUrl: string,
  feedAuthor: string | null,
  sanitize: Omit<SanitizeOptions, 'base'>,
): EntryInput {
  const base = entry.base ?? entry.link ?? feedUrl;
  const summaryHtml = clean(entry.summary, base, sanitize);
  const contentHtml = clean(entry.content, base, sanitize);
  const author = entry.author ?? feedAuthor;
  const facts = {
    guid: entry.id,
    url: entry.link,
    title: entry.title,
    author,
    publishedAt: entry.published ? new Date(entry.published) : null,
    updatedAt: entry.updated ? new Date(entry.updated) : null,
    summaryHtml,
    contentHtml,
    categories: entry.categories,
    enclosures: entry.enclosures,
  };
  // The search text, the text's fingerprint and the lead image are made here, off the main thread,
  // as the sanitized HTML is; the search text and the fingerprint from one reading of the body (the
  // same text as store/search-text.ts makes).
  const body = textAndPrint(contentHtml ?? summaryHtml);
  return {
    ...facts,
    contentHash: digest(facts),
    searchText: body.text,
    print: body.print,
    imageUrl: leadImageUrl({ image: entry.image, enclosures: entry.enclosures, contentHtml, summaryHtml }),
    pictureUrls: [...new Set([...textPictures(contentHtml), ...textPictures(summaryHtml)])].slice(
      0,
      MAX_TEXT_PICTURES,
    ),
  };
}

function clean(html: string | null, base: string, options: Omit<SanitizeOptions, 'base'>): string | null {
  if (html === null) return null;
  const out = sanitizeHtml(html, { ...options, base });
  return out === '' ? null : out;
}

/** A fingerprint of everything shown of an entry: a changed one is rewritten, an unchanged one is not. */
function digest(facts: Omit<EntryInput, 'contentHash'>): string {
  // Field by field, each ended by a NUL (which sanitized HTML and text never contain), hashed in one
  // call: the same fingerprint as feeding a hash the fields one by one, which stored entries carry,
  // at a fraction of the cost of twenty calls into the hash for a short entry.
  const field = (value: string | null): string => (value === null ? '\u0001\u0000' : `${value}\u0000`);
  const text =
    field(facts.guid) +
    field(facts.url) +
    field(facts.title) +
    field(facts.author) +
    field(facts.publishedAt?.toISOString() ?? null) +
    field(facts.updatedAt?.toISOString() ?? null) +
    field(facts.summaryHtml) +
    field(facts.contentHtml) +
    field(JSON.stringify(facts.categories)) +
    field(JSON.stringify(facts.enclosures));
  return hash('sha256', text, 'hex').slice(0, 32);
}
