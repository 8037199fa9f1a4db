import type { Feed } from '../model/feed.js';
import { parseAtom } from './atom/parse-atom.js';
import { decodeBody } from './charset.js';
import { detectXmlFormat, sniff } from './detect.js';
import { discoverFeeds } from './discover.js';
import type { DraftFeed } from './draft.js';
import { finalizeFeed } from './draft.js';
import { ParseError } from './errors.js';
import { parseJsonFeed } from './json/parse-json.js';
import { parseRdf } from './rdf/parse-rdf.js';
import { parseRss } from './rss/parse-rss.js';
import { parseXml, type XmlElement } from './xml/tree.js';

export { ParseError, type ParseErrorCode } from './errors.js';
export { discoverFeeds, type DiscoveredFeed } from './discover.js';
export { parseDate } from './dates.js';
export { htmlToText } from './text.js';
export { decodeBody, charsetParam } from './charset.js';

/**
 * Reads a feed from the bytes of a response or file: decodes the text (charset.ts), then parses it.
 * Decoding recoveries join the feed's warnings.
 */
export function parseFeedBytes(
  bytes: Uint8Array,
  options: { contentType?: string | null; url?: string | null } = {},
): Feed {
  const decoded = decodeBody(bytes, options.contentType ?? null);
  const feed = parseFeed(decoded.text, options.url ?? null);
  if (decoded.warnings.length > 0) feed.warnings.unshift(...decoded.warnings);
  return feed;
}

/**
 * Reads a feed document (already decoded to text) into the normalized Feed. `baseUrl` is the URL it
 * was fetched from, against which relative links resolve. Throws ParseError when the text is not a feed.
 */
export function parseFeed(text: string, baseUrl: string | null): Feed {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const kind = sniff(body);
  if (kind === 'empty') throw new ParseError('parse.empty', 'parse: the body is empty');
  if (kind === 'json') {
    const warnings: string[] = [];
    return finalizeFeed(parseJsonFeed(body, baseUrl, warnings), warnings, baseUrl);
  }
  if (kind === 'html') throw htmlPageError(body, baseUrl);
  return parseXmlFeed(body, baseUrl);
}

function parseXmlFeed(body: string, baseUrl: string | null): Feed {
  const cleaned = stripControlCharacters(body);
  const doc = parseXml(cleaned.text, baseUrl);
  const warnings = [...doc.warnings];
  if (cleaned.removed) warnings.push('control characters that XML forbids were removed');
  if (/^\s*[^<\s]/.test(cleaned.text)) warnings.push('junk before the XML declaration was ignored');
  if (!doc.root) throw new ParseError('parse.not-a-feed', 'parse: the body has no XML element at all');
  let root = doc.root;
  let format = detectXmlFormat(root);
  if (format === 'html') {
    // Some sites serve their feed wrapped in an XHTML page; browsers' feed readers find it there.
    const embedded = findEmbeddedFeed(root);
    if (!embedded) throw htmlPageError(body, baseUrl);
    warnings.push('the feed was found inside an HTML page');
    root = embedded;
    format = detectXmlFormat(root);
  }
  if (format === 'atom-entry') {
    warnings.push('the document is a single Atom entry, read as a feed of one');
    root = { ...root, local: 'feed', children: [root] };
    format = 'atom';
  }
  let draft: DraftFeed;
  switch (format) {
    case 'rss2':
      draft = parseRss(root);
      break;
    case 'rss1':
      draft = parseRdf(root);
      break;
    case 'atom':
      draft = parseAtom(root);
      break;
    case 'html':
      throw htmlPageError(body, baseUrl);
    case null:
      throw new ParseError(
        'parse.not-a-feed',
        `parse: the XML document is not a feed (its root element is <${doc.root.qname}>)`,
      );
  }
  return finalizeFeed(draft, warnings, baseUrl);
}

function findEmbeddedFeed(el: XmlElement): XmlElement | null {
  for (const node of el.children) {
    if (typeof node === 'string') continue;
    const format = detectXmlFormat(node);
    if (format === 'atom' || format === 'rss2' || format === 'rss1') return node;
    const deeper = findEmbeddedFeed(node);
    if (deeper) return deeper;
  }
  return null;
}

function htmlPageError(html: string, baseUrl: string | null): ParseError {
  const discovered = discoverFeeds(html, baseUrl).map((f) => f.url);
  const message =
    discovered.length > 0
      ? `parse: this is an HTML page, not a feed; it links to ${discovered.length === 1 ? 'this feed' : 'these feeds'}: ${discovered.join(', ')}`
      : 'parse: this is an HTML page, not a feed, and it links to no feed';
  return new ParseError('parse.html-page', message, { discovered });
}

/** Characters XML 1.0 §2.2 forbids (C0 controls but tab, LF, CR); publishers' CMSs let them through. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

function stripControlCharacters(text: string): { text: string; removed: boolean } {
  FORBIDDEN_CONTROLS.lastIndex = 0;
  if (!FORBIDDEN_CONTROLS.test(text)) return { text, removed: false };
  return { text: text.replace(FORBIDDEN_CONTROLS, ''), removed: true };
}
