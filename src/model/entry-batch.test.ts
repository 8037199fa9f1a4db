import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryInput } from '../model/entry.js';
import { isEntryBatch, packEntries, unpackEntries } from './entry-batch.js';

const entry = (n: number, publishedAt: Date | null): EntryInput => ({
  guid: `urn:e:${n}`,
  url: `https://news.example/${n}`,
  title: `Story ${n} — “quoted” ✓`,
  author: null,
  publishedAt,
  updatedAt: n === 1 ? new Date('2026-12-01T10:30:00.123Z') : null,
  summaryHtml: null,
  contentHtml: `<p>Text ${n}\u2028 with a line separator</p>`,
  categories: ['Sea', 'Ports'],
  enclosures: [{ url: 'https://news.example/a.mp3', type: 'audio/mpeg', length: 1234 }],
  contentHash: `h${n}`,
  searchText: `Text ${n}`,
});

describe('entry batches', () => {
  it('give back the entries they were made of, dates as Dates', () => {
    const entries = [entry(1, new Date('2026-12-01T09:00:00Z')), entry(2, null)];
    const batch = packEntries(entries);
    assert.ok(isEntryBatch(batch));
    assert.equal(batch.count, 2);
    assert.deepEqual(batch.publishedTimes, [Date.parse('2026-12-01T09:00:00Z')]);
    const back = unpackEntries(batch);
    assert.deepEqual(back, entries);
    assert.ok(back[0]!.publishedAt instanceof Date && back[0]!.updatedAt instanceof Date);
  });

  it('are one buffer of their own, so that it can be moved to another thread whole', () => {
    const { bytes } = packEntries([entry(3, null)]);
    assert.equal(bytes.byteOffset, 0);
    assert.equal(bytes.byteLength, bytes.buffer.byteLength);
  });

  it('leave entries given as objects as they are', () => {
    const entries = [entry(4, new Date('2026-01-01T00:00:00Z'))];
    assert.equal(unpackEntries(entries), entries);
    assert.equal(isEntryBatch(entries), false);
  });
});
