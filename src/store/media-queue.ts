/** The media queue: entries' pictures (the lead image and those of the text), to fetch once and keep resized copies of. */
import type { LeadImage } from '../model/media.js';

/** What a picture is to its entry: its lead image (on cards, opening the article), or one in its text. */
export type MediaRole = 'lead' | 'inline';

/** An image to fetch and resize, claimed from the queue. */
export interface MediaTask {
  entryId: number;
  role: MediaRole;
  /** The original's address (parse/lead-image.ts chose it). */
  url: string;
  /** Where its copies are kept (model/media.ts mediaKey). */
  key: string;
  /** Tries so far that could not fetch it. */
  attempts: number;
}

/** How fetching an image ended. */
export type MediaOutcome =
  /** The copies are on disk: the entry's pages show the image from now on. */
  | { state: 'ready'; width: number; height: number; bytes: number }
  /** Not an image the site will show (too small, not an image, refused by robots.txt...): why. */
  | { state: 'failed'; note: string }
  /** Could not be had this time (a timeout, a 5xx): tried again at `retryAt`. */
  | { state: 'pending'; note: string; retryAt: Date };

export type MediaState = 'pending' | 'ready' | 'failed' | 'purged' | 'gone' | 'evicted';
export const MEDIA_STATES: readonly MediaState[] = [
  'pending',
  'ready',
  'failed',
  'purged',
  'gone',
  'evicted',
];

/** One line of the queue: an entry's picture. */
export interface MediaLine {
  entryId: number;
  key: string;
}

/** Lines whose files are to be deleted: their entry was hidden or removed. */
export type MediaPurge = MediaLine;

/** An entry's pictures that the site has copies of. */
export interface EntryPictures {
  lead: LeadImage | null;
  /** Every one, the lead image included. */
  all: LeadImage[];
}

/**
 * The media queue. An entry's lead image and the pictures of its text join it, pending, when it is
 * first stored (or when its full text brings the page's og:image and the article's pictures); a
 * worker claims due images (no image is claimed by two workers at once), fetches and resizes them,
 * and records how it went. An image whose copies exist for another entry is not fetched again. Hiding or removing an entry takes its image off the site
 * at once (only a public entry's image is served), and purges the line: the worker then deletes the
 * files no other public entry uses.
 */
export interface MediaRepository {
  claim(now: Date, limit: number, claimMs: number): Promise<MediaTask[]>;
  /** Records an outcome; a ready image changes its entry's pages. */
  finish(line: MediaLine, outcome: MediaOutcome, now: Date): Promise<void>;
  /** The copies kept under `key` for any entry (so the same image is not fetched twice), or null. */
  kept(key: string): Promise<{ width: number; height: number; bytes: number } | null>;
  /** Whether the copies under `key` may be served: kept, and the image of a public entry. */
  servable(key: string): Promise<boolean>;
  /** The pictures of these entries that are ready. */
  imagesOf(entryIds: readonly number[]): Promise<Map<number, EntryPictures>>;
  /**
   * Purged lines, whose files are to go. The caller deletes the files that `inUse` says no other
   * line needs, then calls `settle`.
   */
  purges(limit: number): Promise<MediaPurge[]>;
  /** Purges the lines of entries that no longer exist (a path that removed entries without purging); how many. */
  sweep(): Promise<number>;
  /** Whether a ready line other than these keeps the copies under `key`. */
  inUse(key: string, except: readonly MediaLine[]): Promise<boolean>;
  /** The purged lines' files are deleted: a hidden entry's lines are kept (gone), a removed one's go. */
  settle(lines: readonly MediaLine[]): Promise<void>;
  /** What the kept copies take on disk, and how many images they are. */
  usage(): Promise<{ bytes: number; images: number }>;
  /** Marks the oldest kept images evicted until `bytes` are freed; their keys, for the files to go. */
  evict(bytes: number, now: Date): Promise<string[]>;
  /** How many lines are in each state. */
  counts(): Promise<Record<MediaState, number>>;
}
