import type { Enclosure } from '../model/feed.js';
import { type DraftEntry, toNumber } from './draft.js';
import { personName } from './text.js';
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

export function extensionAuthors(el: XmlElement): string[] {
  const names: string[] = [];
  for (const c of children(el, 'creator', NS.dc)) {
    const name = personName(textOf(c));
    if (name) names.push(name);
  }
  if (names.length === 0) {
    const itunes = personName(childText(el, 'author', NS.itunes));
    if (itunes) names.push(itunes);
  }
  return names;
}

export function encodedContent(el: XmlElement): string | null {
  const encoded = child(el, 'encoded', NS.content);
  if (!encoded) return null;
  const html = markupOf(encoded).trim();
  return html === '' ? null : html;
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
