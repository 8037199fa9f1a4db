/** Namespace URIs that feeds use, by the prefix publishers conventionally give them. */
export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rss1: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  media: 'http://search.yahoo.com/mrss/',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  sy: 'http://purl.org/rss/1.0/modules/syndication/',
  xhtml: 'http://www.w3.org/1999/xhtml',
  xml: 'http://www.w3.org/XML/1998/namespace',
  feedburner: 'http://rssnamespace.org/feedburner/ext/1.0',
} as const;

/**
 * Prefixes that real feeds use without declaring them (a namespace error that browsers and
 * feedparser forgive). An undeclared prefix found here is read as its usual namespace.
 */
export const WELL_KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  atom: NS.atom,
  atom10: NS.atom,
  rdf: NS.rdf,
  content: NS.content,
  dc: NS.dc,
  dcterms: NS.dcterms,
  media: NS.media,
  itunes: NS.itunes,
  sy: NS.sy,
  xhtml: NS.xhtml,
  xml: NS.xml,
  feedburner: NS.feedburner,
};

/**
 * Namespace URIs as publishers misspell them (a trailing slash missing, https, capitals), and the
 * namespaces that stand for no namespace at all. Keys are lower case: a URI is looked up in lower
 * case, since publishers also vary the case of these well-known addresses.
 */
const ALIASES: Readonly<Record<string, string>> = {
  'http://search.yahoo.com/mrss': NS.media,
  'https://search.yahoo.com/mrss/': NS.media,
  'http://purl.org/dc/elements/1.1': NS.dc,
  'https://purl.org/dc/elements/1.1/': NS.dc,
  'http://www.w3.org/2005/atom': NS.atom,
  'http://www.itunes.com/dtds/podcast-1.0.dtd': NS.itunes,
  'https://www.itunes.com/dtds/podcast-1.0.dtd': NS.itunes,
  'http://purl.org/rss/1.0/modules/content': NS.content,
  // RSS 0.90 under the address Netscape also used.
  'http://channel.netscape.com/rdf/simple/0.9/': NS.rss090,
  // RSS 2.0 has no namespace, but UserLand's tools gave it one, and some feeds declare it as the
  // default: their elements are RSS 2.0's all the same.
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss2/': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://blogs.law.harvard.edu/tech/rss/': '',
};

export function canonicalNamespace(uri: string): string {
  return ALIASES[uri] ?? ALIASES[uri.toLowerCase()] ?? uri;
}
