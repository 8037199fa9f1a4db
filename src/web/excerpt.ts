import { htmlToText } from '../markup/html-text.js';

/**
 * The first `words` words of an article as plain text, cut at the end of a sentence when one ends in
 * the last third of the allowance, else at a word boundary with an ellipsis.
 */
export function excerptOf(html: string, words: number): string {
  const text = htmlToText(html);
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  if (tokens.length <= words) return text;
  const head = tokens.slice(0, words).join(' ');
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentenceEnd > head.length * 0.66) return head.slice(0, sentenceEnd + 1);
  if (/[.!?]$/.test(head)) return head;
  return `${head.replace(/[,;:]$/, '')}…`;
}
