/** What an operator may republish from a source. */
import type { IntakeRules } from './intake.js';
import { facetKey } from './facets.js';
import { hostOf, parseUrl } from './url.js';
export type RightsPolicy = 'full' | 'excerpt' | 'link';
export const RIGHTS_POLICIES: readonly RightsPolicy[] = ['full', 'excerpt', 'link'];

/**
 * What search engines are told about republished copies: canonical (rel=canonical to the original),
 * noindex (do not index the copy), or both.
 */
export type SearchEnginePolicy = 'canonical' | 'noindex' | 'both';
export const SEARCH_ENGINE_POLICIES: readonly SearchEnginePolicy[] = ['canonical', 'noindex', 'both'];

/** active: polled; paused: kept but not polled (operator's choice); disabled: stopped by courtesy after errors. */
export type SourceStatus = 'active' | 'paused' | 'disabled';

export interface Source {
  id: number;
  /** The feed URL that courtesy polls. */
  feedUrl: string;
  /** The publisher's site, from the feed. */
  siteUrl: string | null;
  /** The operator's name for the source; overrides the feed's title. */
  name: string | null;
  /** The title the feed gives itself. */
  title: string | null;
  description: string | null;
  policy: RightsPolicy;
  /** Whether courtesy fetches each new entry's original page and republishes the article found there. */
  fullText: boolean;
  /** Scraper rules for those pages: the article's CSS selector (null: Readability finds it)... */
  scraperSelector: string | null;
  /** ...and the CSS selectors of what to remove first. */
  scraperRemove: string[];
  /** A per-source attribution template; null means the site's. */
  attributionTemplate: string | null;
  /** This source's search-engine policy; null means the site's. */
  searchEngines: SearchEnginePolicy | null;
  status: SourceStatus;
  /** Validators from the last successful fetch, for conditional GET. */
  etag: string | null;
  lastModified: string | null;
  lastCheckedAt: Date | null;
  lastSuccessAt: Date | null;
  nextCheckAt: Date | null;
  /** HTTP status of the last fetch (null when no response arrived). */
  lastHttpStatus: number | null;
  /** Stable code and human message of the last error; null after a success. */
  lastErrorCode: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  createdAt: Date;
  /**
   * The interval the feed itself suggests (its publishing rhythm, <ttl>, sy:updatePeriod), from
   * the last full fetch; reused when the feed answers 304.
   */
  feedIntervalMs: number | null;
  /** Why the next check is when it is, in words ("publishes about every 2 h", "Retry-After"). */
  checkBasis: string | null;
  /** New entries wait for an operator to publish them (the review queue) instead of going out at once. */
  holdNew: boolean;
  /** The section of the site its articles belong to ("Politics"): an OPML folder, or set at the desk. */
  section: string | null;
  /** What it takes in of its feed: keyword rules and limits (model/intake.ts). */
  intake: IntakeRules;
  /** The language of its articles as the operator set it (a BCP 47 tag); null: the feed's. */
  language: string | null;
  /** The language its feed declares, from the last full fetch. */
  feedLanguage: string | null;
}

/** The language of a source's articles: the operator's, else the feed's; null when neither says. */
export function sourceLanguage(source: Pick<Source, 'language' | 'feedLanguage'>): string | null {
  return source.language ?? source.feedLanguage;
}

/** A language tag in its canonical form ("en-us" → "en-US"); null for one that is no BCP 47 tag of an ISO 639 language. */
export function languageTag(raw: string | null | undefined): string | null {
  const tag = (raw ?? '').trim().replace(/_/g, '-');
  // A language of ISO 639 (two or three letters) first: "English" is a feed's word, not a tag.
  if (tag.length > 35 || !/^[a-z]{2,3}(?:-|$)/i.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The longest section name; OPML folders are cut to it. */
export const MAX_SECTION = 60;

/** A section's name as written (an OPML folder, a form): spaces collapsed, at most MAX_SECTION; null for none. */
export function sectionName(raw: string | null | undefined): string | null {
  const name = (raw ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_SECTION).trim();
  return name === '' ? null : name;
}

/** A section's key in addresses: "Local politics" → "local-politics" (as authors' and tags' keys). */
export function sectionKey(name: string): string {
  return facetKey(name);
}

/** One check of a source, as the fetch history records it. */
export interface FetchRecord {
  startedAt: Date;
  durationMs: number;
  outcome: 'stored' | 'not-modified' | 'failed';
  /** The URL fetched (the feed URL at the time). */
  url: string;
  httpStatus: number | null;
  /** Bytes of the body after decompression, when one arrived. */
  bytes: number | null;
  inserted: number;
  updated: number;
  errorCode: string | null;
  message: string | null;
}

/** The name to show for a source: the operator's, else the feed's, else its host. */
export function sourceDisplayName(source: Pick<Source, 'name' | 'title' | 'feedUrl'>): string {
  if (source.name) return source.name;
  if (source.title) return source.title;
  return parseUrl(source.feedUrl)?.host ?? source.feedUrl;
}

/**
 * The host a feed is fetched from, lower-cased with its port: what per-host politeness limits count
 * by ('' for a URL that cannot be read).
 */
export function feedHost(url: string): string {
  return hostOf(url) ?? '';
}
