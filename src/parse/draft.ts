import type { Enclosure, Feed, FeedEntry, FeedFormat } from '../model/feed.js';
import { parseDate } from './dates.js';
import { assignIds } from './identity.js';

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
  ttl: number | null;
  entries: DraftEntry[];
}

/** Reads dates, chooses ids, and drops true repeats: the steps every format shares. */
export function finalizeFeed(draft: DraftFeed, warnings: string[]): Feed {
  const notes = new Set(warnings);
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
      title: e.title,
      link: e.link,
      author: e.author,
      published: published ?? null,
      updated: updated ?? null,
      summary: e.summary,
      content: e.content,
      categories: [...new Set(e.categories.map((c) => c.trim()).filter((c) => c !== ''))],
      enclosures: e.enclosures,
      base: e.base,
    });
  });
  return {
    format: draft.format,
    version: draft.version,
    title: draft.title,
    link: draft.link,
    description: draft.description,
    language: draft.language,
    author: draft.author,
    hubs: draft.hubs,
    ttl: draft.ttl,
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
