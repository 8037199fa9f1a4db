import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBudget } from './host-limits.js';

describe('ByteBudget', () => {
  it('grants what fits at once, and the rest in arrival order as bytes come back', async () => {
    const budget = new ByteBudget(100);
    const granted: string[] = [];
    const ask = (name: string, bytes: number) =>
      budget.acquire(bytes).then((n) => {
        granted.push(`${name}:${n}`);
        return n;
      });
    await ask('a', 60);
    const b = ask('b', 50); // does not fit beside a
    const c = ask('c', 10); // would fit, but b came first
    await Promise.resolve();
    assert.deepEqual(granted, ['a:60']);
    budget.release(60);
    await Promise.all([b, c]);
    assert.deepEqual(granted, ['a:60', 'b:50', 'c:10']);
    assert.equal(budget.peak, 60);
  });

  it('gives a request larger than the whole budget the whole budget, alone', async () => {
    const budget = new ByteBudget(100);
    await budget.acquire(30);
    let got = 0;
    const big = budget.acquire(500).then((n) => (got = n));
    await Promise.resolve();
    assert.equal(got, 0);
    budget.release(30);
    await big;
    assert.equal(got, 100);
    const small = budget.acquire(1);
    let smallGranted = false;
    void small.then(() => (smallGranted = true));
    await Promise.resolve();
    assert.equal(smallGranted, false);
    budget.release(100);
    assert.equal(await small, 1);
  });
});
