export { refreshSource, type IngestContext, type RefreshOutcome } from './refresh.js';
export { pollSources, startPoller, type PollSelection, type PollReport } from './poller.js';
export { createFeedProcessor, type FeedProcessor } from './feed-processor.js';
export type { ProcessedFeed, ProcessResult } from './process-feed.js';
export {
  feedInterval,
  freshnessMs,
  nextCheckAfterFailure,
  nextCheckAfterSuccess,
  duration,
  type ScheduleBounds,
  type NextCheck,
} from './schedule.js';
export { withPushFallback } from './schedule.js';
export { readFeedBody, storeFeedEntries } from './store-feed.js';
export type { PushAnnouncement, PushSide } from './push.js';
