import { escapeAttribute } from 'entities';
import { Parser } from 'htmlparser2';

/**
 * Counters, share buttons, feed proxies' beacons, emoji and avatars, and the hosts of advertising
 * and tracking networks: in content, never a picture to keep, and never fetched.
 */
export const NOT_A_PICTURE =
  /(?:feeds\.feedburner\.com\/~|\/~r\/|pixel|beacon|tracking|\/stats?\.|\/b\/ss\/|emoji|gravatar\.com|\/avatar|share[-_]?button|\/feed-?icon|\.svg(?:$|[?#])|\/\/(?:[^/]*\.)?(?:doubleclick\.net|adsrvr\.org|bluekai\.com|pheedo\.com|scorecardresearch\.com|quantserve\.com|feedsportal\.com|googleadservices\.com|googlesyndication\.com|adform\.net|criteo\.(?:com|net)|outbrain\.com|taboola\.com|moatads\.com|rubiconproject\.com|amazon-adsystem\.com|ads\.[^/]+|stats\.wp\.com|pixel\.wp\.com|feeds\.wordpress\.com)\/)/i;

/** The most pictures of one article's text the site keeps copies of. */
export const MAX_TEXT_PICTURES = 12;
/** A srcset candidate wider than this is larger than any copy the site makes needs. */
const WIDEST_USEFUL = 2400;

/** Where an article's HTML shows a given picture, and the HTML with it taken out when it leads. */
export interface ImagePlace {
  /** `leads`: before any text (taken out of `html`); `inline`: further on (left in); `absent`: not shown. */
  place: 'leads' | 'inline' | 'absent';
  html: string;
}

/** A picture's copies as the site serves them, for rewriting a text's pictures. */
export interface LocalPicture {
  width: number;
  height: number;
  /** The markup that shows the copy (a `<picture>`, or an `<img>` for a feed), given the original's alt text. */
  render(alt: string): string;
}

function web(url: string): boolean {
  return /^https?:\/\/[^/\s]/i.test(url);
}

/**
 * The address of an `<img>` that the site fetches: the widest candidate of its srcset (up to
 * 2,400 pixels) when it gives widths, else its src; null for anything but a web address.
 */
export function pictureSource(attrs: Readonly<Record<string, string | undefined>>): string | null {
  let best: { url: string; width: number } | null = null;
  for (const candidate of (attrs.srcset ?? '').split(',')) {
    const [url, descriptor] = candidate.trim().split(/\s+/, 2);
    const width = descriptor?.endsWith('w') ? Number.parseInt(descriptor, 10) : NaN;
    if (!url || !web(url) || !Number.isFinite(width) || width > WIDEST_USEFUL) continue;
    if (!best || width > best.width) best = { url, width };
  }
  const src = attrs.src?.trim();
  if (best) return best.url;
  return src && web(src) ? src : null;
}

/** The pictures of a text worth keeping copies of, in order, each once, at most MAX_TEXT_PICTURES. */
export function textPictures(html: string | null): string[] {
  if (!html || !html.includes('<img')) return [];
  const found = new Set<string>();
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name !== 'img' || found.size >= MAX_TEXT_PICTURES) return;
        const url = pictureSource(attrs);
        if (url && !NOT_A_PICTURE.test(url)) found.add(url);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return [...found];
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
        if (found !== null || name !== 'img' || pictureSource(attrs) !== url) return;
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

interface Frame {
  name: 'a' | 'figure' | 'picture';
  start: number;
  text: number;
  kept: number;
  dropped: number;
  /** A <picture>'s own <img>. */
  img?: Record<string, string>;
}

/**
 * The text's pictures from the site's own copies: each `<img>` (or `<picture>`) whose picture
 * `local` has becomes the site's copy, with its width and height and the original's alt text; one
 * it has not (not yet fetched, refused, or evicted) is left out, with the link or figure that held
 * nothing else, so that a reader's browser asks no other host and no link is left empty. A video's
 * poster goes too. Everything else is kept as it is.
 */
export function localizePictures(html: string, local: (url: string) => LocalPicture | null): string {
  if (!/<(?:img|picture|video)\b/i.test(html)) return html;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const stack: Frame[] = [];
  const count = (kind: 'kept' | 'dropped') => {
    for (const frame of stack) frame[kind]++;
  };
  const pictureOf = (attrs: Record<string, string> | undefined): string | null => {
    const url = attrs ? pictureSource(attrs) : null;
    const copy = url ? local(url) : null;
    return copy ? copy.render(attrs?.alt ?? '') : null;
  };
  /** Replaces [start, end] (inclusive), dropping the edits it covers. */
  const edit = (start: number, end: number, text: string) => {
    for (let i = edits.length - 1; i >= 0; i--)
      if (edits[i]!.start >= start && edits[i]!.end <= end) edits.splice(i, 1);
    edits.push({ start, end, text });
  };
  const parser: Parser = new Parser(
    {
      ontext(data) {
        const length = data.trim().length;
        if (length > 0) for (const frame of stack) frame.text += length;
      },
      onopentag(name, attrs) {
        if (name === 'a' || name === 'figure' || name === 'picture') {
          stack.push({ name, start: parser.startIndex, text: 0, kept: 0, dropped: 0 });
          return;
        }
        if (name === 'img') {
          const inPicture = stack.findLast((f) => f.name === 'picture');
          if (inPicture) {
            inPicture.img ??= attrs;
            return;
          }
          const shown = pictureOf(attrs);
          count(shown ? 'kept' : 'dropped');
          edit(parser.startIndex, parser.endIndex, shown ?? '');
          return;
        }
        if (name === 'video' && attrs.poster !== undefined) {
          const tag = html.slice(parser.startIndex, parser.endIndex + 1);
          edit(
            parser.startIndex,
            parser.endIndex,
            tag.replace(/\sposter\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/i, ''),
          );
        }
      },
      onclosetag(name) {
        if (name !== 'a' && name !== 'figure' && name !== 'picture') return;
        const index = stack.findLastIndex((f) => f.name === name);
        if (index === -1) return;
        const [frame] = stack.splice(index, 1) as [Frame];
        const end = parser.endIndex;
        if (frame.name === 'picture') {
          const shown = pictureOf(frame.img);
          count(shown ? 'kept' : 'dropped');
          edit(frame.start, end, shown ?? '');
          return;
        }
        // A link or a figure that held only pictures, none of them shown, goes with them.
        const empty = frame.kept === 0 && frame.dropped > 0 && (frame.name === 'figure' || frame.text === 0);
        if (empty) edit(frame.start, end, '');
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  if (edits.length === 0) return html;
  edits.sort((a, b) => b.start - a.start);
  let out = html;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end + 1);
  return out;
}

/** An attribute value as the copies' markup writes it. */
export function attributeValue(value: string): string {
  return escapeAttribute(value);
}
