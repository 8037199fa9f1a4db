import type { Store } from './store.js';

/** How long readiness waits for the database. */
export const READY_TIMEOUT_MS = 2000;

/**
 * Why the database cannot serve now (it does not answer a small indexed read in time), or null:
 * what `/readyz` answers, on the site and on a worker's metrics port.
 */
export async function storeProblem(store: Store, timeoutMs = READY_TIMEOUT_MS): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the database did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([store.lastPageChange().then(() => null), late]);
  } catch (error) {
    return `the database failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
