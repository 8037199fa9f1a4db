import { createTaskPool } from '../threads/pool.js';
import { errorMessage } from '../model/errors.js';
import type { FeedBody, ProcessResult } from './process-feed.js';

/** Runs processFeed: in worker threads, or inline when configured with none. */
export interface FeedProcessor {
  process(input: FeedBody): Promise<ProcessResult>;
  close(): Promise<void>;
}

const WORKER = new URL('./feed-worker.js', import.meta.url);

/**
 * The heap a worker may use. The worst feed within the default 10 MB body cap (one item of 10 MB of
 * HTML) needs about 150 MB to sanitize; beyond this, a worker stops with an out-of-memory error that
 * fails that feed alone, instead of growing without bound. It also makes V8 collect sooner, which
 * lowers a large poll's peak memory (`npm run bench:poll`; the figures are in the commit that set it).
 */
const WORKER_HEAP_MB = 192;
/**
 * The worker's young generation. Parsing makes many short-lived objects; V8's default lets the
 * young generation grow to tens of MB before it is swept, which a poll of thousands of feeds pays
 * for in memory more than in time (`npm run bench:poll` measured it; the figures are in the commit).
 */
const WORKER_YOUNG_MB = 12;

/**
 * A pool of `threads` worker threads, started on first use (commands that never parse a feed start
 * none). With 0 threads, feeds are processed on the calling thread.
 */
export function createFeedProcessor(
  threads: number,
  options: { heapMb?: number; onError?: (error: unknown) => void } = {},
): FeedProcessor {
  const heapMb = options.heapMb ?? WORKER_HEAP_MB;
  const pool = createTaskPool<FeedBody, ProcessResult>({
    worker: WORKER,
    inline: async (body) => (await import('./process-feed.js')).processFeed(body),
    threads,
    minThreads: threads,
    heapMb,
    youngMb: WORKER_YOUNG_MB,
    onError: options.onError,
    failed: (error, outOfMemory) => workerFailure(error, outOfMemory, heapMb),
  });
  return { process: (input) => pool.run(input), close: () => pool.close() };
}

/** A worker that died on a feed: that feed fails with a stable code, nothing else does. */
function workerFailure(error: unknown, outOfMemory: boolean, heapMb: number): ProcessResult {
  if (outOfMemory) {
    return {
      ok: false,
      code: 'parse.too-complex',
      message: `parse: the feed needed more than ${heapMb} MB of memory to process`,
    };
  }
  return { ok: false, code: 'parse.internal', message: `parse: the worker failed: ${errorMessage(error)}` };
}
