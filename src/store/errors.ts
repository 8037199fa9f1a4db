import { CourtesyError } from '../model/errors.js';

/** Codes: store.duplicate-source, store.duplicate-user, store.bad-url, store.not-found, store.open, store.nested-write, store.timeout. */
export class StoreError extends CourtesyError {}
