import { processFeed, type FeedBody, type ProcessResult } from './process-feed.js';

/** The entry point of each worker thread of the feed processor pool. */
export default function (input: FeedBody): ProcessResult {
  return processFeed(input);
}
