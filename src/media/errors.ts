import { CourtesyError } from '../model/errors.js';

/** Why an entry's lead image is not shown: stable codes, recorded on its line of the media queue. */
export class MediaError extends CourtesyError<MediaErrorCode> {}

export type MediaErrorCode =
  /** The response is not an image that can be decoded. */
  | 'media.not-image'
  /** An image, but not a picture format (SVG, PDF, ICO...). */
  | 'media.format'
  /** More bytes or pixels than a lead image needs (a bomb is refused before it is decoded). */
  | 'media.too-large'
  /** An icon, a counter or a button. */
  | 'media.too-small'
  /** A banner or a divider. */
  | 'media.shape'
  /** robots.txt does not allow courtesy to fetch it. */
  | 'media.robots'
  /** The site's robots.txt could not be read this time: tried again later. */
  | 'media.robots-unreachable';
