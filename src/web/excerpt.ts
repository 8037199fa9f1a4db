import { htmlToText } from '../markup/html-text.js';

/** Figures (a picture's caption, a pull quote) are not the article's opening words. */
const FIGURE = /<figure\b[\s\S]*?<\/figure\s*>/gi;

/**
 * The first `words` words of an article as plain text, cut at the end of a sentence when one ends in
 * the last third of the allowance, else at a word boundary with an ellipsis. Figures and their
 * captions are left out, unless they are all there is.
 */
export function excerptOf(html: string, words: number): string {
  const text = (html.includes('<figure') && htmlToText(html.replace(FIGURE, ' '))) || htmlToText(html);
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  if (tokens.length <= words) return text;
  const head = tokens.slice(0, words).join(' ');
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentenceEnd > head.length * 0.66) return head.slice(0, sentenceEnd + 1);
  if (/[.!?]$/.test(head)) return head;
  return `${head.replace(/[,;:]$/, '')}…`;
}
