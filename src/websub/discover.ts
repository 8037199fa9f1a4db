import LinkHeader from 'http-link-header';
import { parseHttpUrl } from '../model/url.js';

/** Where a feed's content can be pushed from: the hubs, and the topic to subscribe to. */
export interface PushLinks {
  hubs: string[];
  topic: string;
}

/**
 * The hubs and topic a fetched feed announces (WebSub §4): HTTP Link headers first, then the
 * links in the document (`atom:link`, JSON Feed `hubs`); the topic is rel="self", else the URL
 * the feed was fetched from. Only http(s) hubs count. Null when no hub is named.
 */
export function discoverPush(
  document: { hubs: readonly string[]; self: string | null },
  linkHeader: string | null,
  fetchedUrl: string,
): PushLinks | null {
  const header = parseLinkHeader(linkHeader, fetchedUrl);
  const hubs = [...new Set([...header.hubs, ...document.hubs].flatMap((h) => httpUrl(h, fetchedUrl)))];
  if (hubs.length === 0) return null;
  const topic = httpUrl(header.self ?? document.self ?? fetchedUrl, fetchedUrl)[0] ?? fetchedUrl;
  return { hubs, topic };
}

function parseLinkHeader(value: string | null, base: string): { hubs: string[]; self: string | null } {
  if (!value) return { hubs: [], self: null };
  let links: LinkHeader;
  try {
    links = LinkHeader.parse(value);
  } catch {
    return { hubs: [], self: null };
  }
  const withRel = (rel: string) =>
    links.refs
      .filter((r) => r.rel.toLowerCase().split(/\s+/).includes(rel))
      .flatMap((r) => httpUrl(r.uri, base));
  return { hubs: withRel('hub'), self: withRel('self')[0] ?? null };
}

function httpUrl(value: string, base: string): string[] {
  const url = parseHttpUrl(value.trim(), base);
  return url ? [url.href] : [];
}
