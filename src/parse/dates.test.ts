import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDate } from './dates.js';

describe('parseDate', () => {
  const cases: Array<[string, string | null]> = [
    ['Tue, 24 Nov 2026 10:30:00 GMT', '2026-11-24T10:30:00.000Z'],
    ['Tue, 24 Nov 2026 10:30 +0200', '2026-11-24T08:30:00.000Z'],
    ['24 Nov 26 10:30:00 EST', '2026-11-24T15:30:00.000Z'],
    ['Wed, 01 Jan 99 00:00:00 GMT', '1999-01-01T00:00:00.000Z'],
    ['Tue,24 Nov 2026 10:30:00 UT', '2026-11-24T10:30:00.000Z'],
    ['Di, 24 Dez 2026 10:30:00 +0100', '2026-12-24T09:30:00.000Z'],
    ['24 novembre 2026 10:30:00', '2026-11-24T10:30:00.000Z'],
    ['Sat, Dec 16 2023 02:02:33 PM', '2023-12-16T14:02:33.000Z'],
    ['Tue, 24 Nov 2026 10:30:00 Z', '2026-11-24T10:30:00.000Z'],
    ['2026-11-24T10:30:00Z', '2026-11-24T10:30:00.000Z'],
    ['2026-11-24T10:30:00.123+05:30', '2026-11-24T05:00:00.123Z'],
    ['2026-11-24 10:30:00', '2026-11-24T10:30:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['2026-11', '2026-11-01T00:00:00.000Z'],
    ['20261124T103000Z', '2026-11-24T10:30:00.000Z'],
    ['2026-02-29T00:00:00Z', null],
    ['2026-13-01', null],
    ['31 Apr 2026 10:00:00 GMT', null],
    ['yesterday', null],
  ];
  for (const [text, expected] of cases) {
    it(`reads "${text}"`, () => {
      const { date, warning } = parseDate(text);
      assert.equal(date?.toISOString() ?? null, expected);
      assert.equal(warning !== null, expected === null);
    });
  }

  it('treats absent and blank as no date, without a warning', () => {
    assert.deepEqual(parseDate(null), { date: null, warning: null });
    assert.deepEqual(parseDate('  '), { date: null, warning: null });
  });
});
