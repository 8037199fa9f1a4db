/**
 * The fingerprint of an article's text: a MinHash signature over its word shingles, so that a
 * copy of a text (under another site's template, with a headline rewritten, paragraphs cut or
 * moved, an editor's note added) is recognised by its words, whatever its address, byline or
 * source. Two signatures agree in about the share of positions that the two texts' sets of
 * shingles overlap (their Jaccard similarity), from which, with the sets' sizes, follows how much
 * of one text the other holds; bench/fingerprint measures where copies and different articles
 * fall on a labelled set, and COPY_CONTAINMENT comes from there.
 */

/** Words a shingle holds: four words in a row say little by chance, and survive small edits. */
export const SHINGLE_WORDS = 4;
/** The signature's length: the similarity it gives is within about ±0.09 of the true one (2σ at 0.5). */
export const SIGNATURE_LENGTH = 128;
/** Fewer words than this and a text says too little to be recognised by: it has no fingerprint. */
export const MIN_WORDS = 40;
/**
 * From this share of a removed text found in another (containment, below) on, the other is a copy
 * of it: measured on a labelled set of real articles, their copies and pairs of different
 * articles, among them articles of one source under one template (BENCHMARKS.md, "Fingerprints").
 * No different article came near it (0.45 at most); 0.9947 of the copies reached it.
 */
export const COPY_CONTAINMENT = 0.6;

/** A text's signature, and how many distinct shingles it was made from. */
export interface Fingerprint {
  signature: Uint32Array;
  shingles: number;
}

/**
 * A text as fingerprints read it: its paragraphs, each the hashes of its words (wordHashes), so
 * that a shingle never spans two paragraphs and each word is hashed once.
 */
export type HashedText = ReadonlyArray<readonly number[]>;

/**
 * The words of a text as fingerprints compare them: compatibility forms, case and accents folded,
 * letters and digits only ("don't" is "don", "t"; "U.S." is "u", "s").
 */
export function fingerprintWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The hashes of a text's words (FNV-1a over each folded word's UTF-16 code units): the same as
 * hashing each of fingerprintWords(text), made in one pass over the text's ASCII, the most of
 * nearly every text, with only a word that holds other letters folded as fingerprintWords does.
 * ASCII letters and digits are a word's; any other ASCII character ends it; a run that holds a
 * letter beyond ASCII goes whole (up to the next ASCII that ends a word) to fingerprintWords.
 */
export function wordHashes(text: string): number[] {
  const out: number[] = [];
  let h = FNV_OFFSET;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128 && !isPunctuation(c)) {
      // A word with a letter beyond ASCII: from its start (or here) to the next ASCII that ends a word.
      const from = start >= 0 ? start : i;
      let end = i + 1;
      while (end < text.length && !endsWord(text.charCodeAt(end))) end++;
      for (const word of fingerprintWords(text.slice(from, end))) out.push(wordHash(word));
      start = -1;
      i = end - 1;
      continue;
    }
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) {
        start = i;
        h = FNV_OFFSET;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    } else if (start >= 0) {
      out.push(h >>> 0);
      start = -1;
    }
  }
  if (start >= 0) out.push(h >>> 0);
  return out;
}

/** An ASCII character other than a letter or a digit, or common punctuation beyond ASCII: it ends a word. */
function endsWord(c: number): boolean {
  return c < 128
    ? !((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57))
    : isPunctuation(c);
}

/**
 * Characters beyond ASCII that are neither letters nor digits, nor become any when folded, and are
 * common in news text: no-break space, guillemets, middle dot, and the whole General Punctuation
 * block (spaces, dashes, curly quotes, ellipsis, zero-width and direction marks). They end a word
 * as fingerprintWords ends it, without its slow path.
 */
