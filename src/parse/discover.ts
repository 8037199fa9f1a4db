import { Parser } from 'htmlparser2';
import { resolveUrl } from './xml/tree.js';

/** Media types that announce a feed in `<link rel="alternate">` (RSS Autodiscovery, Atom RFC 4287, JSON Feed §1). */
const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/feed+json',
  'application/json',
  'text/xml',
  'application/xml',
]);

export interface DiscoveredFeed {
  url: string;
  type: string;
  title: string | null;
}

/** The feeds an HTML page announces with `<link rel="alternate" type="...">`, in document order. */
export function discoverFeeds(html: string, pageUrl: string | null): DiscoveredFeed[] {
  const found: DiscoveredFeed[] = [];
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href) base = resolveUrl(attrs.href, pageUrl);
        if (name !== 'link' || !attrs.href) return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]!.trim();
        if (!rel.includes('alternate') || !FEED_TYPES.has(type)) return;
        const url = resolveUrl(attrs.href, base);
        if (!found.some((f) => f.url === url)) found.push({ url, type, title: attrs.title?.trim() || null });
      },
      onclosetag(name) {
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return found;
}
