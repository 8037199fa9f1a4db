import type { Config } from '../config/index.js';
import { bodyHtml, type Entry } from '../model/entry.js';
import { entryFacets } from '../model/facets.js';
import { sourceDisplayName, sourceLanguage, type Source } from '../model/source.js';
import { articleLanguage } from './format.js';
import { parseAttribution } from './attribution.js';
import { excerptOf } from './excerpt.js';
import { localText } from './pictures.js';
import { articlePath } from './paths.js';
import { xmlAttr as attr, xmlText as text } from './xml.js';

/**
 * courtesy's own feeds, in RSS 2.0, Atom 1.0 and JSON Feed 1.1. Every item carries what the
 * article page shows: the content its source's rights policy allows, and the attribution block
 * with the link to the original, the author and the takedown page.
 */

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FILES: Record<FeedFormat, { file: string; type: string }> = {
  rss: { file: 'feed.xml', type: 'application/rss+xml; charset=utf-8' },
  atom: { file: 'feed.atom', type: 'application/atom+xml; charset=utf-8' },
  json: { file: 'feed.json', type: 'application/feed+json; charset=utf-8' },
};

/** Items per feed. */
export const FEED_ITEMS = 50;

export interface FeedListing {
  title: string;
  description: string;
  /** The page the feed follows, as a path ("/", "/sources/3"). */
  pagePath: string;
  entries: Entry[];
  sources: Map<number, Source>;
}

type Site = Config['site'];

export function renderFeed(format: FeedFormat, site: Site, listing: FeedListing): string {
  switch (format) {
    case 'rss':
      return renderRss(site, listing);
    case 'atom':
      return renderAtom(site, listing);
    case 'json':
      return renderJson(site, listing);
  }
}

/** The path of a listing's feed in a format: "/feed.xml", "/sources/3/feed.atom", "/search/feed.xml?q=ice". */
export function feedPath(pagePath: string, format: FeedFormat): string {
  const [path = '/', query] = pagePath.split('?', 2);
  return `${path === '/' ? '' : path}/${FEED_FILES[format].file}${query ? `?${query}` : ''}`;
}

/** An item's HTML: the content as the policy allows, then the attribution. */
export function itemHtml(site: Site, entry: Entry, source: Source): string {
  const name = sourceDisplayName(source);
  const html = bodyHtml(entry);
  const readOn = entry.url
    ? `<p><a href="${attr(entry.url)}">Continue reading at ${text(name)} →</a></p>`
    : '';
  let body: string;
  if (source.policy === 'link' || !html) body = readOn;
  else if (source.policy === 'excerpt') body = `<p>${text(excerptOf(html, site.excerptWords))}</p>${readOn}`;
  else body = localText(html, entry.pictures, site.baseUrl);
  const parts = parseAttribution(source.attributionTemplate ?? site.attribution, {
    author: entry.author ?? 'not named by the source',
    source: name,
    site: site.name,
    title: entry.title ?? 'Untitled',
  });
  const targets: Record<string, string | null> = {
    original: entry.url,
    source_site: source.siteUrl ?? (entry.url ? new URL(entry.url).origin : null),
    takedown: `${site.baseUrl}/takedown?url=${encodeURIComponent(entry.url ?? `${site.baseUrl}${articlePath(entry)}`)}`,
  };
  const attribution = parts
    .map((p) => {
      if (p.kind === 'text') return text(p.text);
      const href = targets[p.target];
      return href ? `<a href="${attr(href)}">${text(p.text)}</a>` : text(p.text);
    })
    .join('');
  return `${body}<hr/><p><small>${attribution}</small></p>`;
}

