/**
 * The normalized feed: what every parser returns, whatever the format on the wire.
 * `courtesy parse --json` prints exactly this shape (see docs/normalized-feed.md).
 */

/** The family of the document as detected from its content. */
export type FeedFormat = 'rss2' | 'rss1' | 'atom' | 'json';

export interface Enclosure {
  url: string;
  /** MIME type as the feed gives it, or null. */
  type: string | null;
  /** Length in bytes as the feed gives it, or null when absent or not a number. */
  length: number | null;
}

export interface FeedEntry {
  /**
   * The entry's stable identity within its feed: the guid/id as published, else the link,
   * else a content hash (see parse/identity.ts for the rules).
   */
  id: string;
  title: string | null;
  /** Absolute URL of the original article, or null. */
  link: string | null;
  author: string | null;
  /** ISO 8601 UTC, or null when absent or unreadable. */
  published: string | null;
  updated: string | null;
  /** HTML as the feed gives it (not yet sanitized). */
  summary: string | null;
  content: string | null;
  categories: string[];
  enclosures: Enclosure[];
  /**
   * The entry's own picture as the feed names it (Media RSS `media:thumbnail`, JSON Feed `image`
   * or `banner_image`), absolute; null when it names none.
   */
  image: string | null;
  /** The xml:base in force for summary and content, when the feed sets one; else null (see ingest). */
  base: string | null;
}

export interface Feed {
  format: FeedFormat;
  /** The version the document declares or implies: "0.91", "2.0", "1.0", "0.3", "1.1"... */
  version: string | null;
  title: string | null;
  /** The publisher's site (not the feed URL). */
  link: string | null;
  description: string | null;
  language: string | null;
  /** A feed-level author, used for entries that name none. */
  author: string | null;
  /** WebSub hubs the feed names. */
  hubs: string[];
  /** The feed's own address as it states it (`rel="self"`, JSON Feed `feed_url`): the WebSub topic. */
  self: string | null;
  /** RSS <ttl> in minutes, when given. */
  ttl: number | null;
  /** How often the feed says it updates (sy:updatePeriod / sy:updateFrequency), in minutes. */
  updateMinutes: number | null;
  entries: FeedEntry[];
  /**
   * What the parser had to recover from (like feedparser's bozo flag); empty for a clean document.
   */
  warnings: string[];
}
