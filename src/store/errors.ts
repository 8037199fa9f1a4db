import { CourtesyError } from '../model/errors.js';

/** Why the store refused or failed: stable codes. */
export const STORE_ERROR_CODES = [
  'store.duplicate-source',
  'store.duplicate-user',
  'store.bad-url',
  'store.not-found',
  'store.open',
  'store.nested-write',
  'store.timeout',
  'store.migration',
  'store.unsupported',
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends CourtesyError<StoreErrorCode> {}

/** Whether a code that crossed a thread boundary as a string is one of the store's. */
export function isStoreErrorCode(code: string | null): code is StoreErrorCode {
  return (STORE_ERROR_CODES as readonly (string | null)[]).includes(code);
}
