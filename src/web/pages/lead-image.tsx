import {
  mediaFileName,
  MEDIA_WIDTHS,
  scaledHeight,
  type LeadImage,
  type MediaFormat,
} from '../../model/media.js';

/** The copies an image has: every width up to the first as wide as the image itself. */
function widthsOf(image: LeadImage): number[] {
  const widths: number[] = [];
  for (const w of MEDIA_WIDTHS) {
    widths.push(w);
    if (w >= image.width) break;
  }
  return widths;
}

function srcset(image: LeadImage, widths: readonly number[], format: MediaFormat): string {
  return widths
    .map(
      (w) =>
        `/media/${mediaFileName(image.key, w as (typeof MEDIA_WIDTHS)[number], format)} ${Math.min(w, image.width)}w`,
    )
    .join(', ');
}

/**
 * A lead image from the site's own copies: WebP where the browser takes it, JPEG otherwise, the
 * width the layout needs (`sizes`), and its width and height given so that nothing moves while it
 * loads. `thumbnail`: the smallest copy only (what an excerpt may show). Decorative beside the
 * title it illustrates (empty alt): a screen reader hears the title once.
 */
export function LeadPicture(props: {
  image: LeadImage;
  sizes: string;
  thumbnail?: boolean;
  eager?: boolean;
  class?: string;
}) {
  const { image } = props;
  const widths = props.thumbnail ? [MEDIA_WIDTHS[0]] : widthsOf(image);
  const shown = Math.min(widths[widths.length - 1]!, image.width);
  return (
    <picture class={props.class}>
      <source type="image/webp" srcset={srcset(image, widths, 'webp')} sizes={props.sizes} />
      <img
        src={`/media/${mediaFileName(image.key, widths[0] as (typeof MEDIA_WIDTHS)[number], 'jpg')}`}
        srcset={srcset(image, widths, 'jpg')}
        sizes={props.sizes}
        width={shown}
        height={scaledHeight(image, shown)}
        alt=""
        loading={props.eager ? 'eager' : 'lazy'}
        decoding="async"
        {...(props.eager ? { fetchpriority: 'high' } : {})}
      />
    </picture>
  );
}
