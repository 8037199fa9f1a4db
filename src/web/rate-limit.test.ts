import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { RateLimiter } from './rate-limit.js';

describe('the rate limiter', () => {
  let dir: string;
  let one: Store;
  let two: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-rate-'));
    one = await openSqliteStore(join(dir, 'site.sqlite'));
    two = await openSqliteStore(join(dir, 'site.sqlite'));
  });
  after(async () => {
    await one.close();
    await two.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

  it('allows `limit` uses per window and key, then says when to come back', async () => {
    const limiter = new RateLimiter(one, 'form', 2, 60_000);
    assert.equal(await limiter.hit('a', at(0)), null);
    assert.equal(await limiter.hit('a', at(10)), null);
    assert.equal(await limiter.hit('a', at(20)), 40, 'the first use leaves the window in 40 s');
    assert.equal(await limiter.hit('b', at(20)), null, 'each key has its own count');
    assert.equal(await new RateLimiter(one, 'other', 2, 60_000).hit('a', at(20)), null, 'and each bucket');
    assert.equal(await limiter.hit('a', at(61)), null, 'the window slides');
  });

  it('shares the counts between processes on the same database', async () => {
    const here = new RateLimiter(one, 'shared', 3, 60_000);
    const there = new RateLimiter(two, 'shared', 3, 60_000);
    const answers = await Promise.all([
      here.hit('c', at(0)),
      there.hit('c', at(0)),
      here.hit('c', at(0)),
      there.hit('c', at(0)),
    ]);
    assert.equal(
      answers.filter((a) => a === null).length,
      3,
      'three of four let through, wherever they came',
    );
    assert.equal(await there.hit('c', at(30)), 30);
  });
});
