import type { Store } from '../store/index.js';

/**
 * A sliding-window limit per key (a client address) on one action (the bucket): at most `limit`
 * uses in `windowMs`. The counts live in the database, so every web process on it shares them.
 */
export class RateLimiter {
  constructor(
    private readonly store: Pick<Store, 'hitRateLimit'>,
    private readonly bucket: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a use; null when allowed, or the seconds until the next use would be. */
  hit(key: string, now = new Date()): Promise<number | null> {
    return this.store.hitRateLimit(this.bucket, key, this.limit, this.windowMs, now);
  }
}
