import type { SourceQueue, Store } from './store.js';

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

/**
 * Why the polling counts as stalled, or null: a source has waited at least `stallAfterMs` since it
 * became due, and no check of any source has ended in that time. Due sources alone are no stall (a
 * large site always has some); checks that keep ending are progress, however long the queue.
 */
export function pollStall(queue: SourceQueue, now: Date, stallAfterMs: number): string | null {
  if (!queue.oldestDueAt) return null;
  const waiting = now.getTime() - queue.oldestDueAt.getTime();
  if (waiting < stallAfterMs) return null;
  const sinceCheck = queue.lastCheckAt ? now.getTime() - queue.lastCheckAt.getTime() : Infinity;
  if (sinceCheck < stallAfterMs) return null;
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  return `the polling has stalled: a source has been due for ${minutes(waiting)} and ${
    queue.lastCheckAt ? `no check has ended for ${minutes(sinceCheck)}` : 'no check has ever ended'
  } (poll.stall_after_seconds is ${Math.round(stallAfterMs / 1000)})`;
}

/** What `/readyz` answers: the database's problem, else the polling's, else null (ready). */
export async function readinessProblem(
  store: Store,
  stallAfterMs: number,
  now = new Date(),
): Promise<string | null> {
  const problem = await storeProblem(store);
  if (problem !== null) return problem;
  try {
    return pollStall(await store.sources.queue(now), now, stallAfterMs);
  } catch (error) {
    return `the database failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
