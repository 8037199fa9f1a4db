/**
 * A sliding-window limit per key (a client address): at most `limit` hits in `windowMs`.
 * It lives in one process's memory: behind several web processes, each keeps its own count.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Keys remembered at most; the oldest are forgotten first, so a flood of addresses cannot grow memory. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts a hit; returns null when allowed, or the seconds until the next hit would be. */
  hit(key: string, now = Date.now()): number | null {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? now) + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
    return null;
  }
}
