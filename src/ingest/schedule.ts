import { parseUrl } from '../model/url.js';
/**
 * When a source is checked next. The rules, in order (docs/polling.md explains them to operators):
 *
 * 1. The feed's rhythm: half the median gap between its newest dated entries (a feed that publishes
 *    every 2 h is checked every hour); when its newest entry is older than that gap, the feed has
 *    slowed down and half the newest entry's age is used instead. Without enough dates, the
 *    configured interval.
 * 2. What the publisher asks for is a floor: `<ttl>`, `sy:updatePeriod`/`sy:updateFrequency`, and
 *    the response's `Cache-Control: max-age` or `Expires`. courtesy never comes back sooner.
 * 3. The result is kept between the configured minimum and maximum intervals, and spread by ±10%
 *    so that sources added together do not stay in lockstep; the spread stays within the bounds.
 *
 * After a failure: exponential backoff from the minimum interval, doubling with each consecutive
 * failure up to the maximum, ±20% jitter (within the bounds too); a 429 or 503's Retry-After wins when it asks for later
 * (capped at the maximum interval).
 */

export interface ScheduleBounds {
  intervalMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** What a parsed feed says about how often it changes. */
export interface FeedRhythm {
  ttlMinutes: number | null;
  updateMinutes: number | null;
  /** Published times of the feed's entries, in ms, any order. */
  publishedTimes: readonly number[];
}

/** The caching headers of the last response. */
export interface HttpFreshness {
  cacheControl: string | null;
  expires: string | null;
  /** The response's Date header, so that Expires is read against the server's clock. */
  date?: string | null;
}

export interface NextCheck {
  at: Date;
  /** Why, in words, for `sources show`. */
  basis: string;
}

export interface FeedInterval {
  ms: number;
  basis: string;
}

/** How many of the newest dated entries the rhythm is read from. */
const RHYTHM_SAMPLE = 10;

/** The interval a feed's own content and declarations suggest, before HTTP caching and bounds. */
export function feedInterval(now: Date, bounds: ScheduleBounds, rhythm: FeedRhythm): FeedInterval {
  let ms = bounds.intervalMs;
  let basis = 'the configured interval';
  const times = [...new Set(rhythm.publishedTimes.filter((t) => t <= now.getTime()))]
    .sort((a, b) => b - a)
    .slice(0, RHYTHM_SAMPLE);
  if (times.length >= 3) {
    const gaps = times.slice(1).map((t, i) => times[i]! - t);
    const median = medianOf(gaps);
    const age = now.getTime() - times[0]!;
    const gap = Math.max(median, age);
    ms = gap / 2;
    basis = age > median ? `no new entry for ${duration(age)}` : `publishes about every ${duration(median)}`;
  }
  const declared = [
    rhythm.ttlMinutes !== null && rhythm.ttlMinutes > 0
      ? { ms: rhythm.ttlMinutes * 60_000, basis: `<ttl> of ${duration(rhythm.ttlMinutes * 60_000)}` }
      : null,
    rhythm.updateMinutes !== null
      ? {
          ms: rhythm.updateMinutes * 60_000,
          basis: `sy:updatePeriod of ${duration(rhythm.updateMinutes * 60_000)}`,
        }
      : null,
  ];
  for (const floor of declared) {
    if (floor && floor.ms > ms) ({ ms, basis } = floor);
  }
  return { ms, basis };
}

/** After a successful check (new content or 304). */
export function nextCheckAfterSuccess(
  now: Date,
  bounds: ScheduleBounds,
  fromFeed: FeedInterval | null,
  http: HttpFreshness,
  random: () => number = Math.random,
): NextCheck {
  let { ms, basis } = fromFeed ?? { ms: bounds.intervalMs, basis: 'the configured interval' };
  const fresh = freshnessMs(now, http);
  if (fresh !== null && fresh > ms) {
    ms = fresh;
    basis = `the server's caching headers (${duration(fresh)})`;
  }
  if (ms < bounds.minIntervalMs) {
    ms = bounds.minIntervalMs;
    basis += `, raised to the minimum interval`;
  } else if (ms > bounds.maxIntervalMs) {
    ms = bounds.maxIntervalMs;
    basis += `, capped at the maximum interval`;
  }
  const spread = withinBounds(ms * (0.9 + 0.2 * random()), bounds);
  // The floor the publisher asked for is not shortened by the spread.
  const at = Math.max(spread, fresh !== null ? Math.min(fresh, bounds.maxIntervalMs) : 0);
  return { at: new Date(now.getTime() + at), basis };
}

/**
 * A spread interval kept between the minimum and the maximum, as the configuration promises: a
 * spread past a bound is folded back inside it (the same distance from it), so intervals at a
 * bound stay spread instead of all landing on it together.
 */
function withinBounds(ms: number, bounds: ScheduleBounds): number {
  const folded =
    ms > bounds.maxIntervalMs
      ? 2 * bounds.maxIntervalMs - ms
      : ms < bounds.minIntervalMs
        ? 2 * bounds.minIntervalMs - ms
        : ms;
  return Math.min(bounds.maxIntervalMs, Math.max(bounds.minIntervalMs, folded));
}

/** After a failure: backoff with jitter, or the server's Retry-After when later. */
export function nextCheckAfterFailure(
  now: Date,
  bounds: ScheduleBounds,
  consecutiveFailures: number,
  retryAt: Date | null,
  random: () => number = Math.random,
): NextCheck {
  const exponent = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
  const backoff = Math.min(bounds.minIntervalMs * 2 ** exponent, bounds.maxIntervalMs);
  const next = now.getTime() + withinBounds(backoff * (0.8 + 0.4 * random()), bounds);
  if (retryAt && retryAt.getTime() > next) {
    const capped = Math.min(retryAt.getTime(), now.getTime() + bounds.maxIntervalMs);
    return { at: new Date(capped), basis: `the server's Retry-After` };
  }
  const plural = consecutiveFailures === 1 ? 'failure' : `${consecutiveFailures} failures in a row`;
  return { at: new Date(next), basis: `backing off after ${plural}` };
}

/**
 * While a WebSub hub pushes a source's content, polling is only a fallback in case a push is lost:
 * no sooner than `fallbackMs` (spread by ±10%).
 */
export function withPushFallback(
  now: Date,
  next: NextCheck,
  fallbackMs: number,
  hub: string,
  random: () => number = Math.random,
): NextCheck {
  const floor = now.getTime() + fallbackMs * (0.9 + 0.2 * random());
  if (next.at.getTime() >= floor) return next;
  // The hub as written when it is no URL.
  const host = parseUrl(hub)?.host ?? hub;
  return { at: new Date(floor), basis: `WebSub push from ${host} is live; polling as a fallback` };
}

/**
 * How long the response may be cached (RFC 9111 §4.2.1): `max-age` (or `s-maxage`), else
 * `Expires` minus `Date`; null when neither says, or `no-cache`/`no-store` asks to revalidate.
 */
export function freshnessMs(now: Date, http: HttpFreshness): number | null {
  const cc = http.cacheControl?.toLowerCase() ?? '';
  if (/(^|[\s,])(no-cache|no-store)\b/.test(cc)) return null;
  const maxAge = /(?:^|[\s,])(?:s-maxage|max-age)\s*=\s*"?(\d+)/.exec(cc);
  if (maxAge) return Number(maxAge[1]) * 1000;
  if (http.expires) {
    const expires = Date.parse(http.expires);
    if (Number.isNaN(expires)) return null;
    const date = http.date ? Date.parse(http.date) : NaN;
    const reference = Number.isNaN(date) ? now.getTime() : date;
    return Math.max(0, expires - reference);
  }
  return null;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "45 min", "2 h", "3 d": a rough duration for people. */
export function duration(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 5_400_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
