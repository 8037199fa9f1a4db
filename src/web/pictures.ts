import { attributeValue, localizePictures } from '../markup/html-images.js';
import {
  mediaFileName,
  MEDIA_WIDTHS,
  scaledHeight,
  type LeadImage,
  type MediaFormat,
  type MediaWidth,
} from '../model/media.js';

/** The copies an image has: every width up to the first as wide as the image itself. */
export function widthsOf(image: LeadImage): number[] {
  const widths: number[] = [];
  for (const w of MEDIA_WIDTHS) {
    widths.push(w);
    if (w >= image.width) break;
  }
  return widths;
}

export function srcset(image: LeadImage, widths: readonly number[], format: MediaFormat): string {
  return widths
    .map(
      (w) =>
        `/media/${mediaFileName(image.key, w as (typeof MEDIA_WIDTHS)[number], format)} ${Math.min(w, image.width)}w`,
    )
    .join(', ');
}

/** The width a picture of an article's text takes at most: the column of text. */
const TEXT_SIZES = '(max-width: 44rem) calc(100vw - 2rem), 42rem';

/**
 * The pictures of an article's text from the site's copies (markup/html-images.ts localizePictures):
 * as a page shows them (WebP and JPEG, srcset, lazy), or, with `origin`, as a feed carries them
 * (one absolute JPEG address, for feed readers). A text read from the store whose pictures the site
 * has no copy of yet shows none; a text not stored (a preview) is left as it is.
 */
export function localText(html: string, pictures: readonly LeadImage[] | undefined, origin?: string): string {
  if (pictures === undefined) return html;
  const byUrl = new Map(pictures.map((p) => [p.sourceUrl, p]));
  return localizePictures(html, (url) => {
    const image = byUrl.get(url);
    if (!image) return null;
    const widths = widthsOf(image);
    const shown = Math.min(widths[widths.length - 1]!, image.width);
    const size = `width="${shown}" height="${scaledHeight(image, shown)}"`;
    const file = (w: number, f: MediaFormat) => `/media/${mediaFileName(image.key, w as MediaWidth, f)}`;
    return {
      width: shown,
      height: scaledHeight(image, shown),
      render: (alt) =>
        origin
          ? `<img src="${origin}${file(widths[widths.length - 1]!, 'jpg')}" ${size} alt="${attributeValue(alt)}">`
          : `<picture><source type="image/webp" srcset="${srcset(image, widths, 'webp')}" sizes="${TEXT_SIZES}">` +
            `<img src="${file(widths[0]!, 'jpg')}" srcset="${srcset(image, widths, 'jpg')}" sizes="${TEXT_SIZES}" ${size} alt="${attributeValue(alt)}" loading="lazy" decoding="async"></picture>`,
    };
  });
}
