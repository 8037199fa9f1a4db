import sharp from 'sharp';
import { MEDIA_WIDTHS, type MediaFormat, type MediaWidth } from '../model/media.js';
import { MediaError } from './errors.js';

/** One resized copy of an image. */
export interface MediaCopy {
  width: MediaWidth;
  format: MediaFormat;
  data: Buffer;
  /** Its size in pixels (no wider than the original). */
  pixelWidth: number;
  pixelHeight: number;
}

/** Formats a lead image may come in; an SVG (which can carry script and fetch) or a PDF never is one. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);
/**
 * Narrower or lower than this, an image is an icon, a counter or a button, not a lead image; wider
 * than the ratio either way, a banner or a divider. A picture of the text may be smaller (a chart,
 * a portrait beside a paragraph), down to what is surely a spacer or a counter.
 */
const LIMITS = {
  lead: { width: 200, height: 100, ratio: 5 },
  inline: { width: 40, height: 40, ratio: 20 },
} as const;
/** An image of more pixels than this is refused before it is decoded (a decompression bomb). */
export const MAX_PIXELS = 40_000_000;

// Resizing runs on libvips' threads, off the JavaScript thread; one at a time leaves the other
// cores to the site and the poll, and no operation cache keeps decoded images in memory.
sharp.concurrency(1);
sharp.cache(false);

/**
 * The copies the pages use of an image: for each of MEDIA_WIDTHS no wider than needed (a small
 * original gives one copy, at its own width), in WebP and in progressive JPEG, oriented as its
 * EXIF says, with its metadata (EXIF, GPS, ICC) left out. Throws MediaError when the bytes are not
 * an image the site shows.
 */
export async function resizeImage(bytes: Uint8Array, role: 'lead' | 'inline' = 'lead'): Promise<MediaCopy[]> {
  const limits = LIMITS[role];
  const input = { limitInputPixels: MAX_PIXELS, failOn: 'error' as const };
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // The header alone: its pixel count is checked below, with a message that says so.
    meta = await sharp(bytes, { ...input, limitInputPixels: false }).metadata();
  } catch (error) {
    throw new MediaError('media.not-image', `media: the response is not an image that can be read`, {
      cause: error,
    });
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new MediaError(
      'media.format',
      `media: ${meta.format ?? 'an unknown format'} is not a picture format`,
    );
  }
  const oriented = (meta.orientation ?? 1) >= 5;
  const width = (oriented ? meta.height : meta.width) ?? 0;
  const height = (oriented ? meta.width : meta.height) ?? 0;
  if (width * height > MAX_PIXELS) {
    throw new MediaError('media.too-large', `media: ${width}×${height} pixels is more than an image needs`);
  }
  if (width < limits.width || height < limits.height) {
    throw new MediaError(
      'media.too-small',
      `media: ${width}×${height} pixels is an icon${role === 'lead' ? ', not a lead image' : ' or a spacer'}`,
    );
  }
  if (width / height > limits.ratio || height / width > limits.ratio) {
    throw new MediaError('media.shape', `media: ${width}×${height} pixels is a banner or a divider`);
  }
  // Decoded once, at the widest width needed (a JPEG shrinks as it loads), oriented, on white;
  // the narrower copies are made from that, and each is encoded twice. Plain progressive JPEG and
  // WebP at effort 2: mozjpeg and effort 4 cost 2.5 times the CPU for copies 7 to 12% smaller.
  const widths: MediaWidth[] = [];
  let previous = 0;
  for (const target of MEDIA_WIDTHS) {
    const at = Math.min(target, width);
    if (at <= previous) break;
    previous = at;
    widths.push(target);
  }
  try {
    const widest = await sharp(bytes, input)
      .rotate()
      .resize({ width: Math.min(widths[widths.length - 1]!, width), withoutEnlargement: true })
      // Transparent PNGs and GIFs would show the card's colour, which differs between themes:
      // white, as a browser shows them on paper.
      .flatten({ background: '#ffffff' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = (data: Buffer, info: { width: number; height: number; channels: number }) =>
      sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } });
    const copies: MediaCopy[] = [];
    for (const target of widths) {
      const decoded =
        target === widths[widths.length - 1]
          ? widest
          : await raw(widest.data, widest.info)
              .resize({ width: Math.min(target, width) })
              .raw()
              .toBuffer({ resolveWithObject: true });
      const image = raw(decoded.data, decoded.info);
      const [webp, jpeg] = await Promise.all([
        image.clone().webp({ quality: 78, effort: 2 }).toBuffer(),
        image.clone().jpeg({ quality: 80, progressive: true }).toBuffer(),
      ]);
      const size = { pixelWidth: decoded.info.width, pixelHeight: decoded.info.height };
      copies.push(
        { width: target, format: 'webp', data: webp, ...size },
        { width: target, format: 'jpg', data: jpeg, ...size },
      );
    }
    return copies;
  } catch (error) {
    throw new MediaError('media.not-image', `media: the image could not be decoded`, { cause: error });
  }
}
