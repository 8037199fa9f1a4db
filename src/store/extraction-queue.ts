/** The full-text queue: the pages of full-text sources' entries to fetch and extract. */
import type { ClaimOptions } from './claims.js';

/** A page to fetch and extract, claimed from the full-text queue. */
export interface ExtractionTask {
  entryId: number;
  sourceId: number;
  /** The entry's original page. */
  url: string;
  /** The feed's own HTML for the entry (its content, else its summary), to judge the extraction by. */
  feedHtml: string | null;
  /** Tries so far that could not fetch the page. */
  attempts: number;
  /** The source's scraper rules. */
  selector: string | null;
  remove: string[];
}

/** How an extraction ended. */
export type ExtractionOutcome =
  /** The article was found: it is shown from now on, and searched. */
  | {
      state: 'done';
      html: string;
      searchText: string;
      /** The page's og:image: the entry's lead image when its feed named none. */
      image?: string | null;
      /** The pictures of the article's text, which the site keeps copies of. */
      pictures?: string[];
      /** The page's own rel=canonical address: a takedown rule for it covers the entry too. */
      canonical?: string | null;
      /**
       * The fingerprint of the article's text (model/fingerprint.ts, packed; null when too short):
       * a copy of a text a takedown removed is removed in its turn. The store makes it when absent.
       */
      print?: Uint8Array | null;
    }
  /** Courtesy gave up on the page (or the article found looked wrong): the feed's content stays. */
  | { state: 'kept-feed'; note: string }
  /** The page could not be fetched this time (a timeout, a 5xx): tried again at `retryAt`. */
  | { state: 'pending'; note: string; retryAt: Date };

export type ExtractionState = ExtractionOutcome['state'];

export interface ExtractionLine {
  entryId: number;
  title: string | null;
  url: string | null;
  state: ExtractionState;
  attempts: number;
  note: string | null;
  updatedAt: Date;
}

export interface ExtractionSummary {
  counts: Record<ExtractionState, number>;
  /** The newest lines, newest first. */
  recent: ExtractionLine[];
}

/**
 * The full-text queue. An entry of a full-text source that has a link joins it, pending, when it is
 * first stored; a worker claims pending pages (soonest first; no page is claimed by two workers at
 * once, whichever process or machine they run in), fetches and extracts them, and records how it
 * went. A claim holds for `claimMs`, or until the outcome is recorded: a worker that dies gives
 * its pages back when it runs out.
 */
export interface ExtractionRepository {
  /**
   * Claims up to `limit` due pages, soonest first, so that across all workers together no more
   * than `perHost` pages of one host are being fetched at a time.
   */
  claim(now: Date, limit: number, options: ClaimOptions): Promise<ExtractionTask[]>;
  /** Records an outcome; a found article changes the entry's pages and its search text, in one transaction. */
  finish(entryId: number, outcome: ExtractionOutcome, now: Date): Promise<void>;
  /** Queues the newest `limit` entries of a source again (to re-run its rules); how many. */
  requeue(sourceId: number, limit: number, now: Date): Promise<number>;
  /** A source's queue: how many pages are in each state, and the newest `recent` lines. */
  summary(sourceId: number, recent: number): Promise<ExtractionSummary>;
  /** Pending pages of every source, due or not. */
  pending(): Promise<number>;
}
