import { fingerprint, htmlParagraphs, packFingerprint, type Fingerprint } from '../model/fingerprint.js';
import { htmlToText } from './html-text.js';

/** The fingerprint of a fragment of HTML's text (model/fingerprint.ts); null when it has too few words. */
export function htmlFingerprint(html: string | null | undefined): Fingerprint | null {
  return html ? fingerprint(htmlParagraphs(html, htmlToText)) : null;
}

/** The same, packed as the store keeps it. */
export function packedHtmlFingerprint(html: string | null | undefined): Uint8Array | null {
  const print = htmlFingerprint(html);
  return print ? packFingerprint(print) : null;
}
