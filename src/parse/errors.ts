import { CourtesyError } from '../model/errors.js';

/**
 * Why a body could not be read as a feed. Codes are stable:
 * parse.empty, parse.html-page, parse.not-a-feed, parse.json-invalid, parse.json-not-feed.
 */
export class ParseError extends CourtesyError {
  /** For parse.html-page: the feeds the page links to with <link rel="alternate">. */
  readonly discovered: string[];

  constructor(code: string, message: string, options?: { cause?: unknown; discovered?: string[] }) {
    super(code, message, options);
    this.discovered = options?.discovered ?? [];
  }
}
