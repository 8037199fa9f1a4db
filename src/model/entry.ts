import type { Enclosure } from './feed.js';
import type { IntakeVerdict } from './intake.js';
import type { LeadImage } from './media.js';

/** An entry as stored: normalized, sanitized, attached to its source. */
export interface Entry {
  id: number;
  sourceId: number;
  /** The identity within the source (FeedEntry.id). */
  guid: string;
  url: string | null;
  title: string | null;
  author: string | null;
  publishedAt: Date | null;
  updatedAt: Date | null;
  /** When courtesy first stored the entry. */
  createdAt: Date;
  /** The time the site sorts by: published time, or first seen when absent or in the future. */
  sortAt: Date;
  /** Sanitized HTML. */
  summaryHtml: string | null;
  contentHtml: string | null;
  /** The article courtesy extracted from the original page (sanitized), for a full-text source. */
  articleHtml: string | null;
  categories: string[];
  enclosures: Enclosure[];
  /** Kept off every public page: hidden by an operator, held for review or filtered (see Withheld); null when public. */
  withheld: Withheld | null;
  /** For a filtered entry, what of its source's intake rules keeps it out, and why; else null. */
  filter?: IntakeVerdict;
  /** Its lead image, once the site has a copy of it (see store MediaRepository); else absent or null. */
  image?: LeadImage | null;
  /** Every picture of it the site has a copy of, the lead image and those of its text. */
  pictures?: LeadImage[];
  /**
   * The story it is one copy of (the same article carried by several sources; store/sql/stories.ts):
   * the id of the entry the story began with. Null or absent while it is alone.
   */
  story?: number | null;
}

/**
 * Why a stored entry is on no public page: `hidden` by an operator (reversible, unlike a takedown),
 * `held` until an operator publishes it (its source holds new entries for review), or `filtered` by
 * its source's intake rules (model/intake.ts; taken back when the rules change so that it passes).
 */
export type Withheld = 'hidden' | 'held' | 'filtered';

/** The HTML an entry shows as its body: the extracted article, else the feed's content, else its summary. */
export function bodyHtml(entry: Pick<Entry, 'articleHtml' | 'contentHtml' | 'summaryHtml'>): string | null {
  return entry.articleHtml ?? entry.contentHtml ?? entry.summaryHtml;
}

/** What ingest hands to the store for one entry. */
export type EntryInput = Omit<
  Entry,
  'id' | 'sourceId' | 'createdAt' | 'sortAt' | 'articleHtml' | 'withheld' | 'filter' | 'image' | 'pictures'
> & {
  /** The address of its lead image (parse/lead-image.ts), which the media cache fetches; null: none. */
  imageUrl?: string | null;
  /** The addresses of the pictures of its text (markup/html-images.ts), which the media cache fetches. */
  pictureUrls?: string[];
  /** A digest of everything shown, so an unchanged entry is not rewritten. */
  contentHash: string;
  /**
   * The plain text search indexes (of the content, or of the summary when there is none), made
   * where the entry was prepared, in a feed worker thread; the store makes it when it is absent.
   */
  searchText?: string;
  /**
   * The fingerprint of its body's text (model/fingerprint.ts, packed; null when too short to have
   * one), made where the entry was prepared; the store makes it when it is absent.
   */
  print?: Uint8Array | null;
};
