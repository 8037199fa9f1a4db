import { fingerprint, packFingerprint, wordHashes, type Fingerprint } from '../model/fingerprint.js';
import { htmlParagraphTexts } from './html-text.js';

/**
 * The paragraphs of a fragment of HTML as fingerprints read them: each one's words, hashed
 * (model/fingerprint.ts HashedText). Every text fingerprinted (an entry's, an article's, a removed
 * one's) is read so.
 */
export function htmlParagraphHashes(html: string | null | undefined): number[][] {
  return html ? hashParagraphs(htmlParagraphTexts(html)) : [];
}

/** Paragraphs' texts as their words' hashes; the paragraphs without a word are left out. */
function hashParagraphs(texts: readonly string[]): number[][] {
  return texts.map(wordHashes).filter((words) => words.length > 0);
}

/** The fingerprint of a fragment of HTML's text (model/fingerprint.ts); null when it has too few words. */
export function htmlFingerprint(html: string | null | undefined): Fingerprint | null {
  return html ? fingerprint(htmlParagraphHashes(html)) : null;
}

/**
 * The plain text of a fragment of HTML (as htmlToText makes it: its paragraphs' texts, joined by a
 * space) and its fingerprint, packed as the store keeps it, from one reading of the HTML: a feed
 * thread makes both for every entry.
 */
export function textAndPrint(html: string | null | undefined): { text: string; print: Uint8Array | null } {
  if (!html) return { text: '', print: null };
  const paragraphs = htmlParagraphTexts(html);
  const print = fingerprint(hashParagraphs(paragraphs));
  return { text: paragraphs.join(' '), print: print ? packFingerprint(print) : null };
}

/** The same, packed as the store keeps it. */
export function packedHtmlFingerprint(html: string | null | undefined): Uint8Array | null {
  const print = htmlFingerprint(html);
  return print ? packFingerprint(print) : null;
}
