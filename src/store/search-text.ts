import { htmlToText } from '../parse/text.js';

/** What search reads of an entry: the text of its content (or of its summary when it has none). */
export function searchText(entry: { summaryHtml: string | null; contentHtml: string | null }): string {
  const html = entry.contentHtml ?? entry.summaryHtml;
  return html ? htmlToText(html) : '';
}
