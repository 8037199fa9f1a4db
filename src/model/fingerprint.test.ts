import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  containment,
  bandKeys,
  fingerprint,
  fingerprintWords,
  hashText,
  wordHashes,
  isCopyOf,
  packFingerprint,
  sameArticle,
  shingleHashes,
  PACKED_BYTES,
  similarity,
  unpackFingerprint,
  withoutBoilerplate,
} from './fingerprint.js';

const STORY = [
  'The city council voted on Tuesday to close the old river bridge for eight months of repairs, starting in March.',
  'Engineers found cracks in two of the steel beams that carry the road deck during an inspection last autumn.',
  'Buses will take a detour through the northern ring road, adding about ten minutes to the journey into town.',
  'Shop owners on the east bank said they feared losing customers, and asked the council for help with parking.',
  'The mayor said the work could not wait any longer, and promised that footpaths would stay open throughout.',
];
const OTHER = [
  'A colony of rare bats has been found in the roof of the village church, delighting local naturalists.',
  'The lesser horseshoe bats, which weigh less than a coin, had not been recorded in the county for decades.',
  'Volunteers will count them at dusk each evening this summer, using detectors that pick up their calls.',
  'The church will postpone repairs to its roof until the young bats are old enough to leave in the autumn.',
];
const read = (paragraphs: readonly string[]) => paragraphs.map(wordHashes);
const print = (paragraphs: readonly string[]) => fingerprint(read(paragraphs))!;
const FOOTER =
  'This story first appeared on the Valley Courier. Sign up for our newsletter for more local news.';

describe('fingerprints', () => {
  it('knows a copy under another template, with a note, or with its paragraphs moved', () => {
    const removed = print(STORY);
    for (const copy of [
      ['Valley Courier Home News Sport', ...STORY, FOOTER],
      ["Editor's note: this story was updated with the mayor's comments.", ...STORY],
      [STORY[4]!, STORY[2]!, STORY[3]!, STORY[0]!, STORY[1]!],
    ]) {
      assert.ok(isCopyOf(print(copy), removed), copy[0]);
    }
    assert.equal(similarity(print([...STORY].reverse()).signature, removed.signature), 1, 'moved paragraphs');
    assert.ok(!isCopyOf(print(OTHER), removed));
    assert.ok(containment(removed, print(OTHER)) < 0.1);
  });

  it('leaves a source’s boilerplate out of what a removed text is known by', () => {
    const a = read([...STORY, FOOTER]);
    const b = read([...OTHER, FOOTER]);
    const own = fingerprint(withoutBoilerplate(a, [b]))!;
    assert.ok(!isCopyOf(fingerprint(b)!, own), 'another article of the site, with the same footer');
    assert.ok(isCopyOf(fingerprint(a)!, own));
  });

  it('does not take a copy of the same article among its source’s texts for boilerplate', () => {
    const a = read([...STORY, FOOTER]);
    const copy = read(['Valley Courier Home News Sport', ...STORY, FOOTER]);
    const other = read([...OTHER, FOOTER]);
    const own = fingerprint(withoutBoilerplate(a, [copy, other]))!;
    assert.ok(own, 'the story is left, without the footer');
    assert.ok(isCopyOf(fingerprint(copy)!, own));
    assert.ok(!isCopyOf(fingerprint(other)!, own));
    assert.ok(sameArticle(shingleHashes(a), shingleHashes(copy)));
    assert.ok(!sameArticle(shingleHashes(a), shingleHashes(other)));
  });

  it('folds case and accents, ASCII or not, and needs enough words', () => {
    assert.deepEqual(fingerprintWords("Don't stop the U.S. Café-Crème, 2026!"), [
      'don',
      't',
      'stop',
      'the',
      'u',
      's',
      'cafe',
      'creme',
      '2026',
    ]);
    assert.deepEqual(fingerprintWords('ＦＵＬＬ width Ünïcode'), ['full', 'width', 'unicode']);
    assert.equal(fingerprint(read(['Too short to be recognised by.'])), null);
  });

  it('hashes a text’s words in one pass as it hashes them one by one', () => {
    for (const text of [
      "Don't stop the U.S. Café-Crème, 2026!",
      'ＦＵＬＬ width Ünïcode, naïve—déjà vu… “quoted” İstanbul ΟΔΟΣ',
      'trailing word',
      '',
      '   ',
      'é',
      'a\u0301b c',
      'wo\u200brd\u00a0next «x» y·z',
    ]) {
      assert.deepEqual(wordHashes(text), hashText([fingerprintWords(text)])[0], text);
    }
  });

  it('stores and reads back a fingerprint, and refuses what is not one', () => {
    const stored = packFingerprint(print(STORY));
    assert.equal(stored.byteLength, PACKED_BYTES);
    assert.deepEqual(unpackFingerprint(stored), print(STORY));
    assert.deepEqual(unpackFingerprint(Buffer.from(stored)), print(STORY), 'a driver’s Buffer');
    assert.equal(unpackFingerprint(stored.subarray(1)), null);
    assert.equal(unpackFingerprint(null), null);
  });

  it('gives a copy band keys in common with its original, and another text next to none', () => {
    const keys = new Set(bandKeys(print(STORY).signature));
    assert.equal(keys.size, 64);
    const shared = (text: readonly string[]) =>
      bandKeys(print(text).signature).filter((k) => keys.has(k)).length;
    assert.equal(shared(STORY), 64);
    assert.ok(shared(['Valley Courier Home News Sport', ...STORY, FOOTER]) >= 8);
    assert.ok(shared(OTHER) <= 1);
  });
});
