import { decodeHTMLStrict } from 'entities';
import { htmlToText } from '../markup/html-text.js';

export { htmlToText, textToHtml } from '../markup/html-text.js';

const ESCAPED_ENTITY = /&(?:amp|lt|gt|quot|apos|#\d{2,5}|#x[0-9a-f]{2,4});/i;

/**
 * A title as plain text. Publishers often escape twice ("Q&amp;amp;A" arrives as "Q&amp;A" after one
 * decoding); a title is never meant to show entity syntax, so a second decoding is applied.
 */
export function cleanTitle(raw: string | null, isHtml: boolean): string | null {
  if (raw === null) return null;
  let text = isHtml ? htmlToText(raw) : raw.replace(/\s+/g, ' ').trim();
  if (ESCAPED_ENTITY.test(text)) text = decodeHTMLStrict(text);
  return text === '' ? null : text;
}

/** An escaped tag of an element that articles use: `&lt;p&gt;`, `&lt;/a&gt;`, `&lt;br /&gt;`. */
const ESCAPED_TAG =
  /&lt;(\/?)(p|div|span|a|br|img|b|i|em|strong|u|ul|ol|li|h[1-6]|blockquote|figure|figcaption|table|tr|td|th|hr)\b[^<>]*?&gt;/gi;

/**
 * HTML that a publisher escaped twice (`&lt;p&gt;Hello&lt;/p&gt;` inside CDATA, or `&amp;lt;p&amp;gt;`)
 * arrives as text that shows its own tags. When a value has no markup of its own and its escaped
 * tags close what they open (or are line breaks and images), it is decoded once more: no article
 * means to show raw tag syntax as its whole content. Returns null when the value is left as it is.
 */
export function undoDoubleEscaping(html: string): string | null {
  if (!html.includes('&lt;') || /<[a-z!/]/i.test(html)) return null;
  let closing = 0;
  let standalone = 0;
  for (const match of html.matchAll(ESCAPED_TAG)) {
    if (match[1]) closing++;
    else if (/^(br|img|hr)$/i.test(match[2]!)) standalone++;
  }
  return closing > 0 || standalone > 0 ? decodeHTMLStrict(html) : null;
}

/**
 * A person's display name from the forms feeds use: "jo@example.com (Jo Smith)" (RSS 2.0),
 * "Jo Smith <jo@example.com>", "Jo Smith", or an address alone.
 */
export function personName(raw: string | null): string | null {
  if (raw === null) return null;
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const parenthesized = /^\S+@\S+\s*\((.+)\)$/.exec(text);
  if (parenthesized) return parenthesized[1]!.trim();
  // "Name (jo@x.example)", "Name (mailto:jo@x.example)"
  const trailingMail = /^(.+?)\s*\((?:mailto:)?[^()\s]+@[^()\s]+\)$/i.exec(text);
  if (trailingMail) return trailingMail[1]!.trim();
  const angled = /^(.+?)\s*<[^>]+@[^>]+>$/.exec(text);
  if (angled) return angled[1]!.replace(/^"|"$/g, '').trim();
  const bareMail = /^mailto:(.+)$/i.exec(text);
  return bareMail ? bareMail[1]! : text;
}

/** Several names joined for display: "A, B and C". */
export function joinNames(names: string[]): string | null {
  const unique = [...new Set(names.filter((n) => n !== ''))];
  if (unique.length === 0) return null;
  if (unique.length === 1) return unique[0]!;
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]!}`;
}
