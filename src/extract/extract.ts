import { Readability } from '@mozilla/readability';
import { parseHttpUrl, parseUrl } from '../model/url.js';
import { pagePicture } from '../parse/lead-image.js';
import { sanitizeHtml, type SanitizeOptions } from '../sanitize/index.js';
import { removeBoilerplate, removeWidgets } from './boilerplate.js';
import { parseDocument, type DomDocument, type DomElement } from '../markup/dom.js';
import type { ScraperRules } from '../markup/selectors.js';
import { ExtractError } from './errors.js';
import { measureText, textLength } from './text.js';

/**
 * An operator's rules for one source's pages, like Miniflux's scraper rules: where the article is,
 * and what to take out of it first.
 */
export type { ScraperRules } from '../markup/selectors.js';

export interface ExtractOptions extends ScraperRules {
  /** The page's address: relative links resolve against it (or against the page's own `<base>`). */
  url: string;
  /**
   * The feed's own HTML for the entry, if any. An extraction much shorter than it is taken to be
   * wrong (a teaser, a cookie wall, a paywall), and fails with `extract.too-short`.
   */
  feedHtml?: string | null;
  /** How links and embeds are sanitized; the base is the page's. */
  sanitize?: Omit<SanitizeOptions, 'base'>;
}

/** What courtesy would republish from a page. */
export interface Extraction {
  /** The article, sanitized. */
  html: string;
  /** Its length as text, in characters. */
  length: number;
  title: string | null;
  byline: string | null;
  excerpt: string | null;
  /** ISO 8601, when the page states it. */
  publishedTime: string | null;
  lang: string | null;
  /** How the article was found: Readability, or the source's selector. */
  method: 'readability' | 'selector';
  /** The picture the page declares for sharing (og:image), absolute; null when none. */
  image: string | null;
  /** The page's own address for itself (`<link rel="canonical">`), absolute http(s); null when none. */
  canonical: string | null;
}

export { ExtractError };

/** More elements than this and the page is not read: no article page comes near it. */
export const MAX_ELEMENTS = 100_000;
/** An extraction shorter than this share of the feed's own text is a teaser or a wall, not the article. */
const SHORTER_THAN_FEED = 0.5;
/** Feed content shorter than this says too little to judge an extraction by. */
const FEED_TEXT_TO_JUDGE = 200;
/** More of the text than this in links, and it is a list of links (a home page, a tag page), not an article. */
const MAX_LINK_DENSITY = 0.5;

/**
 * Finds the article in a page and sanitizes it: the operator's selector when the source has one,
 * else Readability (Mozilla's, the algorithm of Firefox's Reader View) over a lightweight DOM. The
 * source's remove rules apply first. Throws ExtractError, with a stable code and a message that
 * says why, when the result is empty, mostly links, or much shorter than the feed's own content.
 */
export function extractArticle(html: string, options: ExtractOptions): Extraction {
  // Counted in the markup, before a DOM is built for it (Readability's own limit counts with a DOM
  // call that linkedom answers with 0).
  const tags = countTags(html, MAX_ELEMENTS);
  if (tags > MAX_ELEMENTS) {
    throw new ExtractError(
      'extract.too-large',
      `extract: the page has more than ${MAX_ELEMENTS} elements, more than an article page could need`,
    );
  }
  const document = parseDocument(html);
  const base = setBase(document, options.url);
  // Read before Readability, which takes the head apart.
  const image = pagePicture(metaProperties(document), base);
  const canonical = canonicalLink(document, base);
  for (const rule of options.remove ?? []) {
    for (const el of select(document, rule, 'remove')) el.remove();
  }

  let content: string;
  let meta: Omit<Extraction, 'html' | 'length' | 'method' | 'image' | 'canonical'>;
  const method = options.selector ? 'selector' : 'readability';
  if (options.selector) {
    const found = select(document, options.selector, 'selector');
    if (found.length === 0) {
      throw new ExtractError(
        'extract.no-match',
        `extract: the selector "${options.selector}" matches nothing on the page`,
      );
    }
    content = found.map((el) => el.outerHTML).join('\n');
    meta = pageMetadata(document);
  } else {
    removeWidgets(document);
    // The article as an element, not as markup: the boilerplate pass reads it as a DOM.
    const article = new Readability(document, { serializer: (el): DomElement => el as DomElement }).parse();
    if (article?.content) removeBoilerplate(article.content);
    content = article?.content?.innerHTML ?? '';
    meta = {
      title: clean(article?.title),
      byline: clean(article?.byline),
      excerpt: clean(article?.excerpt),
      publishedTime: clean(article?.publishedTime),
      lang: clean(article?.lang),
    };
  }

  const sanitized = sanitizeHtml(content, { ...options.sanitize, base });
  const { length, linkShare: density } = measureText(sanitized);
  if (length === 0) throw new ExtractError('extract.empty', 'extract: no article text was found on the page');
  if (density > MAX_LINK_DENSITY) {
    throw new ExtractError(
      'extract.mostly-links',
      `extract: ${Math.round(density * 100)}% of what was found is link text: a list of links, not an article`,
    );
  }
  const feedLength = options.feedHtml ? textLength(options.feedHtml) : 0;
  if (feedLength >= FEED_TEXT_TO_JUDGE && length < feedLength * SHORTER_THAN_FEED) {
    throw new ExtractError(
      'extract.too-short',
      `extract: the page's article (${length} characters) is much shorter than the feed's own content (${feedLength})`,
    );
  }
  return { html: sanitized, length, method, image, canonical, ...meta };
}

