import { cleanTitle, joinNames } from '../text.js';
import {
  atomLinks,
  dublinCoreSubjects,
  emptyDraftEntry,
  encodedContent,
  extensionAuthors,
  extensionSummary,
  mediaEnclosures,
  mediaThumbnail,
  mediaTitle,
  syndicationMinutes,
} from '../common.js';
import type { DraftEntry, DraftFeed } from '../draft.js';
import { NS } from '../xml/namespaces.js';
import { child, children, childText, markupOf, entriesOf } from '../xml/query.js';
import { resolveUrl, type XmlElement } from '../xml/tree.js';

/**
 * RSS 1.0 (https://web.resource.org/rss/1.0/spec) and RSS 0.90: an `rdf:RDF` document whose
 * `<channel>` and `<item>`s are siblings. Elements are in the RSS 1.0 (or 0.90) namespace; feeds that
 * forget to declare it are read in no namespace too.
 */
export function parseRdf(root: XmlElement): DraftFeed {
  const rssNs = children(root, 'channel', NS.rss090).length > 0 ? NS.rss090 : NS.rss1;
  const spaces = [rssNs, ''];
  const channel = child(root, 'channel', ...spaces) ?? root;
  // Beside the channel (RSS 1.0) or in it (some RSS 0.90).
  const items = entriesOf(root, 'item', ...spaces).filter((item) => !item.truncated);
  const link = childText(channel, 'link', ...spaces);
  return {
    format: 'rss1',
    version: rssNs === NS.rss090 ? '0.90' : '1.0',
    title: cleanTitle(childText(channel, 'title', ...spaces), false),
    link: link ? resolveUrl(link, channel.base) : null,
    description: childText(channel, 'description', ...spaces),
    language: childText(channel, 'language', NS.dc),
    author: joinNames(extensionAuthors(channel)),
    hubs: atomLinks(channel, 'hub'),
    self: atomLinks(channel, 'self')[0] ?? null,
    ttl: null,
    updateMinutes: syndicationMinutes(channel),
    entries: items.map((item) => parseItem(item, spaces)),
  };
}

function parseItem(item: XmlElement, spaces: string[]): DraftEntry {
  const entry = emptyDraftEntry(item.base);
  const about = item.attrs['rdf:about']?.trim();
  const link = childText(item, 'link', ...spaces);
  entry.link = link ? resolveUrl(link, item.base) : about ? resolveUrl(about, item.base) : null;
  entry.guid = about || null;
  entry.title = cleanTitle(childText(item, 'title', ...spaces) ?? mediaTitle(item), false);
  entry.author = joinNames(extensionAuthors(item));
  entry.published = childText(item, 'date', NS.dc);
  entry.updated = childText(item, 'modified', NS.dcterms);
  const description = child(item, 'description', ...spaces);
  entry.summary = (description ? markupOf(description).trim() || null : null) ?? extensionSummary(item);
  entry.content = encodedContent(item);
  entry.categories = dublinCoreSubjects(item);
  entry.enclosures = mediaEnclosures(item);
  entry.image = mediaThumbnail(item);
  return entry;
}
