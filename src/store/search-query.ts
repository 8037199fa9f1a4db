import type { Entry } from '../model/entry.js';

/** What a search asks the store for, and what it answers (EntryRepository.search). */

export interface SearchQuery {
  /** What the reader typed: words, "phrases", prefix*, -excluded. */
  text: string;
  sourceId?: number;
  /** Only entries sorted at or after / before these times. */
  since?: Date;
  until?: Date;
  /** relevance: by how well they match, the recent first among equals; recent: newest first. */
  order: 'relevance' | 'recent';
  limit: number;
  offset: number;
  now: Date;
  /** false: no passages around the matches (a list that shows none); made by default. */
  snippets?: boolean;
  /** false: every copy of a story found (the desk); by default a story is listed once a page, its first copy found. */
  oncePerStory?: boolean;
}

export interface SearchHit {
  entry: Entry;
  /** A passage around the matched words, as HTML: escaped text with the matches in <mark>. */
  snippet: string;
}

export interface SearchPage {
  hits: SearchHit[];
  /** How many entries match, counted up to SEARCH_COUNT_LIMIT. */
  total: number;
  /** Whether more than `total` match. */
  moreThanTotal: boolean;
  /**
   * Words of the search that were left out because most articles contain them (they would match
   * nearly everything and weigh nearly nothing); a word in quotes is always kept.
   */
  ignored: string[];
}

/** Matches counted at most, so that a common word does not make search slow. */
export const SEARCH_COUNT_LIMIT = 1000;
