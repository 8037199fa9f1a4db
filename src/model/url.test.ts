import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostOf, parseHttpUrl, parseUrl } from './url.js';

describe('URL helpers', () => {
  it('read a URL, resolve a relative one against its base, and say null for text that is none', () => {
    assert.equal(parseUrl('https://a.example/x')?.href, 'https://a.example/x');
    assert.equal(parseUrl('../y', 'https://a.example/x/z')?.href, 'https://a.example/y');
    assert.equal(parseUrl('/y', null), null);
    assert.equal(parseUrl('http://[::1'), null);
    assert.equal(parseHttpUrl('mailto:ada@example.org'), null);
    assert.equal(parseHttpUrl('javascript:alert(1)'), null);
    assert.equal(parseHttpUrl('HTTPS://A.example')?.href, 'https://a.example/');
    assert.equal(hostOf('https://News.Example:8443/feed'), 'news.example:8443');
    assert.equal(hostOf('not a url'), null);
    assert.equal(hostOf(null), null);
  });
});
