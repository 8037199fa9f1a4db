import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryInput } from '../model/entry.js';
import type { SuppressionRule } from '../model/rights.js';
import {
  FUTURE_TOLERANCE_MS,
  hashGuid,
  planRefresh,
  type KnownEntry,
  type RefreshFacts,
} from './refresh-plan.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const SOURCE = 7;

function entry(n: number, over: Partial<EntryInput> = {}): EntryInput {
  return {
    guid: `guid-${n}`,
    url: `https://news.example/${n}`,
    title: `Story ${n}`,
    author: 'Ada Lovelace',
    publishedAt: new Date(NOW.getTime() - n * 60_000),
    updatedAt: null,
    summaryHtml: `<p>Summary ${n}</p>`,
    contentHtml: null,
    categories: ['Science'],
    enclosures: [],
    contentHash: `hash-${n}`,
    searchText: `summary ${n}`,
    ...over,
  };
}

function rule(over: Partial<SuppressionRule>): SuppressionRule {
  return {
    id: 1,
    kind: 'url',
    urlKey: null,
    sourceId: null,
    author: null,
    domain: null,
    reason: 'asked',
    actor: 'cli',
    createdAt: NOW,
    revokedAt: null,
    revokeReason: null,
    requestId: null,
    ...over,
  };
}

function facts(over: Partial<RefreshFacts> & { stored?: Array<[string | null, string | null, KnownEntry]> }) {
  const byGuid = new Map<string, KnownEntry>();
  const byUrl = new Map<string, KnownEntry>();
  for (const [guid, url, known] of over.stored ?? []) {
    if (guid !== null) byGuid.set(hashGuid(guid), { ...known });
    if (url !== null) byUrl.set(url, { ...known });
  }
  return planRefresh({
    sourceId: SOURCE,
    entries: [],
    known: { byGuid, byUrl },
    rules: [],
    fullText: false,
    presentation: 'same',
    now: NOW,
    ...over,
  });
}

