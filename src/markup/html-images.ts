import { Parser } from 'htmlparser2';

/** Where an article's HTML shows a given picture, and the HTML with it taken out when it leads. */
export interface ImagePlace {
  /** `leads`: before any text (taken out of `html`); `inline`: further on (left in); `absent`: not shown. */
  place: 'leads' | 'inline' | 'absent';
  html: string;
}

/**
 * Finds the first `<img>` of the HTML whose address is `url`. When no text comes before it, it is
 * the article's own lead picture: it is taken out (its caption, if any, stays, and reads under the
 * lead image that replaces it). Otherwise the HTML is returned as it is.
 */
export function withoutImage(html: string, url: string): ImagePlace {
  if (!html.includes('<img')) return { place: 'absent', html };
  let text = 0;
  let found: { start: number; end: number } | null = null;
  const parser: Parser = new Parser(
    {
      ontext(data) {
        if (found === null) text += data.trim().length;
      },
      onopentag(name, attrs) {
        if (found !== null || name !== 'img' || attrs.src?.trim() !== url) return;
        found = { start: parser.startIndex, end: parser.endIndex };
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const at = found as { start: number; end: number } | null;
  if (at === null) return { place: 'absent', html };
  if (text > 0) return { place: 'inline', html };
  return { place: 'leads', html: html.slice(0, at.start) + html.slice(at.end + 1) };
}
