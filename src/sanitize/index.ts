import sanitize from 'sanitize-html';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  DEFAULT_EMBED_HOSTS,
  EMBED_SANDBOX,
  MAX_DATA_IMAGE_BYTES,
  TRACKER_PATTERNS,
} from './policy.js';

export interface SanitizeOptions {
  /** The base URL relative references resolve against. */
  base: string | null;
  /** The rel given to every link. */
  linkRel?: string;
  /** Hosts whose iframes are kept. */
  embedHosts?: readonly string[];
}

export const DEFAULT_LINK_REL = 'noopener noreferrer nofollow';
/** The only data: URLs kept: raster images, inline in an article (a chart, a small icon). */
const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif)[;,]/i;
const URL_ATTRIBUTES = ['href', 'src', 'poster', 'cite'];

/**
 * The single gate every byte of third-party HTML passes through, for feed content and extracted
 * pages alike. Keeps an allowlist of elements and attributes, makes every URL absolute, limits URL
 * schemes, sandboxes embeds from allowed hosts, drops tracking pixels, and fails closed: anything it
 * cannot vouch for is removed, never passed through.
 */
export function sanitizeHtml(html: string, options: SanitizeOptions): string {
  const base = options.base;
  const linkRel = options.linkRel ?? DEFAULT_LINK_REL;
  const embedHosts = new Set(options.embedHosts ?? DEFAULT_EMBED_HOSTS);
  try {
    const clean = sanitize(html, {
      allowedTags: ALLOWED_TAGS,
      allowedAttributes: ALLOWED_ATTRIBUTES,
      allowedSchemes: ALLOWED_SCHEMES,
      allowedSchemesByTag: { img: [...ALLOWED_SCHEMES, 'data'], source: [...ALLOWED_SCHEMES, 'data'] },
      allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster', 'srcset'],
      allowProtocolRelative: false,
      allowedIframeHostnames: [...embedHosts],
      allowIframeRelativeUrls: false,
      disallowedTagsMode: 'discard',
      nonTextTags: [
        'script',
        'style',
        'textarea',
        'option',
        'noscript',
        'template',
        'title',
        'svg',
        'math',
        'object',
        'embed',
        'form',
        'select',
        'button',
      ],
      transformTags: {
        h1: 'h2',
        a: (tagName, attribs) => ({ tagName, attribs: linkAttributes(attribs, base, linkRel) }),
        img: (tagName, attribs) => ({ tagName, attribs: imageAttributes(attribs, base) }),
        source: (tagName, attribs) => ({ tagName, attribs: absolutize(promoteLazy(attribs), base) }),
        iframe: (tagName, attribs) => ({ tagName, attribs: embedAttributes(attribs, base) }),
        '*': (tagName, attribs) => ({ tagName, attribs: absolutize(attribs, base) }),
      },
      exclusiveFilter: (frame) => {
        if (frame.tag === 'img') return isTrackingPixel(frame.attribs) || !frame.attribs.src;
        if (frame.tag === 'iframe') return !isAllowedEmbed(frame.attribs.src, embedHosts);
        return false;
      },
    });
    return clean.trim();
  } catch {
    // Fail closed: content we could not sanitize is not shown at all.
    return '';
  }
}

function linkAttributes(attribs: sanitize.Attributes, base: string | null, rel: string): sanitize.Attributes {
  const out = absolutize(attribs, base);
  out.rel = rel;
  return out;
}

function imageAttributes(attribs: sanitize.Attributes, base: string | null): sanitize.Attributes {
  const out = absolutize(promoteLazy(attribs), base);
  if (out.src?.startsWith('data:') && (out.src.length > MAX_DATA_IMAGE_BYTES || !DATA_IMAGE.test(out.src)))
    delete out.src;
  out.loading = 'lazy';
  out.decoding = 'async';
  return out;
}

function embedAttributes(attribs: sanitize.Attributes, base: string | null): sanitize.Attributes {
  const out = absolutize(promoteLazy(attribs), base);
  out.sandbox = EMBED_SANDBOX;
  out.loading = 'lazy';
  out.referrerpolicy = 'strict-origin-when-cross-origin';
  return out;
}

/**
 * Lazy-loading scripts keep the real image in data-src / data-lazy-src / data-original and a
 * placeholder (or nothing) in src; without their script, only the data attribute has the picture.
 */
function promoteLazy(attribs: sanitize.Attributes): sanitize.Attributes {
  const out = { ...attribs };
  const lazy =
    attribs['data-src'] ?? attribs['data-lazy-src'] ?? attribs['data-original'] ?? attribs['data-url'];
  if (lazy && (!out.src || out.src.startsWith('data:') || /placeholder|blank|spacer|lazy/i.test(out.src))) {
    out.src = lazy;
  }
  const lazySet = attribs['data-srcset'] ?? attribs['data-lazy-srcset'];
  if (lazySet && !out.srcset) out.srcset = lazySet;
  return out;
}

function absolutize(attribs: sanitize.Attributes, base: string | null): sanitize.Attributes {
  const out = { ...attribs };
  for (const name of URL_ATTRIBUTES) {
    const value = out[name];
    if (value !== undefined) out[name] = resolve(value, base);
  }
  if (out.srcset !== undefined) out.srcset = resolveSrcset(out.srcset, base);
  return out;
}

function resolve(value: string, base: string | null): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('#') || /^data:/i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base ?? undefined).href;
  } catch {
    // A relative URL with no base to resolve against cannot point anywhere safe; drop it.
    return /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : '';
  }
}

function resolveSrcset(srcset: string, base: string | null): string {
  return srcset
    .split(/,\s+/)
    .map((candidate) => {
      const [url, ...descriptor] = candidate.trim().split(/\s+/);
      return url ? [resolve(url, base), ...descriptor].join(' ') : '';
    })
    .filter((c) => c !== '')
    .join(', ');
}

function isTrackingPixel(attribs: Record<string, string>): boolean {
  const width = Number(attribs.width);
  const height = Number(attribs.height);
  if ((width > 0 && width <= 1) || (height > 0 && height <= 1)) return true;
  const src = attribs.src ?? '';
  return TRACKER_PATTERNS.some((pattern) => pattern.test(src));
}

function isAllowedEmbed(src: string | undefined, hosts: ReadonlySet<string>): boolean {
  if (!src) return false;
  try {
    const url = new URL(src);
    return url.protocol === 'https:' && hosts.has(url.hostname);
  } catch {
    return false;
  }
}
