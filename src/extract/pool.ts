import { Piscina } from 'piscina';
import { errorMessage } from '../model/errors.js';
import { extractWork, type PageWork, type WorkResult } from './work.js';

/** Runs extractWork: in worker threads, or inline when configured with none. */
export interface ExtractionPool {
  extract(work: PageWork): Promise<WorkResult>;
  close(): Promise<void>;
}

const WORKER = new URL('./extract-worker.js', import.meta.url).href;

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
  if (threads <= 0) {
    return { extract: (work) => Promise.resolve(extractWork(work)), close: () => Promise.resolve() };
  }
  let pool: Piscina<PageWork, WorkResult> | null = null;
  return {
    extract(work) {
      if (!pool) {
        pool = new Piscina<PageWork, WorkResult>({
          filename: WORKER,
          minThreads: 0,
          maxThreads: threads,
          idleTimeout: 60_000,
          resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        });
        // A thread that dies fails its page (below) and the pool replaces it.
        pool.on('error', options.onError ?? (() => {}));
      }
      return pool.run(work).catch((error: unknown): WorkResult => {
        const code = (error as { code?: unknown } | null)?.code;
        if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
          return {
            ok: false,
            code: 'extract.too-complex',
            message: `extract: the page needed more than ${WORKER_HEAP_MB} MB of memory to extract`,
          };
        }
        return {
          ok: false,
          code: 'extract.internal',
          message: `extract: the worker failed: ${errorMessage(error)}`,
        };
      });
    },
    async close() {
      await pool?.destroy();
      pool = null;
    },
  };
}
