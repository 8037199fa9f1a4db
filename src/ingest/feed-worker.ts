import { moving } from '../threads/pool.js';
import { runInBackground } from '../threads/priority.js';
import { processFeed, type FeedBody, type ProcessResult } from './process-feed.js';

runInBackground();

/** The entry point of each worker thread of the feed processor pool: the entries' buffer is moved out. */
export default function (input: FeedBody): ProcessResult {
  const result = processFeed(input);
  return result.ok ? moving(result, [result.feed.entries.bytes.buffer as ArrayBuffer]) : result;
}
