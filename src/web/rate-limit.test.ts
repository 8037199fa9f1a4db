import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('the rate limiter', () => {
  it('allows `limit` hits per window and key, then says when to come back', () => {
    const limiter = new RateLimiter(2, 60_000);
    assert.equal(limiter.hit('a', 0), null);
    assert.equal(limiter.hit('a', 10_000), null);
    assert.equal(limiter.hit('a', 20_000), 40, 'the first hit leaves the window in 40 s');
    assert.equal(limiter.hit('b', 20_000), null, 'each key has its own count');
    assert.equal(limiter.hit('a', 60_001), null, 'the window slides');
  });

  it('forgets the oldest keys first when it holds too many', () => {
    const limiter = new RateLimiter(1, 60_000, 2);
    limiter.hit('a', 0);
    limiter.hit('b', 0);
    limiter.hit('c', 0);
    assert.equal(limiter.hit('a', 1), null, 'a was forgotten');
    assert.notEqual(limiter.hit('c', 1), null, 'c was kept');
  });
});
