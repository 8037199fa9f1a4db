import { authorKeys } from './authors.js';
import { parseHttpUrl, parseUrl } from './url.js';
/**
 * Takedown rules: what a granted request suppresses, now and in every later poll.
 *
 * url: one article, wherever it appears (any source), by its normalized URL;
 * author: an author's articles on a source, and on that source's site through any other feed;
 * source: everything from a source, and from its site (domain) through any other feed;
 * domain: everything whose original URL is on the domain or one of its subdomains.
 */
export type RuleKind = 'url' | 'author' | 'source' | 'domain';
export const RULE_KINDS: readonly RuleKind[] = ['url', 'author', 'source', 'domain'];

export interface SuppressionRule {
  id: number;
  kind: RuleKind;
  /** url rules: the normalized URL (see urlKey). */
  urlKey: string | null;
  /** source and author rules: the source. */
  sourceId: number | null;
  /** author rules: the author's name as stored on entries. */
  author: string | null;
  /** domain rules, and the site of source and author rules: a host without "www." (see hostKey). */
  domain: string | null;
  reason: string;
  /** Who decided: "operator NAME", "cli", "self-service verification". */
  actor: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  /** The takedown request the rule was granted for; null for rules made by hand. */
  requestId: number | null;
}

export type NewRule = Pick<
  SuppressionRule,
  'kind' | 'urlKey' | 'sourceId' | 'author' | 'domain' | 'reason' | 'actor'
> & { requestId?: number | null };

/** What is kept of a removed entry: enough to answer 410, to audit, and nothing of its content. */
export interface Tombstone {
  /** The removed entry's id: its article URL keeps answering 410 Gone. */
  entryId: number;
  sourceId: number;
  originalUrl: string | null;
  ruleId: number;
  removedAt: Date;
}

/** One line of the append-only audit log. */
export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  /** "rule.granted", "rule.revoked", ... */
  action: string;
  /** In words, for people. */
  detail: string;
}

/** Query parameters that only track a click, never choose the article. */
const TRACKING =
  /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|ref|ref_src|ref_url|source|cmpid|ncid|ito|_ga|_gl|spm|share|s_kwcid)$/i;

/**
 * The form of a URL under which the same article is recognised again: scheme, "www.", "amp."
 * and "m." host prefixes, AMP paths and parameters, tracking parameters, a trailing slash, the
 * fragment, default ports, and the order of the remaining parameters do not matter.
 * Null for what is not an http(s) URL.
 */
export function urlKey(value: string | null): string | null {
  if (!value) return null;
  const url = parseHttpUrl(value.trim());
  if (!url) return null;
  const host = hostKey(url.hostname)!;
  let path = url.pathname.replace(/\/{2,}/g, '/');
  path = path.replace(/\/amp\/?$/i, '/').replace(/\.amp(\.html?)?$/i, '$1');
  path = path.replace(/\/(index\.html?)?$/i, '');
  const params = [...url.searchParams]
    .filter(([k, v]) => !TRACKING.test(k) && !(k.toLowerCase() === 'amp' && (v === '' || v === '1')))
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return `${host}${url.port ? `:${url.port}` : ''}${path}${query}`;
}

/** A host as rules compare it: lower case, without "www.", "amp." or "m." in front. */
export function hostKey(host: string | null): string | null {
  if (!host) return null;
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.includes('://')) {
    const url = parseUrl(h);
    if (!url) return null;
    h = url.hostname;
  }
  return h.replace(/^(www\d?|amp|m)\./, '') || null;
}

/** The host key of a URL. */
export function urlHostKey(value: string | null): string | null {
  const url = value ? parseUrl(value) : null;
  return url ? hostKey(url.hostname) : null;
}

/** Whether `host` is `domain` or one of its subdomains. */
export function hostWithin(host: string | null, domain: string | null): boolean {
  if (!host || !domain) return false;
  return host === domain || host.endsWith(`.${domain}`);
}

/** Authors compare by their names as splitAuthors reads the byline, whatever the case and spacing. */
export function authorNames(author: string | null): string[] {
  return authorKeys(author);
}

/** What a rule is checked against: the entry's source, original URL and author. */
export interface RuleSubject {
  sourceId: number;
  url: string | null;
  author: string | null;
}

/** Whether an active rule suppresses an entry. */
export function ruleMatches(rule: SuppressionRule, entry: RuleSubject): boolean {
  if (rule.revokedAt) return false;
  const host = urlHostKey(entry.url);
  const onSite =
    (entry.sourceId === rule.sourceId && rule.sourceId !== null) || hostWithin(host, rule.domain);
  switch (rule.kind) {
    case 'url':
      return rule.urlKey !== null && urlKey(entry.url) === rule.urlKey;
    case 'domain':
      return hostWithin(host, rule.domain);
    case 'source':
      return onSite;
    case 'author': {
      const wanted = authorNames(rule.author);
      return onSite && wanted.length > 0 && authorNames(entry.author).some((n) => wanted.includes(n));
    }
  }
}

/** A rule's scope, in words: "https://x.example/a", "Ada Lovelace on source 3 (x.example)". */
export function describeRule(
  rule: Pick<SuppressionRule, 'kind' | 'urlKey' | 'sourceId' | 'author' | 'domain'>,
): string {
  const site = rule.domain ? ` (${rule.domain})` : '';
  switch (rule.kind) {
    case 'url':
      return `the article ${rule.urlKey ?? ''}`;
    case 'author':
      return `everything by ${rule.author ?? '?'} on source ${rule.sourceId ?? '?'}${site}`;
    case 'source':
      return `everything from source ${rule.sourceId ?? '?'}${site}`;
    case 'domain':
      return `everything from ${rule.domain ?? '?'}`;
  }
}

/** The domains a rule may name that cover a host: the host itself and each parent ("a.b.c" → "a.b.c", "b.c", "c"). */
export function coveringDomains(host: string | null): string[] {
  if (!host) return [];
  const labels = host.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

/** The first active rule, of those given, that suppresses the entry; null when none does. */
export function suppressingRule(
  rules: readonly SuppressionRule[],
  entry: RuleSubject,
): SuppressionRule | null {
  return rules.find((rule) => ruleMatches(rule, entry)) ?? null;
}
