import sanitize from 'sanitize-html';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  DEFAULT_EMBED_HOSTS,
  EMBED_SANDBOX,
  MAX_DATA_IMAGE_BYTES,
  NON_TEXT_TAGS,
  TRACKER_PATTERNS,
} from './policy.js';
import { parseUrl } from '../model/url.js';

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
  return sanitizerFor(options.linkRel ?? DEFAULT_LINK_REL, options.embedHosts ?? DEFAULT_EMBED_HOSTS).clean(
    html,
    options.base,
  );
}

/**
 * The policy for one site's link and embed rules, built once and kept: building sanitize-html's
 * options for each call (a Set of embed hosts, closures over the base) cost as much as sanitizing a
 * short summary.
 *
 * The attribute allowlist is applied here, in the one transform every element passes through,
 * rather than given to sanitize-html as `allowedAttributes`: sanitize-html turns that option into
 * lookup tables again on every call, which was a third of the cost of a short fragment. What
 * sanitize-html still does after this transform is unchanged: the tag allowlist, the URL schemes of
 * href, src, cite, poster and srcset, the iframe hosts, attribute-name validity and escaping.
 */
export class Sanitizer {
  readonly #options: sanitize.IOptions;
  /** The base of the call in progress: sanitize-html is synchronous, so one at a time. */
  #base: string | null = null;

  constructor(linkRel: string, embedHosts: readonly string[]) {
    const hosts = new Set(embedHosts);
    this.#options = {
      allowedTags: ALLOWED_TAGS,
      // Every attribute sanitize-html sees has already passed keepAllowed (below).
      allowedAttributes: false,
      allowedSchemes: ALLOWED_SCHEMES,
      allowedSchemesByTag: { img: [...ALLOWED_SCHEMES, 'data'], source: [...ALLOWED_SCHEMES, 'data'] },
      allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster', 'srcset'],
      allowProtocolRelative: false,
      allowedIframeHostnames: [...hosts],
      allowIframeRelativeUrls: false,
      disallowedTagsMode: 'discard',
      nonTextTags: NON_TEXT_TAGS,
      transformTags: { '*': (tagName, attribs) => this.#transform(tagName, attribs, linkRel) },
      exclusiveFilter: (frame) => {
        if (frame.tag === 'img') return isTrackingPixel(frame.attribs) || !frame.attribs.src;
        if (frame.tag === 'iframe') return !isAllowedEmbed(frame.attribs.src, hosts);
        return false;
      },
    };
  }

  clean(html: string, base: string | null): string {
    this.#base = base;
    try {
      return sanitize(html, this.#options).trim();
    } catch {
      // Fail closed: content we could not sanitize is not shown at all.
      return '';
    } finally {
      this.#base = null;
    }
  }

  /** One element's attributes, changed in place (the parser made them for this element alone). */
  #transform(tagName: string, attribs: sanitize.Attributes, linkRel: string): sanitize.Tag {
    if (tagName === 'img' || tagName === 'source' || tagName === 'iframe') promoteLazy(attribs);
    keepAllowed(tagName, attribs);
    absolutize(attribs, this.#base);
    switch (tagName) {
      case 'h1':
        return { tagName: 'h2', attribs };
      case 'a':
        attribs.rel = linkRel;
        break;
      case 'img':
        imageAttributes(attribs);
        break;
      case 'iframe':
        embedAttributes(attribs);
        break;
    }
    return { tagName, attribs };
  }
}

/**
 * The sanitizers of the rules in use (a site has one set; tests make a few), by embed-host list:
 * by the list itself first, then by its hosts, since a worker thread gets a copy of the list with
 * every task it is sent.
 */
const byList = new WeakMap<readonly string[], Map<string, Sanitizer>>();
const byHosts = new Map<string, Map<string, Sanitizer>>();
const MAX_HOST_LISTS = 16;

function sanitizerFor(linkRel: string, embedHosts: readonly string[]): Sanitizer {
  let byRel = byList.get(embedHosts);
  if (!byRel) {
    const key = embedHosts.join('\n');
    byRel = byHosts.get(key);
    if (!byRel) {
      if (byHosts.size >= MAX_HOST_LISTS) byHosts.clear();
      byRel = new Map();
      byHosts.set(key, byRel);
    }
    byList.set(embedHosts, byRel);
  }
  let sanitizer = byRel.get(linkRel);
  if (!sanitizer) {
    sanitizer = new Sanitizer(linkRel, embedHosts);
    byRel.set(linkRel, sanitizer);
  }
  return sanitizer;
}

const GLOBAL_ATTRIBUTES = new Set(ALLOWED_ATTRIBUTES['*']);
const TAG_ATTRIBUTES = new Map(
  Object.entries(ALLOWED_ATTRIBUTES).map(([tag, names]) => [tag, new Set(names)]),
);

/** Removes every attribute the allowlist does not name for this element or for all elements. */
function keepAllowed(tagName: string, attribs: sanitize.Attributes): void {
  const own = TAG_ATTRIBUTES.get(tagName);
  for (const name of Object.keys(attribs)) {
    if (!GLOBAL_ATTRIBUTES.has(name) && !own?.has(name)) delete attribs[name];
  }
}

function imageAttributes(attribs: sanitize.Attributes): void {
  const src = attribs.src;
  if (src?.startsWith('data:') && (src.length > MAX_DATA_IMAGE_BYTES || !DATA_IMAGE.test(src)))
    delete attribs.src;
  attribs.loading = 'lazy';
  attribs.decoding = 'async';
}

function embedAttributes(attribs: sanitize.Attributes): void {
  attribs.sandbox = EMBED_SANDBOX;
  attribs.loading = 'lazy';
  attribs.referrerpolicy = 'strict-origin-when-cross-origin';
}

/**
 * Lazy-loading scripts keep the real image in data-src / data-lazy-src / data-original and a
 * placeholder (or nothing) in src; without their script, only the data attribute has the picture.
 */
function promoteLazy(attribs: sanitize.Attributes): void {
  const lazy =
    attribs['data-src'] ?? attribs['data-lazy-src'] ?? attribs['data-original'] ?? attribs['data-url'];
  const src = attribs.src;
  if (lazy && (!src || src.startsWith('data:') || /placeholder|blank|spacer|lazy/i.test(src))) {
    attribs.src = lazy;
  }
  const lazySet = attribs['data-srcset'] ?? attribs['data-lazy-srcset'];
  if (lazySet && !attribs.srcset) attribs.srcset = lazySet;
}

function absolutize(attribs: sanitize.Attributes, base: string | null): void {
  for (const name of URL_ATTRIBUTES) {
    const value = attribs[name];
    if (value !== undefined) attribs[name] = resolve(value, base);
  }
  if (attribs.srcset !== undefined) attribs.srcset = resolveSrcset(attribs.srcset, base);
}

function resolve(value: string, base: string | null): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('#') || /^data:/i.test(trimmed)) return trimmed;
  // A relative URL with no base to resolve against cannot point anywhere safe; drop it.
  return parseUrl(trimmed, base)?.href ?? (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : '');
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
  const url = parseUrl(src);
  return url !== null && url.protocol === 'https:' && hosts.has(url.hostname);
}