function isPunctuation(c: number): boolean {
  return (c >= 0x2000 && c <= 0x206f) || c === 0xa0 || c === 0xab || c === 0xbb || c === 0xb7;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** A text of paragraphs of words, hashed as fingerprints read it. */
export function hashText(paragraphs: ReadonlyArray<readonly string[]>): number[][] {
  return paragraphs.map((words) => words.map(wordHash));
}

/**
 * The distinct 32-bit hashes of a text's shingles, each paragraph apart: a shingle never spans two
 * paragraphs, so paragraphs moved about leave the set as it was. A paragraph shorter than a
 * shingle is one shingle. A shingle's hash is made of its words' hashes in order.
 */
export function shingleHashes(text: HashedText): Set<number> {
  return new Set(shingleArray(text));
}

/** The hashes of a text's shingles as shingleHashes makes them, repeats included, in a typed array. */
function shingleArray(text: HashedText): Uint32Array {
  let n = 0;
  for (const words of text) if (words.length > 0) n += Math.max(1, words.length - SHINGLE_WORDS + 1);
  const out = new Uint32Array(n);
  let at = 0;
  for (const words of text) {
    if (words.length === 0) continue;
    const last = Math.max(0, words.length - SHINGLE_WORDS);
    for (let i = 0; i <= last; i++) {
      let h = FNV_OFFSET;
      for (let w = i; w < Math.min(words.length, i + SHINGLE_WORDS); w++)
        h = Math.imul(h ^ words[w]!, FNV_PRIME);
      out[at++] = h >>> 0;
    }
  }
  return out;
}

/** How many distinct values an array holds (it is sorted in place). */
function distinct(values: Uint32Array): number {
  values.sort();
  let n = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) n++;
  return n;
}

/** FNV-1a over a word's UTF-16 code units. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), FNV_PRIME);
  return h >>> 0;
}

/** murmur3's finalizer: a 32-bit value mixed so that every bit of it moves every bit out. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seeds that keep a shingle's bin, its value and the densification's choices independent. */
const BIN_SEED = 0x2545f491;
const VALUE_SEED = 0x9e3779b9;
const FILL_SEED = 0x68e31da4;
/** SIGNATURE_LENGTH is a power of two: a bin is the low bits of a hash. */
const BIN_MASK = SIGNATURE_LENGTH - 1;

/**
 * One-permutation MinHash with optimal densification (Shrivastava, 2017): each shingle is hashed
 * once into one of SIGNATURE_LENGTH bins, each bin keeps its least value, and an empty bin takes
 * the value of a bin chosen by a hash of its own number, the same for every text. Two signatures
 * then agree at each position with the probability that the texts' shingle sets overlap (their
 * Jaccard similarity), as with SIGNATURE_LENGTH separate hash functions, at about one hundredth
 * of their cost.
 */
function signatureOf(hashes: Iterable<number>): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_LENGTH).fill(0xffffffff);
  const filled = new Uint8Array(SIGNATURE_LENGTH);
  for (const h of hashes) {
    const bin = mix(h ^ BIN_SEED) & BIN_MASK;
    const value = mix(h ^ VALUE_SEED);
    if (value < signature[bin]!) signature[bin] = value;
    filled[bin] = 1;
  }
  // No shingle at all: nothing to densify from (fingerprint never asks for one).
  if (!filled.includes(1)) return signature;
  const densified = signature.slice();
  for (let i = 0; i < SIGNATURE_LENGTH; i++) {
    if (filled[i]) continue;
    for (let attempt = 0; ; attempt++) {
      const from =
        mix(Math.imul(i + 1, 0x01000193) ^ Math.imul(attempt + 1, 0x5bd1e995) ^ FILL_SEED) & BIN_MASK;
      if (filled[from]) {
        densified[i] = signature[from]!;
        break;
      }
    }
  }
  return densified;
}

/**
 * A text's MinHash signature, from its paragraphs' words (see signatureOf). Null for a text of
 * fewer than MIN_WORDS words.
 */
export function fingerprint(paragraphs: HashedText): Fingerprint | null {
  let words = 0;
  for (const p of paragraphs) words += p.length;
  if (words < MIN_WORDS) return null;
  // Repeated shingles change no bin's least value: the signature is made from them all, and the
  // count of distinct ones from a sorted copy, without a set.
  const hashes = shingleArray(paragraphs);
  const signature = signatureOf(hashes);
  return { signature, shingles: distinct(hashes) };
}

/** The estimated Jaccard similarity of the texts two signatures were made from, from 0 to 1. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_LENGTH; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_LENGTH;
}

/**
 * How much of text A is in text B (|A ∩ B| / |A|), from their signatures and their numbers of
 * shingles: a copy of A under another site's template, or with a note added, holds all of A
 * though it is not quite A.
 */
export function containment(a: Fingerprint, b: Fingerprint): number {
  const j = similarity(a.signature, b.signature);
  if (a.shingles === 0) return 0;
  return Math.min(1, (j * (a.shingles + b.shingles)) / ((1 + j) * a.shingles));
}

