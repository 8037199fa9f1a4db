import type { Enclosure, Feed, FeedEntry, FeedFormat } from '../model/feed.js';
import { parseDate } from './dates.js';
import { assignIds } from './identity.js';
import { repairDoubleEncoding } from './mojibake.js';
import { undoDoubleEscaping } from './text.js';

/** What each format's mapping produces: the model's fields, with dates still as written. */
export interface DraftEntry {
  guid: string | null;
  link: string | null;
  title: string | null;
  author: string | null;
  published: string | null;
  updated: string | null;
  summary: string | null;
  content: string | null;
  categories: string[];
  enclosures: Enclosure[];
  image: string | null;
  base: string | null;
}

export interface DraftFeed {
  format: FeedFormat;
  version: string | null;
  title: string | null;
  link: string | null;
  description: string | null;
  language: string | null;
  author: string | null;
  hubs: string[];
  self: string | null;
  ttl: number | null;
  updateMinutes: number | null;
  entries: DraftEntry[];
}

/** Reads dates, chooses ids, and drops true repeats: the steps every format shares. */
export function finalizeFeed(draft: DraftFeed, warnings: string[], documentUrl: string | null): Feed {
  const notes = new Set(warnings);
  const text = <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const repaired = repairDoubleEncoding(value);
    if (repaired === null) return value;
    notes.add('text encoded as UTF-8 twice was repaired');
    return repaired as T;
  };
  const html = (value: string | null): string | null => {
    const once = value === null ? null : undoDoubleEscaping(value);
    if (once === null) return text(value);
    notes.add('HTML escaped twice was decoded once more');
    return text(once);
  };
  // Links are followed by readers and fetched by courtesy: only web addresses are kept (a
  // `javascript:` or `data:` link would run in the reader's browser when followed).
  const web = (value: string | null): string | null => {
    if (value === null || /^https?:\/\//i.test(value.trim())) return value;
    notes.add('a link that is not a web address was dropped');
    return null;
  };
  const ids = assignIds(draft.entries);
  const entries: FeedEntry[] = [];
  draft.entries.forEach((e, i) => {
    const id = ids[i];
    if (id === null || id === undefined) {
      notes.add('an entry repeated an earlier one and was dropped');
      return;
    }
    const published = readDate(e.published, notes);
    const updated = readDate(e.updated, notes);
    entries.push({
      id,
      title: text(e.title),
      link: web(e.link),
      // Atom (RFC 4287 §4.2.1) and JSON Feed (§4) say an entry without authors has the feed's.
      author: text(e.author ?? draft.author),
      published: published ?? null,
      updated: updated ?? null,
      summary: html(e.summary),
      content: html(e.content),
      categories: [...new Set(e.categories.map((c) => text(c.trim())).filter((c) => c !== ''))],
      enclosures: e.enclosures.filter((m) => web(m.url) !== null),
      image: e.image && /^https?:\/\//i.test(e.image.trim()) ? e.image.trim() : null,
      // Only an explicit xml:base is reported; without one, relative references in content are
      // resolved against the entry's own link (ingest), which is what publishers mean far more often
      // than the address of the feed (often a proxy such as FeedBurner).
      base: e.base !== documentUrl ? e.base : null,
    });
  });
  return {
    format: draft.format,
    version: draft.version,
    title: text(draft.title),
    link: web(draft.link),
    description: text(draft.description),
    language: draft.language,
    author: text(draft.author),
    hubs: draft.hubs.filter((h) => web(h) !== null),
    self: web(draft.self),
    ttl: draft.ttl,
    updateMinutes: draft.updateMinutes,
    entries,
    warnings: [...notes],
  };
}

function readDate(text: string | null, notes: Set<string>): string | null {
  const { date, warning } = parseDate(text);
  if (warning) notes.add(warning);
  return date ? date.toISOString() : null;
}

/** A number from text, or null. */
export function toNumber(text: string | null | undefined): number | null {
  if (text == null || text.trim() === '') return null;
  const n = Number(text.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}
