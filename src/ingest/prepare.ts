import { createHash } from 'node:crypto';
import type { EntryInput } from '../model/entry.js';
import type { FeedEntry } from '../model/feed.js';
import { sanitizeHtml, type SanitizeOptions } from '../sanitize/index.js';
import { searchText } from '../store/search-text.js';

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
  // The search text is made here, off the main thread, as the sanitized HTML is.
  return { ...facts, contentHash: digest(facts), searchText: searchText(facts) };
}

function clean(html: string | null, base: string, options: Omit<SanitizeOptions, 'base'>): string | null {
  if (html === null) return null;
  const out = sanitizeHtml(html, { ...options, base });
  return out === '' ? null : out;
}

/** A fingerprint of everything shown of an entry: a changed one is rewritten, an unchanged one is not. */
function digest(facts: Omit<EntryInput, 'contentHash'>): string {
  // Field by field, each ended by a NUL (which sanitized HTML and text never contain): the same
  // fingerprint as hashing a serialization, without building one the size of the article.
  const hash = createHash('sha256');
  const add = (value: string | null): void => {
    hash.update(value === null ? '\u0001' : value);
    hash.update('\u0000');
  };
  add(facts.guid);
  add(facts.url);
  add(facts.title);
  add(facts.author);
  add(facts.publishedAt?.toISOString() ?? null);
  add(facts.updatedAt?.toISOString() ?? null);
  add(facts.summaryHtml);
  add(facts.contentHtml);
  add(JSON.stringify(facts.categories));
  add(JSON.stringify(facts.enclosures));
  return hash.digest('hex').slice(0, 32);
}
