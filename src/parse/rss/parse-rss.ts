import type { Enclosure } from '../../model/feed.js';
import { cleanTitle, htmlToText, joinNames, personName } from '../text.js';
import {
  originalLink,
  atomLinks,
  dublinCoreSubjects,
  emptyDraftEntry,
  encodedContent,
  extensionAuthors,
  extensionSummary,
  isBareEmail,
  mediaTitle,
  mediaEnclosures,
  mediaThumbnail,
  syndicationMinutes,
  uniqueEnclosures,
} from '../common.js';
import { type DraftEntry, type DraftFeed, toNumber } from '../draft.js';
import { NS } from '../xml/namespaces.js';
import { child, children, childText, entriesOf, markupOf, textOf } from '../xml/query.js';
import { resolveUrl, type XmlElement } from '../xml/tree.js';

/**
 * RSS 0.91, 0.92, 0.93, 0.94 and 2.0 (https://www.rssboard.org/rss-specification): `<rss>` with one
 * `<channel>`. Elements of these versions are in no namespace.
 */
export function parseRss(root: XmlElement): DraftFeed {
  const channel = child(root, 'channel', '') ?? root;
  // In the channel, beside it (some feeds), or in an element left open before them.
  const items = entriesOf(root, 'item', '').filter((item) => !item.truncated);
  const link = childText(channel, 'link', '');
  return {
    format: 'rss2',
    version: root.attrs.version?.trim() || null,
    title: cleanTitle(childText(channel, 'title', ''), false),
    link: link ? resolveUrl(link, channel.base) : (atomLinks(channel, 'alternate')[0] ?? null),
    description: childText(channel, 'description', ''),
    language: childText(channel, 'language', '') ?? childText(channel, 'language', NS.dc),
    // The channel's author (dc:creator, itunes:author), for items that name none. managingEditor is
    // the address of whoever edits the channel, not the author of its items: it is not used.
    author: joinNames(extensionAuthors(channel)) ?? personName(childText(channel, 'author', '')),
    hubs: atomLinks(channel, 'hub'),
    self: atomLinks(channel, 'self')[0] ?? null,
    ttl: toNumber(childText(channel, 'ttl', '')),
    updateMinutes: syndicationMinutes(channel),
    entries: items.map(parseItem),
  };
}

function parseItem(item: XmlElement): DraftEntry {
  const entry = emptyDraftEntry(item.base);
  const guid = child(item, 'guid', '');
  const guidText = guid ? textOf(guid).trim() || null : null;
  entry.guid = guidText;
  entry.title = cleanTitle(childText(item, 'title', '') ?? mediaTitle(item), false);
  entry.link = originalLink(item, itemLink(item, guid, guidText), guidText);
  const authors = joinNames(extensionAuthors(item));
  const rssAuthor = personName(childText(item, 'author', ''));
  // RSS <author> is an email address, often with the name beside it; a name from dc:creator or
  // itunes:author beats an address alone.
  entry.author = rssAuthor && !(isBareEmail(rssAuthor) && authors) ? rssAuthor : (authors ?? rssAuthor);
  entry.published = childText(item, 'pubdate', '') ?? childText(item, 'date', NS.dc);
  entry.updated = childText(item, 'updated', NS.atom) ?? childText(item, 'modified', NS.dcterms);
  const description = child(item, 'description', '');
  const own = description ? markupOf(description).trim() || null : null;
  entry.content = encodedContent(item);
  entry.summary = entry.content
    ? (own ?? extensionSummary(item))
    : longerSummary(own, extensionSummary(item));
  entry.categories = [...children(item, 'category', '').map(textOf), ...dublinCoreSubjects(item)];
  entry.enclosures = uniqueEnclosures([...rssEnclosures(item), ...mediaEnclosures(item)]);
  entry.image = mediaThumbnail(item);
  return entry;
}

/**
 * The description of an item that has no content, unless it is an extension's text cut short:
 * podcasts often end the description with "..." and give the whole of it in itunes:summary or
 * media:description.
 */
function longerSummary(own: string | null, extension: string | null): string | null {
  if (!own || !extension) return own ?? extension;
  const flat = (html: string) => htmlToText(html).replace(/\s+/g, ' ').trim();
  const cut = flat(own).replace(/\s*(\.\.\.|…|\[(\.\.\.|…)\])$/, '');
  const whole = flat(extension);
  return whole.length > cut.length && whole.startsWith(cut) ? extension : own;
}

/** The item's link; a permalink guid stands in when the link is missing (RSS 2.0 `isPermaLink`). */
function itemLink(item: XmlElement, guid: XmlElement | undefined, guidText: string | null): string | null {
  const link = childText(item, 'link', '');
  if (link) return resolveUrl(link, item.base);
  const atom = atomLinks(item, 'alternate')[0];
  if (atom) return atom;
  const isPermaLink = guid?.attrs.ispermalink ?? guid?.attrs.isPermaLink;
  if (guidText && isPermaLink !== 'false' && /^https?:\/\//i.test(guidText)) return guidText;
  return null;
}

function rssEnclosures(item: XmlElement): Enclosure[] {
  return children(item, 'enclosure', '')
    .filter((e) => e.attrs.url)
    .map((e) => ({
      url: resolveUrl(e.attrs.url!, e.base),
      type: e.attrs.type?.trim() || null,
      length: toNumber(e.attrs.length),
    }));
}
