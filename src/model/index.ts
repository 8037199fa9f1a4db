export type { Feed, FeedEntry, FeedFormat, Enclosure } from './feed.js';
export type { Source, SourceStatus, RightsPolicy, SearchEnginePolicy } from './source.js';
export { RIGHTS_POLICIES, sourceDisplayName } from './source.js';
export type { Entry, EntryInput } from './entry.js';
export { CourtesyError, UsageError, NotFoundError, errorMessage } from './errors.js';
export type { Subscription, SubscriptionState } from './subscription.js';
export type { SuppressionRule, NewRule, RuleKind, Tombstone, AuditRecord } from './rights.js';
export { urlKey, hostKey, ruleMatches, describeRule, RULE_KINDS } from './rights.js';
export { pushIsLive } from './subscription.js';
