import { Parser } from 'htmlparser2';
import { NOT_A_PICTURE, pictureSource } from '../markup/html-images.js';
import type { Enclosure } from '../model/feed.js';

/** What an entry offers as its picture, in the order a publisher means it. */
export interface ImageSources {
  /** The feed's own picture for the entry (Media RSS thumbnail, JSON Feed image). */
  image: string | null;
  enclosures: readonly Enclosure[];
  /** Sanitized HTML, its addresses absolute. */
  contentHtml: string | null;
  summaryHtml: string | null;
}

const IMAGE_EXTENSION = /\.(?:jpe?g|png|webp|gif|avif)(?:$|[?#])/i;
/** An image declared smaller than this (in either dimension) is an icon or a spacer. */
const MIN_DECLARED = 80;

/**
 * The entry's lead image: the picture the feed names for it, else its first image enclosure, else
 * the first image of its content (or summary) that is not a counter, an icon or an emoji; null when
 * none. Only web addresses; what the address holds is checked when the image is fetched.
 */
export function leadImageUrl(entry: ImageSources): string | null {
  if (entry.image && web(entry.image) && !NOT_A_PICTURE.test(entry.image)) return entry.image;
  for (const e of entry.enclosures) {
    const typed = e.type !== null && /^image\//i.test(e.type);
    if ((typed || (e.type === null && IMAGE_EXTENSION.test(e.url))) && web(e.url)) return e.url;
  }
  return firstPicture(entry.contentHtml) ?? firstPicture(entry.summaryHtml);
}

/** The first `<img>` of the HTML that looks like a picture (see NOT_A_PICTURE, MIN_DECLARED). */
export function firstPicture(html: string | null): string | null {
  if (!html || !html.includes('<img')) return null;
  let found: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (found !== null || name !== 'img') return;
        const src = pictureSource(attrs);
        if (!src || NOT_A_PICTURE.test(src)) return;
        const small = [attrs.width, attrs.height].some((v) => {
          const n = v === undefined ? NaN : Number.parseInt(v, 10);
          return Number.isFinite(n) && n < MIN_DECLARED;
        });
        if (!small) found = src;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return found;
}

/** The picture a page declares for sharing (`og:image`, else `twitter:image`), absolute; null when none. */
export function pagePicture(meta: ReadonlyMap<string, string>, pageUrl: string): string | null {
  for (const name of [
    'og:image:secure_url',
    'og:image',
    'og:image:url',
    'twitter:image',
    'twitter:image:src',
  ]) {
    const value = meta.get(name)?.trim();
    if (!value) continue;
    try {
      const url = new URL(value, pageUrl).href;
      if (web(url) && !NOT_A_PICTURE.test(url)) return url;
    } catch {
      // not an address: the next name may give one
    }
  }
  return null;
}

function web(url: string): boolean {
  return /^https?:\/\/[^/\s]/i.test(url);
}
