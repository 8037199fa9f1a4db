import type { EntryInput } from '../../model/entry.js';
import type { Store } from '../store.js';

/**
 * What the parts of the store's contract share: the one store they run against, in order (opened
 * before the first part, closed after the last), the contract's clock and its entry maker.
 */
export interface ContractContext {
  readonly store: Store;
  readonly t0: Date;
  readonly entry: (n: number, patch?: Partial<EntryInput>) => EntryInput;
}
