import { createHash } from 'node:crypto';

/**
 * An entry's lead image as the site serves it: resized copies kept under one key (from the
 * original's address), at each of MEDIA_WIDTHS no wider than the original, in WebP and in JPEG.
 */
export interface LeadImage {
  key: string;
  /** The size of the widest copy: pages give it so that nothing moves while the image loads. */
  width: number;
  height: number;
  /** The original's address: the copy stands in for it wherever the article's HTML shows it. */
  sourceUrl: string;
}

/** The widths the pages use: a card's (and an excerpt's thumbnail), and an article's lead image. */
export const MEDIA_WIDTHS = [480, 960] as const;
export type MediaWidth = (typeof MEDIA_WIDTHS)[number];
/** WebP for every browser of the last years, JPEG for the rest. */
export const MEDIA_FORMATS = ['webp', 'jpg'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

/** The key of an image's copies: the same original address, the same copies, fetched once. */
export function mediaKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32);
}

/** The copy's file name, and its path on the site under /media/. */
export function mediaFileName(key: string, width: MediaWidth, format: MediaFormat): string {
  return `${key}-${width}.${format}`;
}

/** Reads a /media/ file name back; null for anything else. */
export function parseMediaFileName(
  name: string,
): { key: string; width: MediaWidth; format: MediaFormat } | null {
  const m = /^([0-9a-f]{32})-(\d+)\.(webp|jpg)$/.exec(name);
  if (!m) return null;
  const width = Number(m[2]);
  if (!MEDIA_WIDTHS.includes(width as MediaWidth)) return null;
  return { key: m[1]!, width: width as MediaWidth, format: m[3] as MediaFormat };
}

/** The height of a copy `width` wide of an image `image.width` × `image.height`, as the resizer rounds it. */
export function scaledHeight(image: Pick<LeadImage, 'width' | 'height'>, width: number): number {
  if (width >= image.width) return image.height;
  return Math.max(1, Math.round((image.height * width) / image.width));
}
