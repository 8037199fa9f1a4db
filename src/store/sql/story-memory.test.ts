import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, keysOf, StoryMemory } from './story-memory.js';

describe('the memory of recent entries’ keys', () => {
  it('finds every entry that holds a key, counting the keys each shares, as it grows', () => {
    const memory = StoryMemory.empty(0);
    // Enough entries to make the table grow many times over.
    for (let id = 1; id <= 20_000; id++) memory.add(id, [id % 1000, 1_000_000 + id, -id]);
    assert.equal(memory.size, 60_000);
    const found = memory.sharing([7, 1_000_007, -7]);
    assert.equal(found.get(7), 3, 'entry 7 holds all three');
    assert.equal(found.size, 20, 'and 19 others hold key 7');
    for (const [id, count] of found) if (id !== 7) assert.equal(count, 1);
    assert.deepEqual(memory.sharing([123_456_789]), new Map());
  });

  it('keeps a key once for each entry, however often it is added', () => {
    const memory = StoryMemory.empty(0);
    memory.add(5, [1, 2, 2]);
    memory.add(5, [1]);
    assert.equal(memory.size, 2);
    assert.deepEqual(memory.sharing([1, 2]), new Map([[5, 2]]));
  });

  it('gives an entry its address key, the same for the same address, and none without one', () => {
    assert.deepEqual(keysOf(null, 'example.com/a'), [addressKey('example.com/a')]);
    assert.notEqual(addressKey('example.com/a'), addressKey('example.com/b'));
    assert.deepEqual(keysOf(null, null), []);
  });
});
