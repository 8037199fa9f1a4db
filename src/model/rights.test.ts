import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorKeys, hostKey, nameKey } from './identity.js';
import { coveringDomains, ruleMatches, type SuppressionRule } from './rights.js';

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

describe('rule matching', () => {
  const entry = {
    sourceId: 3,
    url: 'https://blog.news.example/2026/a',
    author: 'Ada Lovelace and Bob Smith',
  };

  it('matches hosts, parent domains and author names', () => {
    assert.equal(hostKey('WWW.News.Example.'), 'news.example');
    assert.deepEqual(coveringDomains('blog.news.example'), ['blog.news.example', 'news.example', 'example']);
    assert.deepEqual(
      authorKeys('Ada Lovelace, Bob  Smith & Eve'),
      ['Ada Lovelace', 'Bob Smith', 'Eve', 'Ada Bob Eve Lovelace Smith'].map(nameKey),
    );
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
