import { CourtesyError } from '../model/errors.js';

/** Why a body could not be read as a feed: stable codes, recorded on the source. */
export type ParseErrorCode =
  | 'parse.empty'
  | 'parse.html-page'
  | 'parse.not-a-feed'
  | 'parse.json-invalid'
  | 'parse.json-not-feed'
  | 'parse.too-large'
  /** The feed needed more memory than a feed thread may use (see ingest/feed-processor.ts). */
  | 'parse.too-complex'
  /** Anything else the parser threw: a bug, logged. */
  | 'parse.internal';

export class ParseError extends CourtesyError<ParseErrorCode> {
  /** For parse.html-page: the feeds the page links to with <link rel="alternate">. */
  readonly discovered: string[];

  constructor(code: ParseErrorCode, message: string, options?: { cause?: unknown; discovered?: string[] }) {
    super(code, message, options);
    this.discovered = options?.discovered ?? [];
  }
}
