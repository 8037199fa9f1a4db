import {
  BANDS,
  bandKeys,
  containment,
  COPY_CONTAINMENT,
  PACKED_BYTES,
  SAME_ARTICLE,
  SIGNATURE_LENGTH,
  type Fingerprint,
} from './fingerprint.js';

/**
 * Stories: one article that several sources carry (a wire story, a syndicated column, a press
 * release, or one page reached through two feeds) is shown once, the earliest copy first, naming
 * every source with its own link. A new entry joins the story of a stored one when both have the
 * same address, or when one's text holds COPY_CONTAINMENT of the other's; bench/fingerprint measures
 * the rule on a labelled set (BENCHMARKS.md, "Stories").
 */

/**
 * How long a new entry is compared with the entries stored before it: syndicated copies come
 * within hours or days of the original, and the index of recent texts stays a week's size
 * whatever the site has stored.
 */
export const STORY_DAYS = 7;
export const STORY_WINDOW_MS = STORY_DAYS * 24 * 60 * 60 * 1000;

/**
 * Band keys a recent entry is indexed by: the first STORY_BANDS of the fingerprint's band keys.
 * A quarter of what the takedown index keeps (which must find a removed text in three times its
 * length): copies of one story share one of them with probability 1 - (1 - j²)^16, 0.99 for texts
 * of Jaccard similarity 0.5 (half of the text cut) and 0.94 at 0.4; bench/fingerprint counts the
 * labelled copies the index finds.
 */
export const STORY_BANDS = 16;

/**
 * The keys a recent entry's fingerprint is indexed by (the first STORY_BANDS band keys, each once),
 * read straight from the stored fingerprint (model/fingerprint.ts packFingerprint): the values
 * their bands are made of, and nothing else. Null for bytes that are not one.
 */
export function packedStoryKeys(bytes: Uint8Array | null): number[] | null {
  if (!bytes || bytes.byteLength !== PACKED_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Uint32Array(STORY_VALUES);
  for (let i = 0; i < STORY_VALUES; i++) values[i] = view.getUint32(4 + i * 4, true);
  return [...new Set(bandKeys(values, STORY_BANDS))];
}

/** The signature's values the story keys are made of: the first STORY_BANDS bands'. */
const STORY_VALUES = (STORY_BANDS * SIGNATURE_LENGTH) / BANDS;

/** An entry as the folding compares it. */
export interface StoryCandidate {
  sourceId: number;
  print: Fingerprint | null;
  urlKey: string | null;
}

/** Why two entries are one story, in the words the desk and the CLI show. */
export type StoryMatch =
  | { kind: 'address'; urlKey: string }
  | { kind: 'text'; contained: number }
  | { kind: 'manual'; actor: string };

/**
 * Whether two entries are the same article, and why: the same address (model/identity.ts urlKey)
 * from two sources; or from two sources, one text holding COPY_CONTAINMENT or more of the other
 * (a copy under another template, cut, or with a note added); or from one source, each holding
 * SAME_ARTICLE of the other (a post its feed carries twice under two guids: two posts of one feed
 * share its footer, so less is not enough).
 */
export function storyMatch(a: StoryCandidate, b: StoryCandidate): StoryMatch | null {
  const sameSource = a.sourceId === b.sourceId;
  if (!sameSource && a.urlKey !== null && a.urlKey === b.urlKey) return { kind: 'address', urlKey: a.urlKey };
  if (!a.print || !b.print) return null;
  const ab = containment(a.print, b.print);
  const ba = containment(b.print, a.print);
  if (sameSource)
    return ab >= SAME_ARTICLE && ba >= SAME_ARTICLE ? { kind: 'text', contained: Math.min(ab, ba) } : null;
  const contained = Math.max(ab, ba);
  return contained >= COPY_CONTAINMENT ? { kind: 'text', contained } : null;
}

/** A match as it is stored and shown: "same address", "0.93 of the text", "merged by ana". */
export function describeMatch(match: StoryMatch): string {
  switch (match.kind) {
    case 'address':
      return `same address (${match.urlKey})`;
    case 'text':
      return `${Math.round(match.contained * 100)}% of the text in common`;
    case 'manual':
      return `merged by ${match.actor}`;
  }
}
