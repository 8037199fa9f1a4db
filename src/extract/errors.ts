import { CourtesyError } from '../model/errors.js';

/**
 * Why a page yielded nothing worth republishing; the caller keeps the feed's content instead. In a
 * module of its own, so that code that only reports it (the page fetch, the rules check) does not
 * load the extractor.
 */
export class ExtractError extends CourtesyError<ExtractErrorCode> {}

/** Why an extraction kept the feed's content: stable codes, shown in `sources show`. */
export type ExtractErrorCode =
  | 'extract.bad-base'
  | 'extract.bad-selector'
  | 'extract.empty'
  | 'extract.no-match'
  | 'extract.too-large'
  | 'extract.too-short'
  | 'extract.mostly-links'
  | 'extract.not-html'
  | 'extract.robots'
  /** The page needed more memory than an extraction thread may use. */
  | 'extract.too-complex'
  /** Anything else the extraction threw: a bug, logged. */
  | 'extract.internal';
