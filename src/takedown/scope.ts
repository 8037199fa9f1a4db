import { hostWithin, urlHostKey, urlKey } from '../model/identity.js';
import { siteHost, type NewRule } from '../model/rights.js';
import type { ResolvedScope, TakedownRequest } from '../model/takedown.js';
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

/**
 * What a request's addresses stand for on this site now: the originals, and the stored articles at
 * those addresses with their source and author as stored. Kept with the request when it is filed.
 */
export async function resolveScope(
  store: Store,
  baseUrl: string,
  urls: readonly string[],
): Promise<{ resolved: ResolvedUrl[]; scope: ResolvedScope }> {
  const resolved = await resolveUrls(store, baseUrl, urls);
  const addresses = resolved.flatMap((r) => (r.original ? [{ given: r.given, original: r.original }] : []));
  const articles = new Map<number, ResolvedScope['articles'][number]>();
  for (const { original } of addresses) {
    const key = urlKey(original);
    if (!key) continue;
    const found = await store.rights.preview([{ ...NO_RULE, kind: 'url', urlKey: key }], 20, {
      copies: false,
    });
    for (const e of found.entries)
      articles.set(e.id, { entryId: e.id, sourceId: e.sourceId, author: e.author });
  }
  return { resolved, scope: { site: baseUrl, addresses, articles: [...articles.values()] } };
}

const NO_RULE = { urlKey: null, sourceId: null, author: null, domain: null, reason: '', actor: '' };

/** The scope a request's rules are made from: the one kept when it was filed, else resolved now. */
export async function scopeOfRequest(
  store: Store,
  baseUrl: string,
  request: Pick<TakedownRequest, 'urls' | 'resolved'>,
): Promise<ResolvedScope> {
  return request.resolved ?? (await resolveScope(store, baseUrl, request.urls)).scope;
}

/**
 * The rules a request asks for, without the actor (the decision sets it). Every address the
 * request names is a rule of its own, whatever the scope, so that the article it names stays out
 * under any byline or source; the scope adds the author's or the site's rules.
 */
export async function rulesFor(
  store: Store,
  scope: ResolvedScope,
  request: Pick<TakedownRequest, 'scope' | 'author' | 'reference'>,
): Promise<NewRule[]> {
  const originals = scope.addresses.map((a) => a.original);
  const base = { ...NO_RULE, reason: `takedown request ${request.reference}` };
  const keys = [...new Set(originals.map(urlKey).filter((k): k is string => k !== null))];
  const addressRules = keys.map((key) => ({ ...base, kind: 'url' as const, urlKey: key }));
  switch (request.scope) {
    case 'article':
      return addressRules;
    case 'author': {
      const author = request.author ?? '';
      const sourceIds = [...new Set(scope.articles.map((a) => a.sourceId))];
      const sources = [...(await store.sources.getMany(sourceIds)).values()];
      if (sources.length > 0) {
        return [
          ...addressRules,
          ...sources.map((s) => ({
            ...base,
            kind: 'author' as const,
            sourceId: s.id,
            author,
            domain: siteHost(s),
          })),
        ];
      }
      // No source carries these articles (yet): the author on the site their addresses name.
      const hosts = [...new Set(originals.map(urlHostKey).filter((h): h is string => h !== null))];
      return [
        ...addressRules,
        ...hosts.map((domain) => ({ ...base, kind: 'author' as const, author, domain })),
      ];
    }
    case 'site': {
      const domain = requestSite(originals);
      if (!domain) return addressRules;
      const onSite = (await store.sources.list()).filter((s) => hostWithin(siteHost(s), domain));
      // A source rule per source of the site (so that the source can be paused or kept as links),
      // and the domain rule that catches the site's articles in any other feed.
      return [
        ...addressRules,
        ...onSite.map((s) => ({ ...base, kind: 'source' as const, sourceId: s.id, domain: siteHost(s) })),
        { ...base, kind: 'domain' as const, domain },
      ];
    }
  }
}

/** A resolved scope in words, for the operator and the audit log. */
export function describeResolved(scope: ResolvedScope): string {
  const addresses = scope.addresses
    .map((a) => (a.given === a.original ? a.original : `${a.given} (the original ${a.original})`))
    .join(', ');
  const authors = [...new Set(scope.articles.map((a) => a.author).filter((a): a is string => !!a))];
  const sources = [...new Set(scope.articles.map((a) => a.sourceId))];
  const found =
    scope.articles.length === 0
      ? 'no stored article at these addresses'
      : `${scope.articles.length} stored article(s) there, from source(s) ${sources.join(', ')}${
          authors.length ? `, by ${authors.join('; ')}` : ''
        }`;
  return `filed at ${scope.site}; ${addresses || 'no address'}; ${found}`;
}