/**
 * Two texts of a source are the same article (carried twice, or a copy of it that an aggregator
 * carries) when each holds this share of the other's shingles or more: such a text is not a
 * sibling whose shared paragraphs are boilerplate, or it would make all of the article boilerplate
 * of itself. Two different posts that share a footer, or a template, each hold of the other only
 * that footer's share (at most 0.66 on the labelled set, where a short post shares a long footer).
 */
export const SAME_ARTICLE = 0.8;

/** Whether two texts' sets of shingles are the same article's (SAME_ARTICLE). */
export function sameArticle(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const h of small) if (large.has(h)) shared++;
  return shared >= SAME_ARTICLE * a.size && shared >= SAME_ARTICLE * b.size;
}

/**
 * A text's paragraphs without its source's boilerplate: the paragraphs that other texts of the
 * same source carry, word for word or nearly (half their shingles or more: a newsletter box, "The
 * post … appeared first on …", a signature that names the post), which say nothing of this text.
 * Other texts that are the same article (sameArticle) are not siblings.
 */
export function withoutBoilerplate(
  paragraphs: HashedText,
  siblings: readonly HashedText[],
): Array<readonly number[]> {
  const own = shingleHashes(paragraphs);
  const elsewhere = new Set<number>();
  for (const sibling of siblings) {
    const theirs = shingleHashes(sibling);
    if (sameArticle(own, theirs)) continue;
    for (const h of theirs) elsewhere.add(h);
  }
  return paragraphs.filter((p) => !mostlyIn(p, elsewhere));
}

/** Whether half or more of a paragraph's shingles are among these. */
export function mostlyIn(paragraph: readonly number[], shingles: { has(h: number): boolean }): boolean {
  const own = shingleHashes([paragraph]);
  let shared = 0;
  for (const h of own) if (shingles.has(h)) shared++;
  return shared * 2 >= own.size;
}

/** Whether a text is a copy of a removed one: it holds COPY_CONTAINMENT of it or more. */
export function isCopyOf(text: Fingerprint, removed: Fingerprint): boolean {
  return containment(removed, text) >= COPY_CONTAINMENT;
}

/** Bytes of a stored fingerprint: its number of shingles, then its signature, each a little-endian 32-bit value. */
export const PACKED_BYTES = 4 + SIGNATURE_LENGTH * 4;

/** A fingerprint as the store keeps it (PACKED_BYTES bytes; see unpackFingerprint). */
export function packFingerprint(print: Fingerprint): Uint8Array {
  const bytes = new Uint8Array(PACKED_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, print.shingles, true);
  for (let i = 0; i < SIGNATURE_LENGTH; i++) view.setUint32(4 + i * 4, print.signature[i]!, true);
  return bytes;
}

/** A stored fingerprint read back; null for bytes that are not one. */
export function unpackFingerprint(bytes: Uint8Array | null | undefined): Fingerprint | null {
  if (!bytes || bytes.byteLength !== PACKED_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = new Uint32Array(SIGNATURE_LENGTH);
  for (let i = 0; i < SIGNATURE_LENGTH; i++) signature[i] = view.getUint32(4 + i * 4, true);
  return { signature, shingles: view.getUint32(0, true) };
}

/**
 * Locality-sensitive hashing over signatures: BANDS bands of ROWS_PER_BAND values each. Two texts
 * share a band's key when the band's values agree, which happens with probability j^ROWS_PER_BAND
 * for texts of Jaccard similarity j, so that they share at least one key with probability
 * 1 - (1 - j^2)^64. A copy that holds 0.6 of a removed text is, even when it is three times the
 * removed text's length (j ≈ 0.18), found by its keys 0.87 of the time, and from j = 0.33 (the whole
 * text in three times its length) 0.9995 of the time; two different articles (j below 0.05 on the
 * labelled set) share a key rarely, and a shared key is only a candidate: containment decides.
 */
export const BANDS = 64;
const ROWS_PER_BAND = SIGNATURE_LENGTH / BANDS;

/**
 * A signature's band keys, one a band: signed 32-bit integers, which every engine stores as they
 * are. Fewer bands than BANDS give the first of the same keys (an index that must stay small keeps
 * those, and finds only texts more alike).
 */
export function bandKeys(signature: Uint32Array, bands = BANDS): number[] {
  const keys: number[] = [];
  for (let b = 0; b < bands; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1);
    for (let r = 0; r < ROWS_PER_BAND; r++) h = mix(h ^ signature[b * ROWS_PER_BAND + r]!);
    keys.push(h | 0);
  }
  return keys;
}
