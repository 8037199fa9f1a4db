import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandKeys, fingerprint, packFingerprint, wordHashes, type Fingerprint } from './fingerprint.js';
import { describeMatch, packedStoryKeys, storyMatch, STORY_BANDS } from './story.js';

const STORY = [
  'The city council voted on Tuesday to close the old river bridge for eight months of repairs, starting in March.',
  'Engineers found cracks in two of the steel beams that carry the road deck during an inspection last autumn.',
  'Buses will take a detour through the northern ring road, adding about ten minutes to the journey into town.',
  'Shop owners on the east bank said they feared losing customers, and asked the council for help with parking.',
  'The mayor said the work could not wait any longer, and promised that footpaths would stay open throughout.',
];
/** The same news in other words: a story of its own, not a copy. */
const REWRITTEN = [
  'Drivers crossing the river will need another route from March, when the ageing bridge shuts for most of the year.',
  'An inspection last autumn turned up cracked steel beams under the road deck, according to the council.',
  'Traders on the east bank fear a quiet year, and bus passengers face a ten-minute detour around the ring road.',
  'Footpaths will remain open while the repairs are carried out, the mayor said, adding that the work was urgent.',
];
const FOOTER =
  'This story first appeared on the Valley Courier. Sign up for our newsletter for more local news.';
const print = (paragraphs: readonly string[]): Fingerprint => fingerprint(paragraphs.map(wordHashes))!;
const from = (sourceId: number, p: Fingerprint | null, urlKey: string | null = null) => ({
  sourceId,
  print: p,
  urlKey,
});

describe('stories', () => {
  it('folds a copy from another source: under a template, cut by a paragraph, with a note', () => {
    const original = from(1, print(STORY));
    for (const copy of [
      ['Valley Courier | News | Sport', ...STORY, FOOTER],
      STORY.slice(0, 4),
      ["Editor's note: this story was updated with the mayor's comments.", ...STORY],
    ]) {
      const match = storyMatch(original, from(2, print(copy)));
      assert.equal(match?.kind, 'text');
      assert.ok(match.kind === 'text' && match.contained >= 0.6);
      assert.match(describeMatch(match), /^\d+% of the text in common$/);
    }
  });

  it('keeps apart the same news told in other words, and different articles', () => {
    assert.equal(storyMatch(from(1, print(STORY)), from(2, print(REWRITTEN))), null);
  });

  it('folds one page reached through two feeds by its address, whatever the texts', () => {
    const match = storyMatch(from(1, null, 'example.com/a'), from(2, print(STORY), 'example.com/a'));
    assert.deepEqual(match, { kind: 'address', urlKey: 'example.com/a' });
    assert.equal(describeMatch(match), 'same address (example.com/a)');
  });

  it('asks more of two posts of one source, which share its footer', () => {
    const cut = storyMatch(
      from(1, print([...STORY, FOOTER])),
      from(1, print([...STORY.slice(0, 3), FOOTER])),
    );
    assert.equal(cut, null, 'three fifths of a post is not the same post');
    const twice = storyMatch(from(1, print([...STORY, FOOTER])), from(1, print([...STORY, FOOTER])));
    assert.equal(twice?.kind, 'text');
    // One source's two entries at one address are one entry's business (the refresh matches by URL), not a story.
    assert.equal(storyMatch(from(1, null, 'example.com/a'), from(1, null, 'example.com/a')), null);
  });

  it('indexes a text by at most STORY_BANDS keys, read from its stored bytes', () => {
    const keys = [...new Set(bandKeys(print(STORY).signature, STORY_BANDS))];
    assert.ok(keys.length > 0 && keys.length <= STORY_BANDS);
    assert.deepEqual(
      packedStoryKeys(packFingerprint(print(STORY))),
      keys,
      'the same, read from the stored bytes',
    );
    assert.equal(packedStoryKeys(new Uint8Array(3)), null);
  });
});
