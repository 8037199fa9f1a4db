import { mediaFileName, MEDIA_WIDTHS, scaledHeight, type LeadImage } from '../../model/media.js';
import { srcset, widthsOf } from '../pictures.js';

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
