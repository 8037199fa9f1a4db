import { decodeHTMLStrict, escapeText } from 'entities';

/**
 * Elements that sit inside a line of text: their tags are dropped without a space, so that
 * "<a>ice</a>, then" reads "ice, then" and "<b>re</b>turn" reads "return". Every other tag (a
 * paragraph, a line break, a cell) separates words.
 */
const INLINE_TAG =
  /<\/?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)(?:\s[^>]*)?>/gi;
/** Elements whose content is never text a reader sees. */
const HIDDEN_CONTENT = /<(script|style|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Plain text from a fragment of HTML: tags dropped, entities decoded, white space folded. */
export function htmlToText(html: string): string {
  return decodeHTMLStrict(
    html
      .replace(HIDDEN_CONTENT, ' ')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(INLINE_TAG, '')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Plain text as HTML. */
export function textToHtml(text: string): string {
  return escapeText(text).replace(/\r?\n/g, '<br>');
}

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
