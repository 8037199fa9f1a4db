import { UsageError } from '../model/errors.js';
import { hostKey, urlKey } from '../model/identity.js';
import { siteHost, type NewRule } from '../model/rights.js';
import type { Store } from '../store/index.js';
import { resolveUrls } from './scope.js';

/** A rule made by hand: exactly one of an address, a source (with an author, or whole) or a domain. */
export interface ManualRule {
  url?: string;
  source?: number;
  author?: string;
  domain?: string;
  reason: string;
  /** Who makes it, for the audit log. */
  actor: string;
  /** For a whole source: pause it, or keep it as link-only. */
  then?: 'pause' | 'link-only';
}

/** The rule that the options describe; a URL on this site names its entry's original. */
export async function manualRule(store: Store, baseUrl: string, options: ManualRule): Promise<NewRule> {
  const base = {
    reason: options.reason,
    actor: options.actor,
    urlKey: null,
    sourceId: null,
    author: null,
    domain: null,
  };
  const chosen = [options.url, options.source ?? options.author, options.domain].filter(
    (o) => o !== undefined,
  );
  if (chosen.length !== 1) {
    throw new UsageError(
      'takedown.usage',
      'takedown suppress: give exactly one of --url, --source (with --author for one author), or --domain',
    );
  }
  if (options.then && (options.source === undefined || options.author !== undefined)) {
    throw new UsageError('takedown.usage', 'takedown suppress: --then applies to a whole source only');
  }
  if (options.url !== undefined) {
    const original = await originalUrl(store, baseUrl, options.url);
    const key = urlKey(original);
    if (!key)
      throw new UsageError('takedown.bad-url', `takedown suppress: "${options.url}" is not an http(s) URL`);
    return { ...base, kind: 'url', urlKey: key };
  }
  if (options.domain !== undefined) {
    const domain = hostKey(options.domain);
    if (!domain || !/^[a-z0-9.-]+\.[a-z0-9-]+$/i.test(domain)) {
      throw new UsageError(
        'takedown.bad-domain',
        `takedown suppress: "${options.domain}" is not a domain name`,
      );
    }
    return { ...base, kind: 'domain', domain };
  }
  if (options.source === undefined) {
    throw new UsageError('takedown.usage', 'takedown suppress: --author needs --source');
  }
  const source = await store.sources.get(options.source);
  if (!source) throw new UsageError('takedown.no-source', `there is no source ${options.source}`);
  const domain = siteHost(source);
  if (options.author !== undefined) {
    if (options.author.trim() === '')
      throw new UsageError('takedown.usage', 'takedown suppress: --author is empty');
    return { ...base, kind: 'author', sourceId: source.id, author: options.author.trim(), domain };
  }
  return { ...base, kind: 'source', sourceId: source.id, domain };
}

/** An address on this site (/articles/ID/...) stands for the original URL of that article. */
async function originalUrl(store: Store, baseUrl: string, url: string): Promise<string> {
  if (!URL.canParse(url)) return url;
  const [resolved] = await resolveUrls(store, baseUrl, [url]);
  if (!resolved?.original) {
    throw new UsageError(
      'takedown.no-entry',
      `takedown suppress: ${resolved?.problem ?? `no article at ${url}`}`,
    );
  }
  return resolved.original;
}
