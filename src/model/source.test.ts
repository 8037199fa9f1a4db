import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languageTag, sourceLanguage } from './source.js';

describe('languageTag', () => {
  it('gives the canonical form of a language tag, and null for what is none', () => {
    const table: Array<[string | null, string | null]> = [
      ['en', 'en'],
      ['en-us', 'en-US'],
      ['fr_CA', 'fr-CA'],
      [' pt-br ', 'pt-BR'],
      ['zh-hant-tw', 'zh-Hant-TW'],
      ['', null],
      [null, null],
      ['not a language', null],
      ['english', null],
    ];
    for (const [raw, tag] of table) assert.equal(languageTag(raw), tag, String(raw));
  });

  it('takes the operator’s language before the feed’s', () => {
    assert.equal(sourceLanguage({ language: 'pt-BR', feedLanguage: 'en' }), 'pt-BR');
    assert.equal(sourceLanguage({ language: null, feedLanguage: 'fr' }), 'fr');
    assert.equal(sourceLanguage({ language: null, feedLanguage: null }), null);
  });
});