function renderRss(site: Site, listing: FeedListing): string {
  const pageUrl = `${site.baseUrl}${listing.pagePath}`;
  const self = `${site.baseUrl}${feedPath(listing.pagePath, 'rss')}`;
  const items = listing.entries.flatMap((entry) => {
    const source = listing.sources.get(entry.sourceId);
    if (!source) return [];
    const link = `${site.baseUrl}${articlePath(entry)}`;
    const facets = entryFacets(entry);
    return [
      '<item>',
      `<title>${text(entry.title ?? 'Untitled')}</title>`,
      `<link>${text(link)}</link>`,
      `<guid isPermaLink="true">${text(link)}</guid>`,
      `<pubDate>${(entry.publishedAt ?? entry.sortAt).toUTCString()}</pubDate>`,
      ...facets.filter((f) => f.kind === 'author').map((f) => `<dc:creator>${text(f.label)}</dc:creator>`),
      ...facets.filter((f) => f.kind === 'tag').map((f) => `<category>${text(f.label)}</category>`),
      `<source url="${attr(source.feedUrl)}">${text(sourceDisplayName(source))}</source>`,
      `<description>${text(itemHtml(site, entry, source))}</description>`,
      '</item>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    `<title>${text(listing.title)}</title>`,
    `<link>${text(pageUrl)}</link>`,
    `<description>${text(listing.description)}</description>`,
    `<language>${text(site.language)}</language>`,
    `<atom:link rel="self" type="application/rss+xml" href="${attr(self)}"/>`,
    `<lastBuildDate>${updated(listing).toUTCString()}</lastBuildDate>`,
    '<generator>courtesy</generator>',
    ...items,
    '</channel></rss>\n',
  ].join('');
}

function renderAtom(site: Site, listing: FeedListing): string {
  const pageUrl = `${site.baseUrl}${listing.pagePath}`;
  const self = `${site.baseUrl}${feedPath(listing.pagePath, 'atom')}`;
  const entries = listing.entries.flatMap((entry) => {
    const source = listing.sources.get(entry.sourceId);
    if (!source) return [];
    const link = `${site.baseUrl}${articlePath(entry)}`;
    const facets = entryFacets(entry);
    return [
      '<entry>',
      // The title in the publisher's language; the content holds the site's attribution too.
      `<title type="text"${lang(source, site)}>${text(entry.title ?? 'Untitled')}</title>`,
      `<id>${text(link)}</id>`,
      `<link rel="alternate" type="text/html" href="${attr(link)}"/>`,
      entry.url ? `<link rel="via" type="text/html" href="${attr(entry.url)}"/>` : '',
      `<published>${(entry.publishedAt ?? entry.sortAt).toISOString()}</published>`,
      `<updated>${(entry.updatedAt ?? entry.publishedAt ?? entry.sortAt).toISOString()}</updated>`,
      ...facets
        .filter((f) => f.kind === 'author')
        .map((f) => `<author><name>${text(f.label)}</name></author>`),
      ...facets.filter((f) => f.kind === 'tag').map((f) => `<category term="${attr(f.label)}"/>`),
      `<source><id>${text(source.feedUrl)}</id><title>${text(sourceDisplayName(source))}</title>` +
        `<link rel="self" href="${attr(source.feedUrl)}"/>` +
        (source.siteUrl ? `<link rel="alternate" href="${attr(source.siteUrl)}"/>` : '') +
        `<updated>${(source.lastSuccessAt ?? source.createdAt).toISOString()}</updated></source>`,
      `<content type="html">${text(itemHtml(site, entry, source))}</content>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${attr(site.language)}">`,
    `<title>${text(listing.title)}</title>`,
    `<subtitle>${text(listing.description)}</subtitle>`,
    `<id>${text(pageUrl)}</id>`,
    `<link rel="alternate" type="text/html" href="${attr(pageUrl)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${attr(self)}"/>`,
    `<updated>${updated(listing).toISOString()}</updated>`,
    `<author><name>${text(site.operator ?? site.name)}</name></author>`,
    '<generator>courtesy</generator>',
    ...entries,
    '</feed>\n',
  ].join('');
}

/** An xml:lang attribute for a source's words that are not in the site's language; '' otherwise. */
function lang(source: Source, site: Site): string {
  const tag = articleLanguage(source, site.language);
  return tag ? ` xml:lang="${attr(tag)}"` : '';
}

function renderJson(site: Site, listing: FeedListing): string {
  const items = listing.entries.flatMap((entry) => {
    const source = listing.sources.get(entry.sourceId);
    if (!source) return [];
    const link = `${site.baseUrl}${articlePath(entry)}`;
    const facets = entryFacets(entry);
    const authors = facets.filter((f) => f.kind === 'author').map((f) => ({ name: f.label }));
    const tags = facets.filter((f) => f.kind === 'tag').map((f) => f.label);
    return [
      {
        id: link,
        url: link,
        ...(entry.url ? { external_url: entry.url } : {}),
        title: entry.title ?? 'Untitled',
        ...(sourceLanguage(source) ? { language: sourceLanguage(source) } : {}),
        content_html: itemHtml(site, entry, source),
        date_published: (entry.publishedAt ?? entry.sortAt).toISOString(),
        ...(entry.updatedAt ? { date_modified: entry.updatedAt.toISOString() } : {}),
        ...(authors.length ? { authors } : {}),
        ...(tags.length ? { tags } : {}),
        _courtesy: {
          source: {
            name: sourceDisplayName(source),
            feed_url: source.feedUrl,
            home_page_url: source.siteUrl,
          },
        },
      },
    ];
  });
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: listing.title,
      description: listing.description,
      home_page_url: `${site.baseUrl}${listing.pagePath}`,
      feed_url: `${site.baseUrl}${feedPath(listing.pagePath, 'json')}`,
      language: site.language,
      items,
    },
    null,
    1,
  )}\n`;
}

function updated(listing: FeedListing): Date {
  return listing.entries[0]?.sortAt ?? new Date(0);
}
