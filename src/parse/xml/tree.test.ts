import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHTMLStrict } from 'entities';
import { decodeXmlReferences, parseXml, UNUSUAL_REFERENCE } from './tree.js';

describe('decoding references', () => {
  it('decodes XML’s own references exactly as the HTML decoder does', () => {
    const parts = [
      '&amp;',
      '&lt;',
      '&gt;',
      '&quot;',
      '&apos;',
      '&#65;',
      '&#x41;',
      '&#X4a;',
      '&#0;',
      '&#128;',
    ];
    parts.push('&#x9F;', '&#xD800;', '&#1114112;', '&#00065;', '&#x1F600;', '&#9;', 'a', ' ', 'é', ';', '#');
    // A fixed sequence of mixtures, so that every run checks the same ones.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 20_000; i++) {
      let raw = '';
      for (let n = 1 + (next() % 7); n > 0; n--) raw += parts[next() % parts.length];
      assert.equal(UNUSUAL_REFERENCE.test(raw), false);
      assert.equal(decodeXmlReferences(raw), decodeHTMLStrict(raw), JSON.stringify(raw));
    }
  });

  it('leaves other references to the HTML decoder, which notes them', () => {
    for (const raw of ['&AMP;', '&eacute;', 'AT&T', '&lol;', '&#x;', '&amp']) {
      assert.equal(UNUSUAL_REFERENCE.test(raw), true, raw);
    }
    const doc = parseXml('<a t="&#x41;&amp;">&lt;b&gt;caf&eacute; &AMP; AT&T</a>', null);
    assert.deepEqual(doc.root?.attrs, { t: 'A&' });
    assert.deepEqual(doc.root?.children, ['<b>café & AT&T']);
    assert.deepEqual(doc.warnings, ['HTML named entities in XML', 'unescaped "&" in text']);
  });
});
