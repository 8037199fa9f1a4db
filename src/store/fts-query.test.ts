import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ftsQuery } from './fts-query.js';

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
