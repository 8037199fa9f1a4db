import { CourtesyError } from '../model/errors.js';

/**
 * Why a page yielded nothing worth republishing; the caller keeps the feed's content instead. In a
 * module of its own, so that code that only reports it (the page fetch, the rules check) does not
 * load the extractor.
 */
export class ExtractError extends CourtesyError {}