describe('planRefresh', () => {
  it('decides each entry against what is stored, as a table', () => {
    const cases: Array<{
      name: string;
      entries: EntryInput[];
      stored?: Array<[string | null, string | null, KnownEntry]>;
      counts: [inserted: number, updated: number, unchanged: number, suppressed: number];
      inserts: string[];
      updates: Array<[id: number, guid: string]>;
    }> = [
      {
        name: 'all new',
        entries: [entry(1), entry(2)],
        counts: [2, 0, 0, 0],
        inserts: ['guid-1', 'guid-2'],
        updates: [],
      },
      {
        name: 'same guid, same fingerprint',
        entries: [entry(1)],
        stored: [['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
        counts: [0, 0, 1, 0],
        inserts: [],
        updates: [],
      },
      {
        name: 'same guid, edited',
        entries: [entry(1, { contentHash: 'edited' })],
        stored: [['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
        counts: [0, 1, 0, 0],
        inserts: [],
        updates: [[10, 'guid-1']],
      },
      {
        name: 'a new guid under a stored address rewrites the stored entry',
        entries: [entry(1, { guid: 'renamed', contentHash: 'edited' })],
        stored: [[null, 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
        counts: [0, 1, 0, 0],
        inserts: [],
        updates: [[10, 'renamed']],
      },
      {
        name: 'a feed that repeats a guid: one row, the later copy wins',
        entries: [entry(1), entry(1, { title: 'Again', contentHash: 'again' })],
        counts: [1, 1, 0, 0],
        inserts: ['guid-1'],
        updates: [],
      },
      {
        name: 'a feed that repeats an address under another guid: one row',
        entries: [entry(1), entry(2, { url: 'https://news.example/1', contentHash: 'other' })],
        counts: [1, 1, 0, 0],
        inserts: ['guid-2'],
        updates: [],
      },
      {
        name: 'an exact repeat changes nothing',
        entries: [entry(1), entry(1)],
        counts: [1, 0, 1, 0],
        inserts: ['guid-1'],
        updates: [],
      },
      {
        name: 'a stored entry edited twice in one feed is written once, as the last copy',
        entries: [entry(1, { contentHash: 'first' }), entry(1, { contentHash: 'second', title: 'Last' })],
        stored: [['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
        counts: [0, 2, 0, 0],
        inserts: [],
        updates: [[10, 'guid-1']],
      },
      {
        name: 'an edit then its repeat: the repeat is unchanged against the edit',
        entries: [entry(1, { contentHash: 'edited' }), entry(1, { contentHash: 'edited' })],
        stored: [['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
        counts: [0, 1, 1, 0],
        inserts: [],
        updates: [[10, 'guid-1']],
      },
      {
        name: 'no address: matched by guid only',
        entries: [entry(1, { url: null }), entry(2, { url: null })],
        counts: [2, 0, 0, 0],
        inserts: ['guid-1', 'guid-2'],
        updates: [],
      },
    ];
    for (const c of cases) {
      const plan = facts({ entries: c.entries, stored: c.stored });
      const { inserted, updated, unchanged, suppressed } = plan.counts;
      assert.deepEqual([inserted, updated, unchanged, suppressed], c.counts, c.name);
      assert.deepEqual(
        plan.insert.map((i) => i.row.guid),
        c.inserts,
        c.name,
      );
      assert.deepEqual(
        plan.update.map((u) => [u.id, u.entry.guid]),
        c.updates,
        c.name,
      );
    }
    const last = facts({
      entries: [entry(1), entry(1, { title: 'Again', contentHash: 'again' })],
    }).insert[0]!;
    assert.equal(last.row.title, 'Again');
    assert.equal(last.row.contentHash, 'again');
    const twice = facts({
      entries: [entry(1, { contentHash: 'first' }), entry(1, { contentHash: 'second', title: 'Last' })],
      stored: [['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }]],
    }).update[0]!;
    assert.equal(twice.entry.title, 'Last');
  });

  it('uses the guid hashes the reader made, in the entries’ order', () => {
    const plan = planRefresh({
      sourceId: SOURCE,
      entries: [entry(1), entry(2)],
      guidHashes: ['made-by-the-reader', hashGuid('guid-2')],
      known: {
        byGuid: new Map([['made-by-the-reader', { id: 10, contentHash: 'hash-1' }]]),
        byUrl: new Map(),
      },
      rules: [],
      fullText: false,
      presentation: 'same',
      now: NOW,
    });
    assert.deepEqual([plan.counts.unchanged, plan.counts.inserted], [1, 1]);
    assert.equal(plan.insert[0]?.row.guidHash, hashGuid('guid-2'));
  });

  it('keeps out what a rule covers, and counts it', () => {
    const cases: Array<[string, SuppressionRule, number[]]> = [
      ['the whole source', rule({ kind: 'source', sourceId: SOURCE }), []],
      ['another source', rule({ kind: 'source', sourceId: SOURCE + 1 }), [1, 2, 3]],
      ['one address, in another form', rule({ kind: 'url', urlKey: 'news.example/2' }), [1, 3]],
      ['an author on this source', rule({ kind: 'author', sourceId: SOURCE, author: 'Bob Smith' }), [1, 2]],
      ['the domain', rule({ kind: 'domain', domain: 'news.example' }), []],
    ];
    const entries = [
      entry(1),
      entry(2, { url: 'http://www.news.example/2/?utm_source=rss' }),
      entry(3, { author: 'Bob Smith' }),
    ];
    for (const [name, r, kept] of cases) {
      const plan = facts({ entries, rules: [r] });
      assert.deepEqual(
        plan.insert.map((i) => i.row.guid),
        kept.map((n) => `guid-${n}`),
        name,
      );
      assert.equal(plan.counts.suppressed, 3 - kept.length, name);
    }
  });

  it('orders by the published date unless it is too far ahead', () => {
    const soon = new Date(NOW.getTime() + FUTURE_TOLERANCE_MS - 1000);
    const later = new Date(NOW.getTime() + FUTURE_TOLERANCE_MS + 1000);
    const plan = facts({
      entries: [
        entry(1, { publishedAt: soon }),
        entry(2, { publishedAt: later }),
        entry(3, { publishedAt: null }),
      ],
    });
    assert.deepEqual(
      plan.insert.map((i) => i.row.sortAt),
      [soon.getTime(), NOW.getTime(), NOW.getTime()],
    );
  });

  it('queues the pages of a full-text source’s new entries that have one', () => {
    const entries = [entry(1), entry(2, { url: null })];
    assert.deepEqual(
      facts({ entries, fullText: true }).insert.map((i) => i.extract),
      [true, false],
    );
    assert.deepEqual(
      facts({ entries, fullText: false }).insert.map((i) => i.extract),
      [false, false],
    );
  });

  it('names the pages that change and those that only gain entries', () => {
    const stored: Array<[string, string, KnownEntry]> = [
      ['guid-1', 'https://news.example/1', { id: 10, contentHash: 'hash-1' }],
    ];
    const cases: Array<[string, Partial<RefreshFacts>, string[], string[]]> = [
      ['nothing new', { entries: [entry(1)] }, [], []],
      [
        'a new entry',
        { entries: [entry(2)] },
        [],
        ['listing', 'source:7', 'author:ada-lovelace', 'tag:science'],
      ],
      [
        'an edit',
        { entries: [entry(1, { contentHash: 'x', categories: ['Art'] })] },
        ['author:ada-lovelace', 'tag:art'],
        [],
      ],
      ['a new name while entries show', { entries: [], presentation: 'changed' }, ['*'], []],
      [
        'a first name, nothing shown yet',
        { entries: [], presentation: 'first' },
        [],
        ['listing', 'source:7'],
      ],
    ];
    for (const [name, over, touched, added] of cases) {
      const plan = facts({ ...over, stored });
      assert.deepEqual([...new Set(plan.touched)].sort(), touched.sort(), name);
      assert.deepEqual([...new Set(plan.added)].sort(), added.sort(), name);
    }
  });

  it('stores a holding source’s new entries held, and rewrites withheld ones without touching pages', () => {
    const held = facts({ entries: [entry(1)], holdNew: true });
    assert.equal(held.insert[0]!.row.withheld, 'held');
    assert.deepEqual(held.added, [], 'a held entry is on no page');
    const shown = facts({ entries: [entry(1)] });
    assert.equal(shown.insert[0]!.row.withheld, undefined);
    assert.notDeepEqual(shown.added, []);

    const edited = facts({
      entries: [entry(2, { contentHash: 'edited' })],
      stored: [['guid-2', null, { id: 20, contentHash: 'hash-2', withheld: true }]],
    });
    assert.equal(edited.update[0]!.withheld, true);
    assert.deepEqual(edited.touched, [], 'a hidden entry’s edit changes no page');
  });
});
