import { Piscina } from 'piscina';
import { processFeed, type FeedBody, type ProcessResult } from './process-feed.js';

/** Runs processFeed: in worker threads, or inline when configured with none. */
export interface FeedProcessor {
  process(input: FeedBody): Promise<ProcessResult>;
  close(): Promise<void>;
}

const WORKER = new URL('./feed-worker.js', import.meta.url).href;

/**
 * A pool of `threads` worker threads, started on first use (commands that never parse a feed start
 * none). With 0 threads, feeds are processed on the calling thread.
 */
export function createFeedProcessor(threads: number): FeedProcessor {
  if (threads <= 0) {
    return {
      process: (input) => Promise.resolve(processFeed(input)),
      close: () => Promise.resolve(),
    };
  }
  let pool: Piscina<FeedBody, ProcessResult> | null = null;
  return {
    process(input) {
      pool ??= new Piscina<FeedBody, ProcessResult>({
        filename: WORKER,
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: 60_000,
      });
      return pool.run(input);
    },
    async close() {
      await pool?.destroy();
      pool = null;
    },
  };
}
