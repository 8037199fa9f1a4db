import type { Enclosure } from '../model/feed.js';
import { parseUrl } from '../model/url.js';
import { type DraftEntry, toNumber } from './draft.js';
import { personName, textToHtml } from './text.js';
import { NS } from './xml/namespaces.js';
import { child, children, childText, markupOf, textOf } from './xml/query.js';
import { resolveUrl, type XmlElement } from './xml/tree.js';

/**
 * Readers of the extension elements that RSS 2.0 and RSS 1.0 items share: Dublin Core,
 * content:encoded, Media RSS, iTunes, and atom:link inside RSS.
 */

export function atomLinks(el: XmlElement, rel: string): string[] {
  return children(el, 'link', NS.atom)
    .filter((l) => (l.attrs.rel ?? 'alternate') === rel && l.attrs.href)
    .map((l) => resolveUrl(l.attrs.href!, l.base));
}

/** Hosts that relay a publisher's articles under addresses of their own (feed proxies). */
const FEED_PROXY =
  /^(feedproxy\.google\.com|feeds\.feedburner\.com|feedproxy\.[a-z.]+|rss\.feedsportal\.com)$/i;

/**
 * The address of the article itself where a feed proxy stands in front of it: FeedBurner's
 * feedburner:origLink, else, when the link is a proxy's, a guid that is a web address. The link
 * the feed gives otherwise. Readers then reach the publisher, and the article has one address
 * whichever feed carried it.
 */
export function originalLink(el: XmlElement, link: string | null, guid: string | null): string | null {
  const orig = childText(el, 'origlink', NS.feedburner)?.trim();
  if (orig && /^https?:\/\/\S+$/i.test(orig)) return resolveUrl(orig, el.base);
  const host = link ? (parseUrl(link)?.hostname ?? null) : null;
  if (host && FEED_PROXY.test(host) && guid && /^https?:\/\/\S+$/i.test(guid)) return guid;
  return link;
}

/** Authors an RSS item (or channel) names through extensions: dc:creator, else atom:author, else itunes:author. */
export function extensionAuthors(el: XmlElement): string[] {
  const names: string[] = [];
  for (const c of children(el, 'creator', NS.dc)) {
    const name = personName(textOf(c));
    if (name) names.push(name);
  }
  if (names.length === 0) {
    for (const author of children(el, 'author', NS.atom)) {
      const name = personName(childText(author, 'name', NS.atom) ?? childText(author, 'email', NS.atom));
      if (name) names.push(name);
    }
  }
  if (names.length === 0) {
    const itunes = personName(childText(el, 'author', NS.itunes));
    if (itunes) names.push(itunes);
  }
  return names;
}

/** Whether a name is only an email address (RSS `<author>` often is): a real name beats it. */
export function isBareEmail(name: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(name);
}

export function encodedContent(el: XmlElement): string | null {
  const encoded = child(el, 'encoded', NS.content);
  if (!encoded) return null;
  const html = markupOf(encoded).trim();
  return html === '' ? null : html;
}

/**
 * A summary from the extensions, for an entry whose own format gives none: Media RSS's
 * description (YouTube's feeds carry a video's text nowhere else), iTunes' summary, Dublin Core's
 * description. Plain text unless Media RSS says `type="html"`; as HTML.
 */
export function extensionSummary(el: XmlElement): string | null {
  const media = [el, ...children(el, 'group', NS.media), ...children(el, 'content', NS.media)]
    .map((m) => child(m, 'description', NS.media))
    .find((d) => d && textOf(d).trim() !== '');
  if (media) {
    const text = textOf(media).trim();
    return media.attrs.type?.trim().toLowerCase() === 'html' ? text : textToHtml(text);
  }
  const plain = childText(el, 'summary', NS.itunes) ?? childText(el, 'description', NS.dc);
  return plain ? textToHtml(plain) : null;
}

/** A title from Media RSS, for an entry whose own format gives none. */
export function mediaTitle(el: XmlElement): string | null {
  const found = [el, ...children(el, 'group', NS.media), ...children(el, 'content', NS.media)]
    .map((m) => childText(m, 'title', NS.media))
    .find((t) => t !== null);
  return found ?? null;
}

/** Dublin Core's dates, for an entry whose own format gives none. */
export function dublinCoreDate(el: XmlElement): string | null {
  return (
    childText(el, 'date', NS.dc) ??
    childText(el, 'issued', NS.dcterms) ??
    childText(el, 'created', NS.dcterms) ??
    childText(el, 'modified', NS.dcterms)
  );
}

export function dublinCoreSubjects(el: XmlElement): string[] {
  return children(el, 'subject', NS.dc).map(textOf);
}

/** Media RSS objects (media:content, also inside media:group), as enclosures. */
export function mediaEnclosures(el: XmlElement): Enclosure[] {
  const found: Enclosure[] = [];
  const groups = [el, ...children(el, 'group', NS.media)];
  for (const group of groups) {
    for (const media of children(group, 'content', NS.media)) {
      if (!media.attrs.url) continue;
      found.push({
        url: resolveUrl(media.attrs.url, media.base),
        type: media.attrs.type ?? (media.attrs.medium ? `${media.attrs.medium}/*` : null),
        length: toNumber(media.attrs.filesize ?? media.attrs.fileSize),
      });
    }
  }
  return found;
}

/**
 * The entry's Media RSS thumbnail: of the entry, of its media:group, or of its first media:content
 * that has one; the widest when several give a width, else the first.
 */
export function mediaThumbnail(el: XmlElement): string | null {
  const holders = [el, ...children(el, 'group', NS.media)];
  for (const holder of [...holders]) holders.push(...children(holder, 'content', NS.media));
  let best: { url: string; width: number } | null = null;
  for (const holder of holders) {
    for (const thumb of children(holder, 'thumbnail', NS.media)) {
      if (!thumb.attrs.url) continue;
      const width = toNumber(thumb.attrs.width) ?? 0;
      if (!best || width > best.width) best = { url: resolveUrl(thumb.attrs.url, thumb.base), width };
    }
  }
  return best?.url ?? null;
}

/** Removes enclosures that repeat an earlier URL (Media RSS often repeats the RSS enclosure). */
export function uniqueEnclosures(list: Enclosure[]): Enclosure[] {
  const seen = new Set<string>();
  return list.filter((e) => (seen.has(e.url) ? false : (seen.add(e.url), true)));
}

export function emptyDraftEntry(base: string | null): DraftEntry {
  return {
    guid: null,
    link: null,
    title: null,
    author: null,
    published: null,
    updated: null,
    summary: null,
    content: null,
    categories: [],
    enclosures: [],
    image: null,
    base,
  };
}

const SY_PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10_080,
  monthly: 43_200,
  yearly: 525_600,
};

/**
 * The update interval a feed declares with the RSS 1.0 syndication module
 * (https://web.resource.org/rss/1.0/modules/syndication/): updatePeriod (default daily) divided by
 * updateFrequency (default 1), in minutes; null when the feed says neither.
 */
export function syndicationMinutes(el: XmlElement): number | null {
  const period = childText(el, 'updateperiod', NS.sy)?.trim().toLowerCase();
  const frequency = toNumber(childText(el, 'updatefrequency', NS.sy));
  if (!period && frequency === null) return null;
  const minutes = SY_PERIOD_MINUTES[period ?? 'daily'];
  if (minutes === undefined) return null;
  const times = frequency !== null && frequency >= 1 ? frequency : 1;
  return Math.max(1, Math.round(minutes / times));
}
