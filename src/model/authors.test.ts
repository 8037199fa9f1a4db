import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitAuthors } from './authors.js';

describe('splitAuthors', () => {
  it('reads bylines as people write them', () => {
    const table: Array<[string | null, string[]]> = [
      [null, []],
      ['', []],
      ['Ada Lovelace', ['Ada Lovelace']],
      ['By Ada Lovelace', ['Ada Lovelace']],
      ['Ada Lovelace and Charles Babbage', ['Ada Lovelace', 'Charles Babbage']],
      [
        'Ada Lovelace, Charles Babbage & Mary Somerville',
        ['Ada Lovelace', 'Charles Babbage', 'Mary Somerville'],
      ],
      ['Lapalu, N., Simon, A.', ['Lapalu, N.', 'Simon, A.']],
      ['Dupont, J.-P.; Martin, C. R.', ['Dupont, J.-P.', 'Martin, C. R.']],
      ['Ashifa Kassam in Stanstead and Quebec', ['Ashifa Kassam']],
      ['Jane Doe in London and John Roe in Paris', ['Jane Doe', 'John Roe']],
      ['Ada Lovelace (staff)', ['Ada Lovelace']],
      ['Ada Lovelace, Staff Writer', ['Ada Lovelace']],
      ['Reuters, AFP', ['Reuters', 'AFP']],
      ['  Ada   Lovelace  ', ['Ada Lovelace']],
    ];
    for (const [byline, names] of table) assert.deepEqual(splitAuthors(byline), names, String(byline));
  });
});
