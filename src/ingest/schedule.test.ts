import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feedInterval, freshnessMs, nextCheckAfterFailure, nextCheckAfterSuccess } from './schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const bounds = { intervalMs: 60 * MIN, minIntervalMs: 15 * MIN, maxIntervalMs: 24 * HOUR };
const now = new Date('2026-11-25T12:00:00Z');
const t = now.getTime();
const middle = () => 0.5;

describe('feedInterval', () => {
  it('checks a feed at half its publishing rhythm', () => {
    const times = [1, 3, 5, 7, 9].map((h) => t - h * HOUR + HOUR);
    const result = feedInterval(now, bounds, {
      ttlMinutes: null,
      updateMinutes: null,
      publishedTimes: times,
    });
    assert.equal(result.ms, HOUR);
    assert.equal(result.basis, 'publishes about every 2 h');
  });

  it('slows down for a feed whose newest entry is older than its rhythm', () => {
    const times = [48, 49, 50, 51].map((h) => t - h * HOUR);
    const result = feedInterval(now, bounds, {
      ttlMinutes: null,
      updateMinutes: null,
      publishedTimes: times,
    });
    assert.equal(result.ms, 24 * HOUR);
    assert.equal(result.basis, 'no new entry for 2 d');
  });

  it('uses the configured interval without enough dates, and ignores future dates', () => {
    const result = feedInterval(now, bounds, {
      ttlMinutes: null,
      updateMinutes: null,
      publishedTimes: [t - HOUR, t + HOUR, t + 2 * HOUR],
    });
    assert.deepEqual(result, { ms: HOUR, basis: 'the configured interval' });
  });

  it('never checks sooner than <ttl> or sy:updatePeriod say', () => {
    const busy = [1, 2, 3, 4].map((m) => t - m * MIN * 10);
    assert.equal(
      feedInterval(now, bounds, { ttlMinutes: 120, updateMinutes: null, publishedTimes: busy }).ms,
      2 * HOUR,
    );
    const sy = feedInterval(now, bounds, { ttlMinutes: 30, updateMinutes: 180, publishedTimes: busy });
    assert.deepEqual(sy, { ms: 3 * HOUR, basis: 'sy:updatePeriod of 3 h' });
  });
});

describe('nextCheckAfterSuccess', () => {
  it('keeps within the bounds and says so', () => {
    const fast = nextCheckAfterSuccess(
      now,
      bounds,
      { ms: MIN, basis: 'publishes about every 2 min' },
      { cacheControl: null, expires: null },
      middle,
    );
    assert.equal(fast.at.getTime(), t + 15 * MIN);
    assert.match(fast.basis, /raised to the minimum interval/);
    const slow = nextCheckAfterSuccess(
      now,
      bounds,
      { ms: 90 * HOUR, basis: 'x' },
      { cacheControl: null, expires: null },
      middle,
    );
    assert.equal(slow.at.getTime(), t + 24 * HOUR);
  });

  it('spreads by ±10%', () => {
    const interval = { ms: 2 * HOUR, basis: 'x' };
    const none = { cacheControl: null, expires: null };
    assert.equal(nextCheckAfterSuccess(now, bounds, interval, none, () => 0).at.getTime(), t + 1.8 * HOUR);
    assert.equal(nextCheckAfterSuccess(now, bounds, interval, none, () => 1).at.getTime(), t + 2.2 * HOUR);
  });

  it('keeps the spread within the minimum and the maximum, as the configuration promises', () => {
    const none = { cacheControl: null, expires: null };
    const at = (ms: number, r: number) =>
      nextCheckAfterSuccess(now, bounds, { ms, basis: 'x' }, none, () => r).at.getTime() - t;
    assert.equal(at(24 * HOUR, 1), 24 * HOUR - 0.1 * 24 * HOUR, 'folded back below the maximum');
    assert.equal(at(24 * HOUR, 0), 0.9 * 24 * HOUR);
    assert.equal(at(24 * HOUR, 0.5), 24 * HOUR);
    assert.equal(at(15 * MIN, 0), 15 * MIN + 0.1 * 15 * MIN, 'folded back above the minimum');
    for (let r = 0; r <= 1; r += 0.05) {
      assert.ok(at(90 * HOUR, r) <= 24 * HOUR);
      assert.ok(at(MIN, r) >= 15 * MIN);
      const failing = nextCheckAfterFailure(now, bounds, 12, null, () => r).at.getTime() - t;
      assert.ok(failing <= 24 * HOUR && failing >= 0.8 * 24 * HOUR - 1, `backoff ${failing}`);
    }
  });

  it("honours the server's max-age as a floor, the spread included", () => {
    const next = nextCheckAfterSuccess(
      now,
      bounds,
      { ms: 20 * MIN, basis: 'x' },
      { cacheControl: 'public, max-age=7200', expires: null },
      () => 0,
    );
    assert.equal(next.at.getTime(), t + 2 * HOUR);
    assert.equal(next.basis, "the server's caching headers (2 h)");
  });
});

describe('freshnessMs', () => {
  it('reads max-age, s-maxage and Expires against the Date header', () => {
    assert.equal(freshnessMs(now, { cacheControl: 'max-age=300', expires: null }), 300_000);
    assert.equal(freshnessMs(now, { cacheControl: 's-maxage="60", public', expires: null }), 60_000);
    assert.equal(
      freshnessMs(now, {
        cacheControl: null,
        expires: 'Wed, 25 Nov 2026 13:00:00 GMT',
        date: 'Wed, 25 Nov 2026 12:30:00 GMT',
      }),
      30 * MIN,
    );
  });

  it('sets no floor for no-cache, no-store, or an unreadable Expires; a past Expires is stale', () => {
    assert.equal(freshnessMs(now, { cacheControl: 'no-cache, max-age=600', expires: null }), null);
    assert.equal(freshnessMs(now, { cacheControl: 'no-store', expires: null }), null);
    assert.equal(freshnessMs(now, { cacheControl: null, expires: 'soon' }), null);
    assert.equal(
      freshnessMs(now, { cacheControl: null, expires: '0' }),
      0,
      'an Expires in the past: stale at once',
    );
    assert.equal(freshnessMs(now, { cacheControl: null, expires: null }), null);
  });
});

describe('nextCheckAfterFailure', () => {
  it('doubles from the minimum interval up to the maximum', () => {
    const at = (n: number) => nextCheckAfterFailure(now, bounds, n, null, middle).at.getTime() - t;
    assert.equal(at(1), 15 * MIN);
    assert.equal(at(2), 30 * MIN);
    assert.equal(at(3), 60 * MIN);
    assert.equal(at(12), 24 * HOUR);
    assert.equal(
      nextCheckAfterFailure(now, bounds, 3, null, middle).basis,
      'backing off after 3 failures in a row',
    );
  });

  it('waits for a later Retry-After, capped at the maximum interval', () => {
    const later = new Date(t + 5 * HOUR);
    assert.deepEqual(nextCheckAfterFailure(now, bounds, 1, later, middle), {
      at: later,
      basis: "the server's Retry-After",
    });
    const sooner = new Date(t + MIN);
    assert.equal(nextCheckAfterFailure(now, bounds, 1, sooner, middle).at.getTime(), t + 15 * MIN);
    const far = new Date(t + 30 * 24 * HOUR);
    assert.equal(nextCheckAfterFailure(now, bounds, 1, far, middle).at.getTime(), t + 24 * HOUR);
  });
});
