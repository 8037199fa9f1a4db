import type { Enclosure } from '../../model/feed.js';
import { ParseError } from '../errors.js';
import { emptyDraftEntry } from '../common.js';
import type { DraftEntry, DraftFeed } from '../draft.js';
import { cleanTitle, joinNames, textToHtml } from '../text.js';
import { resolveUrl } from '../xml/tree.js';

/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). The input is untyped JSON, so every
 * field is read through a checked accessor; a field of the wrong type counts as absent.
 */
export function parseJsonFeed(text: string, baseUrl: string | null, warnings: string[]): DraftFeed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ParseError(
      'parse.json-invalid',
      `parse: the body is not valid JSON (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (!isRecord(data) || !Array.isArray(data.items)) {
    throw new ParseError(
      'parse.json-not-feed',
      'parse: the JSON body is not a JSON Feed (it has no "items" list)',
    );
  }
  const version = str(data.version);
  const versionMatch = version ? /jsonfeed\.org\/version\/(\d+(?:\.\d+)?)/.exec(version) : null;
  if (!versionMatch) warnings.push('the JSON Feed "version" is missing or not the spec URL');
  const base = str(data.feed_url) ?? baseUrl;
  const home = str(data.home_page_url);
  return {
    format: 'json',
    version: versionMatch?.[1] ?? null,
    title: cleanTitle(str(data.title), false),
    link: home ? resolveUrl(home, base) : null,
    description: str(data.description),
    language: str(data.language),
    author: authorsOf(data),
    hubs: list(data.hubs).flatMap((h) => (isRecord(h) && str(h.url) ? [resolveUrl(str(h.url)!, base)] : [])),
    self: str(data.feed_url) ? resolveUrl(str(data.feed_url)!, baseUrl) : null,
    ttl: null,
    updateMinutes: null,
    entries: data.items.filter(isRecord).map((item) => parseItem(item, base)),
  };
}

function parseItem(item: Record<string, unknown>, base: string | null): DraftEntry {
  const entry = emptyDraftEntry(base);
  const id = item.id;
  entry.guid = typeof id === 'number' ? String(id) : (str(id) ?? null);
  const url = str(item.url) ?? str(item.external_url);
  entry.link = url ? resolveUrl(url, base) : null;
  entry.title = cleanTitle(str(item.title), false);
  entry.author = authorsOf(item);
  entry.published = str(item.date_published);
  entry.updated = str(item.date_modified);
  const contentText = str(item.content_text);
  // JSON Feed HTML is JSON-escaped, not entity-escaped: it is used as it is (spec §3, content_html).
  entry.content = str(item.content_html) ?? (contentText ? textToHtml(contentText) : null);
  const summary = str(item.summary);
  entry.summary = summary ? textToHtml(summary) : null;
  entry.categories = list(item.tags).flatMap((t) => (typeof t === 'string' ? [t] : []));
  const image = str(item.image) ?? str(item.banner_image);
  entry.image = image ? resolveUrl(image, base) : null;
  entry.enclosures = list(item.attachments).flatMap((a): Enclosure[] => {
    if (!isRecord(a) || !str(a.url)) return [];
    const size = a.size_in_bytes;
    return [
      {
        url: resolveUrl(str(a.url)!, base),
        type: str(a.mime_type),
        length: typeof size === 'number' && size >= 0 ? size : null,
      },
    ];
  });
  return entry;
}

/** JSON Feed 1.1 `authors`, or 1.0 `author`. */
function authorsOf(obj: Record<string, unknown>): string | null {
  const people = [...list(obj.authors), ...(isRecord(obj.author) ? [obj.author] : [])];
  return joinNames(people.flatMap((p) => (isRecord(p) && str(p.name) ? [str(p.name)!.trim()] : [])));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
