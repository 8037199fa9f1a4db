import { createTaskPool } from '../threads/pool.js';
import { errorMessage } from '../model/errors.js';
import type { PageWork, WorkResult } from './work.js';

/** Runs extractWork: in worker threads, or inline when configured with none. */
export interface ExtractionPool {
  extract(work: PageWork): Promise<WorkResult>;
  close(): Promise<void>;
}

const WORKER = new URL('./extract-worker.js', import.meta.url);

/**
 * The heap a thread may use. A page within the default 10 MB body cap needs far less; a page that
 * needs more fails alone (`extract.too-complex`) instead of growing without bound.
 */
const WORKER_HEAP_MB = 256;

/**
 * A pool of `threads` worker threads, started on first use (a site without full-text sources
 * starts none). With 0 threads, pages are extracted on the calling thread.
 */
export function createExtractionPool(
  threads: number,
  options: { onError?: (error: unknown) => void } = {},
): ExtractionPool {
  const pool = createTaskPool<PageWork, WorkResult>({
    worker: WORKER,
    inline: async (work) => (await import('./work.js')).extractWork(work),
    threads,
    minThreads: 0,
    heapMb: WORKER_HEAP_MB,
    onError: options.onError,
    failed: (error, outOfMemory): WorkResult =>
      outOfMemory
        ? {
            ok: false,
            code: 'extract.too-complex',
            message: `extract: the page needed more than ${WORKER_HEAP_MB} MB of memory to extract`,
          }
        : {
            ok: false,
            code: 'extract.internal',
            message: `extract: the worker failed: ${errorMessage(error)}`,
          },
  });
  return { extract: (work) => pool.run(work), close: () => pool.close() };
}
