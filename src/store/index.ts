export type {
  Store,
  SourceRepository,
  EntryRepository,
  NewSource,
  SourcePatch,
  ClaimOptions,
  SourceListItem,
  SignInAttempt,
  SourceQueue,
  SaveResult,
  Cursor,
  EntryPage,
  EntryQuery,
  SubscriptionRepository,
  SubscriptionPatch,
  RightsRepository,
  GrantOptions,
  GrantOutcome,
  Decision,
  FilingKeys,
  TakedownRepository,
  UserRepository,
  OutboxRepository,
  ExtractionRepository,
  ExtractionTask,
  ExtractionOutcome,
  ExtractionState,
  ExtractionSummary,
  ExtractionLine,
  SearchQuery,
  SearchPage,
  SearchHit,
} from './store.js';
export { FETCH_HISTORY_PER_SOURCE } from './store.js';
export { StoreError } from './errors.js';
export { openStore } from './open-store.js';
export { redactDatabaseUrl } from './database-url.js';
export { pollStall, readinessProblem, storeProblem } from './readiness.js';
