import { authorKeys, hostWithin, urlHostKey, urlKey } from './identity.js';
import type { Source } from './source.js';
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
  /** url rules: the article's address as identity compares it (see identity.ts's urlKey). */
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

/** What a rule is checked against: the entry's source, original URL and author, and the page's own canonical address once known. */
export interface RuleSubject {
  sourceId: number;
  url: string | null;
  author: string | null;
  canonicalUrl?: string | null;
}

/** Whether an active rule suppresses an entry. */
export function ruleMatches(rule: SuppressionRule, entry: RuleSubject): boolean {
  if (rule.revokedAt) return false;
  const hosts = [urlHostKey(entry.url), urlHostKey(entry.canonicalUrl ?? null)];
  const onDomain = hosts.some((host) => hostWithin(host, rule.domain));
  const onSite = (entry.sourceId === rule.sourceId && rule.sourceId !== null) || onDomain;
  switch (rule.kind) {
    case 'url':
      return (
        rule.urlKey !== null &&
        (urlKey(entry.url) === rule.urlKey || urlKey(entry.canonicalUrl ?? null) === rule.urlKey)
      );
    case 'domain':
      return onDomain;
    case 'source':
      return onSite;
    case 'author': {
      const wanted = authorKeys(rule.author);
      return onSite && wanted.length > 0 && authorKeys(entry.author).some((n) => wanted.includes(n));
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

/** The site a source speaks for: its site URL's host, else its feed's (as rules compare hosts). */
export function siteHost(source: Pick<Source, 'siteUrl' | 'feedUrl'>): string | null {
  return urlHostKey(source.siteUrl) ?? urlHostKey(source.feedUrl);
}

/** Whether an active rule removes a whole source: a rule for the source, or for its site's domain. */
export function removesSource(
  rule: SuppressionRule,
  source: Pick<Source, 'id' | 'siteUrl' | 'feedUrl'>,
): boolean {
  if (rule.revokedAt) return false;
  if (rule.kind === 'source') return rule.sourceId === source.id;
  return rule.kind === 'domain' && hostWithin(siteHost(source), rule.domain);
}
