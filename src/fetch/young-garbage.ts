import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor'; execution: 'sync' }) => void;

let collect: Collect | null | undefined;

/**
 * Collects the young generation of this thread's heap now (a scavenge: a millisecond or less at
 * the semi-space size courtesy runs with), so that the network's chunks of a large body, copied
 * out and dead, give their memory back at once. V8 would otherwise collect them only once the
 * thread's own allocations fill the young generation, or once 64 MB of such buffers has piled up
 * since its last full collection, and the fetching thread allocates little of its own while it
 * reads a body. V8's collector is reached as node's `--expose-gc` gives it, set here for one new
 * context only; where that fails the call does nothing.
 */
export function collectYoungGarbage(): void {
  if (collect === undefined) collect = findCollector();
  collect?.({ type: 'minor', execution: 'sync' });
}

function findCollector(): Collect | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as Collect;
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    return typeof found === 'function' ? (found as Collect) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
