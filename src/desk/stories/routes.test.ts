import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { articleNumber } from './routes.js';

describe('the article a merge names', () => {
  it('is its number, or its address on the site, whole or from /articles/', () => {
    assert.equal(articleNumber('1234'), 1234);
    assert.equal(articleNumber('  1234 '), 1234);
    assert.equal(articleNumber('https://site.example/articles/1234/night-ferry'), 1234);
    assert.equal(articleNumber('http://127.0.0.1:8080/articles/7'), 7);
    assert.equal(articleNumber('/articles/56/a-title?x=1#carriers'), 56);
  });

  it('is nothing for anything else', () => {
    for (const given of [
      '',
      'the ferry one',
      '0',
      '-3',
      '12a',
      '/sources/4',
      'https://site.example/articles/x/y',
      '99999999999999999',
    ])
      assert.equal(articleNumber(given), 0, given);
  });
});
