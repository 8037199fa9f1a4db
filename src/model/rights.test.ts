import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorNames,
  coveringDomains,
  hostKey,
  ruleMatches,
  urlKey,
  type SuppressionRule,
} from './rights.js';

const rule = (patch: Partial<SuppressionRule>): SuppressionRule => ({
  id: 1,
  kind: 'url',
  urlKey: null,
  sourceId: null,
  author: null,
  domain: null,
  reason: 'test',
  actor: 'test',
  createdAt: new Date(0),
  revokedAt: null,
  revokeReason: null,
  requestId: null,
  ...patch,
});

describe('urlKey', () => {
  it('sees the same article through scheme, www, AMP, tracking, slashes, fragments and parameter order', () => {
    const same = [
      'https://news.example/2026/story',
      'http://news.example/2026/story',
      'https://www.news.example/2026/story/',
      'https://news.example/2026/story/amp',
      'https://amp.news.example/2026/story',
      'https://m.news.example/2026/story?utm_source=rss&utm_medium=feed',
      'https://news.example/2026/story?amp=1#comments',
      'https://news.example/2026//story/index.html?fbclid=abc',
      'HTTPS://NEWS.EXAMPLE:443/2026/story',
    ];
    for (const url of same) assert.equal(urlKey(url), 'news.example/2026/story', url);
    assert.equal(urlKey('https://news.example/a?b=2&a=1&gclid=x'), 'news.example/a?a=1&b=2');
  });

  it('keeps apart what really differs', () => {
    assert.notEqual(urlKey('https://news.example/story?id=1'), urlKey('https://news.example/story?id=2'));
    assert.notEqual(urlKey('https://news.example/Story'), urlKey('https://news.example/story'));
    assert.notEqual(urlKey('https://news.example:8443/story'), urlKey('https://news.example/story'));
    assert.equal(urlKey('mailto:a@b.example'), null);
    assert.equal(urlKey('not a url'), null);
    assert.equal(urlKey(null), null);
  });
});

describe('rule matching', () => {
  const entry = {
    sourceId: 3,
    url: 'https://blog.news.example/2026/a',
    author: 'Ada Lovelace and Bob Smith',
  };

  it('matches hosts, parent domains and author names', () => {
    assert.equal(hostKey('WWW.News.Example.'), 'news.example');
    assert.deepEqual(coveringDomains('blog.news.example'), ['blog.news.example', 'news.example', 'example']);
    assert.deepEqual(authorNames('Ada Lovelace, Bob  Smith & Eve'), ['ada lovelace', 'bob smith', 'eve']);
  });

  it('applies each kind of rule, and no revoked one', () => {
    assert.ok(ruleMatches(rule({ kind: 'url', urlKey: 'blog.news.example/2026/a' }), entry));
    assert.ok(ruleMatches(rule({ kind: 'domain', domain: 'news.example' }), entry), 'a subdomain');
    assert.ok(
      !ruleMatches(rule({ kind: 'domain', domain: 'ews.example' }), entry),
      'not a suffix of a label',
    );
    assert.ok(ruleMatches(rule({ kind: 'source', sourceId: 3 }), entry));
    assert.ok(
      ruleMatches(rule({ kind: 'source', sourceId: 9, domain: 'news.example' }), entry),
      'same site, other feed',
    );
    assert.ok(ruleMatches(rule({ kind: 'author', sourceId: 3, author: 'bob smith' }), entry));
    assert.ok(!ruleMatches(rule({ kind: 'author', sourceId: 3, author: 'Bob' }), entry), 'whole names only');
    assert.ok(
      !ruleMatches(rule({ kind: 'author', sourceId: 4, author: 'Bob Smith' }), entry),
      'another site',
    );
    assert.ok(!ruleMatches(rule({ kind: 'source', sourceId: 3, revokedAt: new Date() }), entry));
  });
});
