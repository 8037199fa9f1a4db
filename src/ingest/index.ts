export { refreshSource, type IngestContext, type RefreshOutcome } from './refresh.js';
export { pollSources, startPoller, type PollSelection, type PollReport } from './poller.js';
export { nextCheckAfterFailure, nextCheckAfterSuccess } from './schedule.js';
