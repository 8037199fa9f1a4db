import { bodyHtml } from '../model/entry.js';
import { htmlToText } from '../markup/html-text.js';

/**
 * What search reads of an entry: the text of what its page shows as its body (the extracted
 * article, else its content, else its summary).
 */
export function searchText(entry: {
  articleHtml?: string | null;
  summaryHtml?: string | null;
  contentHtml?: string | null;
}): string {
  const html = bodyHtml({
    articleHtml: entry.articleHtml ?? null,
    contentHtml: entry.contentHtml ?? null,
    summaryHtml: entry.summaryHtml ?? null,
  });
  return html ? htmlToText(html) : '';
}
