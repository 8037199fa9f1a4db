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

/**
 * White space to fold into one space: a run of two or more, or one character other than a space.
 * The same result as replacing every `\s+`, without rewriting each single space between two words
 * (most of a text's white space), which made folding cost as much as all the rest of htmlToText.
 */
const FOLD = /\s{2,}|[^\S ]/g;

/** Plain text from a fragment of HTML: tags dropped, entities decoded, white space folded. */
export function htmlToText(html: string): string {
  return decodeHTMLStrict(
    html
      .replace(HIDDEN_CONTENT, ' ')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(INLINE_TAG, '')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(FOLD, ' ')
    .trim();
}

/** Block elements' ends: where one paragraph of a fragment of HTML ends and the next begins. */
const BLOCK_END = /<\/(?:p|li|h[1-6]|blockquote|div|pre|td|th|dd|dt|figcaption)\s*>|<br\s*\/?>/gi;
/** Marks a paragraph's end while the text is made: a private-use character, which no HTML means. */
const PARAGRAPH = '\ue000';

/**
 * The plain text of each paragraph of a fragment of HTML (ended by a block element or a line break),
 * made in one pass as htmlToText makes one text; empty paragraphs are left out.
 */
export function htmlParagraphTexts(html: string): string[] {
  return decodeHTMLStrict(
    html
      .replace(HIDDEN_CONTENT, ' ')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(BLOCK_END, PARAGRAPH)
      .replace(INLINE_TAG, '')
      .replace(/<[^>]*>/g, ' '),
  )
    .split(PARAGRAPH)
    .map((p) => p.replace(FOLD, ' ').trim())
    .filter(Boolean);
}

/** Plain text as HTML. */
export function textToHtml(text: string): string {
  return escapeText(text).replace(/\r?\n/g, '<br>');
}
