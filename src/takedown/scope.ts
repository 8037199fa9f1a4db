import { urlHostKey, urlKey, type NewRule } from '../model/rights.js';
import type { Source } from '../model/source.js';
import type { TakedownRequest } from '../model/takedown.js';
import type { Store } from '../store/index.js';

/** One address of a request, traced to the original article it stands for. */
export interface ResolvedUrl {
  given: string;
  /** The original URL: the address itself, or the original of an article on this site. */
  original: string | null;
  /** Why it could not be traced (an article of this site that does not exist). */
  problem: string | null;
}

/**
 * An address on this site (/articles/ID/...) stands for the original of that article, also when it
 * was already removed (its tombstone keeps the original URL); any other address is an original.
 */
export async function resolveUrls(
  store: Store,
  baseUrl: string,
  urls: readonly string[],
): Promise<ResolvedUrl[]> {
  const own = new URL(baseUrl).host;
  const out: ResolvedUrl[] = [];
  for (const given of urls) {
    const parsed = new URL(given);
    const match = /^\/articles\/(\d+)(?:\/|$)/.exec(parsed.pathname);
    if (parsed.host !== own) {
      out.push({ given, original: given, problem: null });
      continue;
    }
    const id = match ? Number(match[1]) : NaN;
    const entry = Number.isSafeInteger(id) ? await store.entries.get(id) : null;
    const original = entry
      ? entry.url
      : (Number.isSafeInteger(id) ? await store.rights.tombstone(id) : null)?.originalUrl;
    out.push(
      original
        ? { given, original, problem: null }
        : {
            given,
            original: null,
            problem: match
              ? `There is no article at ${given} on this site; please give the address of the original instead.`
              : `${given} is a page of this site, not an article; please give the address of the article.`,
          },
    );
  }
  return out;
}

/** The site a site-wide request is about: the one host every original shares, or null when they differ. */
export function requestSite(originals: readonly string[]): string | null {
  const hosts = new Set(originals.map((u) => urlHostKey(u)));
  if (hosts.size !== 1) return null;
  return [...hosts][0] ?? null;
}

/** The rules a request asks for, without the actor (the decision sets it). */
export async function rulesFor(
  store: Store,
  baseUrl: string,
  request: Pick<TakedownRequest, 'scope' | 'urls' | 'author' | 'reference'>,
): Promise<NewRule[]> {
  const resolved = await resolveUrls(store, baseUrl, request.urls);
  const originals = resolved.flatMap((r) => (r.original ? [r.original] : []));
  const base = {
    reason: `takedown request ${request.reference}`,
    actor: '',
    urlKey: null,
    sourceId: null,
    author: null,
    domain: null,
  };
  switch (request.scope) {
    case 'article': {
      const keys = [...new Set(originals.map(urlKey).filter((k): k is string => k !== null))];
      return keys.map((key) => ({ ...base, kind: 'url' as const, urlKey: key }));
    }
    case 'author': {
      const author = request.author ?? '';
      const sources = await sourcesOf(store, originals);
      if (sources.length > 0) {
        return sources.map((s) => ({
          ...base,
          kind: 'author' as const,
          sourceId: s.id,
          author,
          domain: siteHost(s),
        }));
      }
      // No source carries these articles (yet): the author on the site their addresses name.
      const hosts = [...new Set(originals.map(urlHostKey).filter((h): h is string => h !== null))];
      return hosts.map((domain) => ({ ...base, kind: 'author' as const, author, domain }));
    }
    case 'site': {
      const domain = requestSite(originals);
      if (!domain) return [];
      const onSite = (await store.sources.list()).filter((s) => {
        const host = siteHost(s);
        return host !== null && (host === domain || host.endsWith(`.${domain}`));
      });
      // A source rule per source of the site (so that the source can be paused or kept as links),
      // and the domain rule that catches the site's articles in any other feed.
      return [
        ...onSite.map((s) => ({ ...base, kind: 'source' as const, sourceId: s.id, domain: siteHost(s) })),
        { ...base, kind: 'domain' as const, domain },
      ];
    }
  }
}

/** The sources that carry the articles at these original addresses. */
async function sourcesOf(store: Store, originals: readonly string[]): Promise<Source[]> {
  const ids = new Set<number>();
  for (const url of originals) {
    const key = urlKey(url);
    if (!key) continue;
    const found = await store.rights.preview(
      [{ kind: 'url', urlKey: key, sourceId: null, author: null, domain: null, reason: '', actor: '' }],
      20,
    );
    for (const e of found.entries) ids.add(e.sourceId);
  }
  return [...(await store.sources.getMany([...ids])).values()];
}

/** The site a source speaks for: its site URL's host, else its feed's. */
export function siteHost(source: Pick<Source, 'siteUrl' | 'feedUrl'>): string | null {
  return urlHostKey(source.siteUrl) ?? urlHostKey(source.feedUrl);
}
