import type { Enclosure } from '../../model/feed.js';
import { cleanTitle, joinNames, personName, textToHtml } from '../text.js';
import {
  originalLink,
  dublinCoreDate,
  emptyDraftEntry,
  extensionSummary,
  mediaEnclosures,
  mediaThumbnail,
  mediaTitle,
  syndicationMinutes,
  uniqueEnclosures,
} from '../common.js';
import { type DraftEntry, type DraftFeed, toNumber } from '../draft.js';
import { NS } from '../xml/namespaces.js';
import { child, children, childText, innerXml, textOf, entriesOf } from '../xml/query.js';
import { resolveUrl, type XmlElement } from '../xml/tree.js';

/**
 * Atom 1.0 (RFC 4287) and Atom 0.3 (the 2003 draft). Feeds that omit the namespace are read in no
 * namespace as well.
 */
export function parseAtom(root: XmlElement): DraftFeed {
  const is03 = root.ns === NS.atom03 || root.attrs.version === '0.3';
  const spaces = [root.ns, NS.atom, ''];
  const feedAuthor = authorsOf(root, spaces);
  return {
    format: 'atom',
    version: is03 ? '0.3' : '1.0',
    title: textConstruct(child(root, 'title', ...spaces)),
    link: linkOf(root, spaces, 'alternate'),
    description: textConstruct(child(root, 'subtitle', ...spaces) ?? child(root, 'tagline', ...spaces)),
    language: root.attrs['xml:lang']?.trim() || null,
    author: feedAuthor,
    hubs: links(root, spaces, 'hub'),
    self: links(root, spaces, 'self')[0] ?? null,
    ttl: null,
    updateMinutes: syndicationMinutes(root),
    entries: entriesOf(root, 'entry', ...spaces)
      .filter((e) => !e.truncated)
      .map((e) => parseEntry(e, spaces)),
  };
}

function parseEntry(el: XmlElement, spaces: string[]): DraftEntry {
  const entry = emptyDraftEntry(el.base);
  entry.guid = childText(el, 'id', ...spaces);
  entry.title = textConstruct(child(el, 'title', ...spaces)) ?? cleanTitle(mediaTitle(el), false);
  // Without an alternate link, an id that is a web address is the entry's permalink (blogs' feeds).
  entry.link = originalLink(
    el,
    linkOf(el, spaces, 'alternate') ??
      (entry.guid && /^https?:\/\/\S+$/i.test(entry.guid) ? entry.guid : null),
    entry.guid,
  );
  const source = child(el, 'source', ...spaces);
  entry.author = authorsOf(el, spaces) ?? (source ? authorsOf(source, spaces) : null);
  entry.published =
    childText(el, 'published', ...spaces) ??
    childText(el, 'issued', ...spaces) ??
    childText(el, 'created', ...spaces) ??
    dublinCoreDate(el);
  entry.updated = childText(el, 'updated', ...spaces) ?? childText(el, 'modified', ...spaces);
  const summary = child(el, 'summary', ...spaces);
  const content = child(el, 'content', ...spaces);
  entry.summary = htmlConstruct(summary) ?? (content ? null : extensionSummary(el));
  entry.content = content && !content.attrs.src ? htmlConstruct(content) : null;
  if (content?.base) entry.base = content.base;
  else if (summary?.base) entry.base = summary.base;
  entry.categories = children(el, 'category', ...spaces)
    .map((c) => c.attrs.label?.trim() || c.attrs.term?.trim() || textOf(c).trim())
    .filter((c) => c !== '');
  entry.enclosures = uniqueEnclosures([...enclosureLinks(el, spaces), ...mediaEnclosures(el)]);
  entry.image = mediaThumbnail(el);
  return entry;
}

function links(el: XmlElement, spaces: string[], rel: string): string[] {
  return children(el, 'link', ...spaces)
    .filter((l) => (l.attrs.rel?.trim() || 'alternate') === rel && l.attrs.href)
    .map((l) => resolveUrl(l.attrs.href!, l.base));
}

/** The alternate link, preferring an HTML one when there are several (RFC 4287 §4.2.7.2). */
function linkOf(el: XmlElement, spaces: string[], rel: string): string | null {
  const candidates = children(el, 'link', ...spaces).filter(
    (l) => (l.attrs.rel?.trim() || 'alternate') === rel && l.attrs.href,
  );
  const html = candidates.find((l) => !l.attrs.type || /html/i.test(l.attrs.type));
  const chosen = html ?? candidates[0];
  return chosen ? resolveUrl(chosen.attrs.href!, chosen.base) : null;
}

function enclosureLinks(el: XmlElement, spaces: string[]): Enclosure[] {
  return children(el, 'link', ...spaces)
    .filter((l) => l.attrs.rel === 'enclosure' && l.attrs.href)
    .map((l) => ({
      url: resolveUrl(l.attrs.href!, l.base),
      type: l.attrs.type?.trim() || null,
      length: toNumber(l.attrs.length),
    }));
}

function authorsOf(el: XmlElement, spaces: string[]): string | null {
  const names = children(el, 'author', ...spaces)
    .map(
      (a) =>
        childText(a, 'name', ...spaces) ??
        personName(childText(a, 'email', ...spaces)) ??
        personName(textOf(a)),
    )
    .filter((n): n is string => n !== null);
  return joinNames(names);
}

type ConstructKind = 'text' | 'html' | 'xhtml';

/**
 * The kind of an Atom text construct: `type` in Atom 1.0 (RFC 4287 §3.1), a MIME type and `mode`
 * in Atom 0.3.
 */
function kindOf(el: XmlElement): ConstructKind {
  const type = (el.attrs.type ?? 'text').trim().toLowerCase();
  if (type === 'xhtml' || type === 'application/xhtml+xml') return 'xhtml';
  if (type === 'html' || type === 'text/html') return 'html';
  if (el.attrs.mode === 'xml') return 'xhtml';
  if (el.attrs.mode === 'escaped') return 'html';
  return 'text';
}

/** A text construct as HTML. */
function htmlConstruct(el: XmlElement | undefined): string | null {
  if (!el) return null;
  const kind = kindOf(el);
  let html: string;
  if (kind === 'xhtml') {
    const div = child(el, 'div', NS.xhtml, '');
    html = innerXml(div ?? el);
  } else if (kind === 'html') {
    html = textOf(el);
  } else {
    html = textToHtml(textOf(el).trim());
  }
  html = html.trim();
  return html === '' ? null : html;
}

/** A text construct as plain text (titles). */
function textConstruct(el: XmlElement | undefined): string | null {
  if (!el) return null;
  const kind = kindOf(el);
  if (kind === 'text') return cleanTitle(textOf(el), false);
  return cleanTitle(kind === 'xhtml' ? innerXml(el) : textOf(el), true);
}
