import { CourtesyError } from '../model/errors.js';

/** Codes: store.duplicate-source, store.bad-url, store.migration. */
export class StoreError extends CourtesyError {}
