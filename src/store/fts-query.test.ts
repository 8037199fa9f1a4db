import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ftsMatch, searchTerms } from './fts-query.js';

/** What a reader typed, as the FTS5 MATCH expression; null when nothing searchable is left. */
const ftsQuery = (input: string) => {
  const terms = searchTerms(input);
  return terms ? ftsMatch(terms) : null;
};

describe('search box to FTS5 query', () => {
  it('quotes words and phrases, keeps prefixes, and leaves out excluded words', () => {
    assert.equal(ftsQuery('lifeboat crew'), '"lifeboat" "crew"');
    assert.equal(ftsQuery('"anchor ice" river'), '"anchor ice" "river"');
    assert.equal(ftsQuery('freez* -summer -"heat wave"'), '"freez"* NOT "summer" NOT "heat wave"');
  });

  it('never passes FTS5 syntax through, and gives nothing for nothing', () => {
    assert.equal(ftsQuery('title:secret OR (x NEAR y)'), '"title secret" "OR" "x" "NEAR" "y"');
    assert.equal(ftsQuery('"unclosed phrase'), '"unclosed phrase"');
    assert.equal(ftsQuery('   '), null);
    assert.equal(ftsQuery('-only -exclusions'), null);
    assert.equal(ftsQuery('!!! ???'), null);
  });
});

describe('search terms', () => {
  it('marks the single words typed as they are, which a search may leave out when most articles have them', () => {
    assert.deepEqual(searchTerms('the "lifeboat crew" freez* -of title:x'), {
      required: [
        { fts: '"the"', words: 'the', prefix: false, bare: true },
        { fts: '"lifeboat crew"', words: 'lifeboat crew', prefix: false, bare: false },
        { fts: '"freez"*', words: 'freez', prefix: true, bare: false },
        { fts: '"title x"', words: 'title x', prefix: false, bare: false },
      ],
      excluded: [{ fts: '"of"', words: 'of', prefix: false, bare: true }],
    });
    assert.equal(searchTerms('"quoted"')?.required[0]?.bare, false);
  });
});