/** The page's `<meta property|name content>` pairs, by lower-case name; the first of a name wins. */
function metaProperties(document: DomDocument): Map<string, string> {
  const found = new Map<string, string>();
  for (const el of document.querySelectorAll('meta[content]')) {
    const name = (el.getAttribute('property') ?? el.getAttribute('name'))?.trim().toLowerCase();
    const content = el.getAttribute('content');
    if (name && content && !found.has(name)) found.set(name, content);
  }
  return found;
}

/** The first `<link rel="canonical" href>` of the page, resolved; null when there is none, or it is no web address. */
function canonicalLink(document: DomDocument, base: string): string | null {
  for (const el of document.querySelectorAll('link[rel][href]')) {
    const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('canonical')) continue;
    return parseHttpUrl(el.getAttribute('href')?.trim() ?? '', base)?.href ?? null;
  }
  return null;
}

/** The start tags in markup (a `<` before a letter), counting no further than one past `limit`. */
function countTags(html: string, limit: number): number {
  let count = 0;
  for (let at = html.indexOf('<'); at !== -1 && count <= limit; at = html.indexOf('<', at + 1)) {
    const next = html.charCodeAt(at + 1) | 0x20;
    if (next >= 0x61 && next <= 0x7a) count++;
  }
  return count;
}

/**
 * Makes the page's base address absolute, so that the DOM and Readability resolve links as a
 * browser would: the page's own `<base href>` against its URL, else the URL. Returns it.
 */
function setBase(document: DomDocument, url: string): string {
  const existing = document.querySelector('base[href]');
  const base = parseUrl(existing?.getAttribute('href')?.trim() ?? '', url)?.href ?? url;
  for (const el of Array.from(document.querySelectorAll('base'))) el.remove();
  const head = document.head ?? document.documentElement;
  const el = document.createElement('base');
  el.setAttribute('href', base);
  head?.prepend(el);
  return base;
}

function select(document: DomDocument, selector: string, what: 'selector' | 'remove'): DomElement[] {
  try {
    return Array.from(document.querySelectorAll(selector));
  } catch {
    throw new ExtractError(
      'extract.bad-selector',
      `extract: the ${what === 'selector' ? 'article selector' : 'remove rule'} "${selector}" is not a valid CSS selector`,
    );
  }
}

/** Title, author, date and language from a page's own metadata, for the selector path. */
function pageMetadata(
  document: DomDocument,
): Omit<Extraction, 'html' | 'length' | 'method' | 'image' | 'canonical'> {
  const meta = (...names: string[]): string | null => {
    for (const name of names) {
      const el = document.querySelector(`meta[property="${name}"], meta[name="${name}"]`);
      const value = clean(el?.getAttribute('content'));
      if (value) return value;
    }
    return null;
  };
  return {
    title: meta('og:title', 'twitter:title') ?? clean(document.querySelector('title')?.textContent),
    byline: meta('author', 'article:author', 'parsely-author'),
    excerpt: meta('description', 'og:description'),
    publishedTime: meta('article:published_time', 'parsely-pub-date'),
    lang: clean(document.documentElement?.getAttribute('lang')),
  };
}

function clean(value: string | null | undefined): string | null {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : null;
}
