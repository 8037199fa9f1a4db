import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets each heap grow past what is alive after a full collection before it collects
 * again, in percent. V8 chooses this factor itself, between 10% and 300%, from how fast the
 * program allocates: a large poll allocates fast, and the main thread's heap (50 MB alive) grew to
 * several times its live size in garbage between two collections. At 30% a large poll's peak memory
 * falls by more than the main thread's live heap, for a few percent more CPU in V8's helper threads
 * (`npm run bench:poll`; the figures are in the commit that set it).
 */
export const HEAP_GROWING_PERCENT = 30;

let bounded = false;

/**
 * Bounds the heaps' growth between collections (HEAP_GROWING_PERCENT), for every thread of the
 * process: V8 reads this flag each time it sets a heap's next limit, so setting it once the
 * process runs takes effect at the next collection. Idempotent; an operator's own
 * `--heap-growing-percent` on the command line is left as it is.
 */
export function boundHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) =>
    arg.includes('--heap-growing-percent'),
  );
  if (bounded || given) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
