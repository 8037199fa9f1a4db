import type { XmlElement } from './xml/tree.js';
import { NS } from './xml/namespaces.js';

export type DetectedKind = 'json' | 'xml' | 'html' | 'empty';

/** What a body looks like from its first significant character; junk before `<` is tolerated. */
export function sniff(text: string): DetectedKind {
  const start = text.search(/\S/);
  if (start < 0) return 'empty';
  const first = text[start];
  if (first === '{' || first === '[') return 'json';
  if (/^<!doctype\s+html|^<html[\s>]/i.test(text.slice(start, start + 200))) return 'html';
  return 'xml';
}

export type XmlFormat = 'rss2' | 'rss1' | 'atom' | 'atom-entry' | 'html' | null;

/** The feed family of an XML document, by its root element: never by URL or content type. */
export function detectXmlFormat(root: XmlElement): XmlFormat {
  if (root.local === 'rss') return 'rss2';
  if (root.local === 'rdf' && (root.ns === NS.rdf || root.qname.includes(':'))) return 'rss1';
  if (root.local === 'feed') return 'atom';
  if (root.local === 'entry' && (root.ns === NS.atom || root.ns === NS.atom03)) return 'atom-entry';
  if (root.local === 'html') return 'html';
  // RSS 0.91 from Netscape had no <rss> wrapper in a few old exports: a bare channel.
  if (root.local === 'channel') return 'rss2';
  return null;
}
