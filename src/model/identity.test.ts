import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorKeys, nameKey, urlKey } from './identity.js';

describe('urlKey', () => {
  it('sees the same article through scheme, www, AMP, tracking, slashes, fragments and parameter order', () => {
    const same = [
      'https://news.example/2026/story',
      'http://news.example/2026/story',
      'https://www.news.example/2026/story/',
      'https://news.example/2026/story/amp',
      'https://amp.news.example/2026/story',
      'https://m.news.example/2026/story?utm_source=rss&utm_medium=feed',
      'https://mobile.news.example/2026/story',
      'https://news.example/2026/story?amp=1#comments',
      'https://news.example/2026/story?outputType=amp',
      'https://news.example/2026//story/index.html?fbclid=abc',
      'HTTPS://NEWS.EXAMPLE:443/2026/story',
      'http://news.example:80/2026/story',
    ];
    for (const url of same) assert.equal(urlKey(url), 'news.example/2026/story', url);
    assert.equal(urlKey('https://news.example/a?b=2&a=1&gclid=x'), 'news.example/a?a=1&b=2');
  });

  it('sees through the variants that got past the rules before', () => {
    const same = [
      'https://news.example/story-five',
      'https://news.example/story%2Dfive',
      'https://news.example/%73tory-five',
      'https://news.example/story-five;jsessionid=0A1B2C3D',
      'https://news.example/story-five?PHPSESSID=abc&utm_campaign=x',
      'https://news.example/amp/story-five',
      'https://news.example/story-five.amp',
      'https://news-example.cdn.ampproject.org/c/s/news.example/story-five',
      'https://news.example/story-five?m=1',
    ];
    for (const url of same) assert.equal(urlKey(url), 'news.example/story-five', url);
    assert.equal(urlKey('https://news.example/a.amp.html'), urlKey('https://news.example/a.html'));
    assert.equal(
      urlKey('https://news.example/caf%c3%a9'),
      'news.example/caf%C3%A9',
      'other escapes in one case',
    );
  });

  it('keeps apart what really differs', () => {
    assert.notEqual(urlKey('https://news.example/story?id=1'), urlKey('https://news.example/story?id=2'));
    assert.notEqual(urlKey('https://news.example/Story'), urlKey('https://news.example/story'));
    assert.notEqual(urlKey('https://news.example:8443/story'), urlKey('https://news.example/story'));
    assert.notEqual(urlKey('https://news.example/story%2Fx'), urlKey('https://news.example/story/x'));
    assert.notEqual(
      urlKey('https://slashdot.example/article.pl?sid=07/01/01'),
      urlKey('https://slashdot.example/article.pl?sid=07/01/02'),
    );
    assert.equal(
      urlKey('https://news.example/amp'),
      urlKey('https://news.example/'),
      'the home page’s AMP copy',
    );
    assert.equal(urlKey('mailto:a@b.example'), null);
    assert.equal(urlKey('not a url'), null);
    assert.equal(urlKey(null), null);
  });
});

describe('nameKey', () => {
  it('sees one person through case, accents, invisible characters, wide letters and look-alikes', () => {
    const ada = nameKey('Ada Lovelace');
    const same = [
      'ADA LOVELACE',
      'Ada\u200b Love\u00adlace',
      'Ａｄａ Ｌｏｖｅｌａｃｅ', // full-width
      'Аda Lovelace', // a Cyrillic А
      'Ada Lоvelace', // a Cyrillic о
      'Lovelace Ada',
      'Ada  Lovelace.',
    ];
    for (const name of same) assert.equal(nameKey(name), ada, name);
    const jose = nameKey('José García');
    assert.equal(nameKey('Jose Garcia'), jose);
    assert.equal(nameKey('Jose\u0301 Garci\u0301a'), jose, 'decomposed accents (NFD)');
    assert.notEqual(nameKey('Ada Lovelace'), nameKey('Ada Byron'));
  });
});

describe('authorKeys', () => {
  it('finds the person in the forms bylines take', () => {
    const ada = nameKey('Ada Lovelace');
    for (const byline of [
      'By Ada Lovelace',
      'Ada Lovelace (staff)',
      'Lovelace, Ada',
      'Ada Lovelace, Staff Writer',
      'Ada Lovelace and Charles Babbage',
      'Charles Babbage; Ada Lovelace',
      'Ada Lovelace in London',
    ]) {
      assert.ok(authorKeys(byline).includes(ada), byline);
    }
    assert.ok(!authorKeys('Ada Byron and Bob Lovelace').includes(ada), 'two other people');
    assert.deepEqual(authorKeys('By Ada Lovelace and Lapalu, N.'), [
      'ada lovelace',
      'lapalu n',
      'ada lapalu lovelace n',
    ]);
    assert.deepEqual(authorKeys(null), []);
  });
});
