/** When a source is checked next: from its success or its failure, within the operator's bounds. */

export interface ScheduleBounds {
  intervalMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** After a successful check: the configured interval, lengthened to the feed's <ttl> if it asks for more. */
export function nextCheckAfterSuccess(now: Date, bounds: ScheduleBounds, ttlMinutes: number | null): Date {
  let interval = bounds.intervalMs;
  if (ttlMinutes !== null && ttlMinutes * 60_000 > interval) interval = ttlMinutes * 60_000;
  return new Date(now.getTime() + clamp(interval, bounds));
}

/**
 * After a failure: exponential backoff from the minimum interval (doubling with each consecutive
 * failure, capped at the maximum) with ±20% jitter so that sources failing together do not return
 * together; a server's Retry-After wins when it asks for later.
 */
export function nextCheckAfterFailure(
  now: Date,
  bounds: ScheduleBounds,
  consecutiveFailures: number,
  retryAt: Date | null,
  random: () => number = Math.random,
): Date {
  const exponent = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
  const backoff = Math.min(bounds.minIntervalMs * 2 ** exponent, bounds.maxIntervalMs);
  const jittered = backoff * (0.8 + 0.4 * random());
  const next = now.getTime() + jittered;
  if (retryAt && retryAt.getTime() > next)
    return new Date(Math.min(retryAt.getTime(), now.getTime() + bounds.maxIntervalMs));
  return new Date(next);
}

function clamp(ms: number, bounds: ScheduleBounds): number {
  return Math.min(Math.max(ms, bounds.minIntervalMs), bounds.maxIntervalMs);
}
