import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { describeRule, hostKey, urlHostKey, urlKey, type NewRule } from '../model/rights.js';
import { parseCount, parseId } from './arguments.js';
import { withAppContext, type AppContext, type GlobalOptions } from './context.js';
import { print, relative, table } from './output.js';

interface SuppressOptions {
  url?: string;
  source?: number;
  author?: string;
  domain?: string;
  reason: string;
  then?: 'pause' | 'link-only';
}

/** `courtesy takedown`: suppression rules from the command line, and the audit log. */
export function registerTakedown(program: Command, global: () => GlobalOptions): void {
  const takedown = program
    .command('takedown')
    .description('remove content now and in the future: suppression rules and the audit log');
  const withContext = (fn: (ctx: AppContext) => Promise<void>) => withAppContext(global(), fn);

  takedown
    .command('suppress')
    .description(
      'remove content at once and keep it out of every later poll: one article (--url), an author on a source (--source and --author), a whole source and its site (--source), or a domain (--domain)',
    )
    .option('--url <url>', "the article's original URL, or its address on this site")
    .option('--source <id>', 'the source', parseId)
    .option('--author <name>', "the author's name as the articles give it (with --source)")
    .option('--domain <host>', 'a domain: everything whose original URL is on it or its subdomains')
    .requiredOption('--reason <text>', 'why, for the audit log (for example the request reference)')
    .option('--then <action>', 'for a whole source: "pause" it, or keep it as "link-only"', parseThen)
    .action((options: SuppressOptions) =>
      withContext(async (ctx) => {
        const rule = await ruleFrom(ctx, options);
        const { rule: granted, removed } = await ctx.store.rights.grant(rule, new Date(), {
          source: options.then,
        });
        print(`rule ${granted.id}: ${describeRule(granted)}; ${removed} entries removed`);
        if (removed === 0) print('nothing stored matches it now; every later poll is checked against it');
      }),
    );

  takedown
    .command('rules')
    .description('list the suppression rules in force (with --all, the revoked ones too)')
    .option('--all', 'include revoked rules')
    .action((options: { all?: boolean }) =>
      withContext(async (ctx) => {
        const rules = await ctx.store.rights.listRules({ includeRevoked: options.all });
        if (rules.length === 0) return print(options.all ? 'no rules' : 'no rules in force');
        print(
          table(
            ['ID', 'KIND', 'SCOPE', 'REMOVED', 'GRANTED', 'BY', 'STATE', 'REASON'],
            rules.map((r) => [
              String(r.id),
              r.kind,
              describeRule(r),
              String(r.removed),
              relative(r.createdAt),
              r.actor,
              r.revokedAt ? `revoked ${relative(r.revokedAt)}: ${r.revokeReason ?? ''}` : 'in force',
              r.reason,
            ]),
          ),
        );
      }),
    );

  takedown
    .command('revoke')
    .description('revoke a rule (after a counter-notice, or a mistake); what it removed stays removed')
    .argument('<rule>', 'rule ID', parseId)
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action((id: number, options: { reason: string }) =>
      withContext(async (ctx) => {
        const rule = await ctx.store.rights.revoke(id, options.reason, 'cli', new Date());
        if (!rule) {
          const exists = await ctx.store.rights.getRule(id);
          throw new UsageError(
            'takedown.no-rule',
            exists ? `rule ${id} is already revoked` : `there is no rule ${id}`,
          );
        }
        print(`rule ${id} revoked: ${describeRule(rule)}; later polls may bring its content back`);
      }),
    );

  takedown
    .command('log')
    .description('print the audit log, newest first')
    .option('--limit <n>', 'how many lines', parseCount, 100)
    .action((options: { limit: number }) =>
      withContext(async (ctx) => {
        const lines = await ctx.store.rights.auditLog(options.limit);
        if (lines.length === 0) return print('the audit log is empty');
        print(
          table(
            ['WHEN', 'WHO', 'WHAT', 'DETAIL'],
            lines.map((l) => [l.at.toISOString(), l.actor, l.action, l.detail]),
          ),
        );
      }),
    );
}

/** The rule that the options describe; a URL on this site names its entry's original. */
async function ruleFrom(ctx: AppContext, options: SuppressOptions): Promise<NewRule> {
  const base = {
    reason: options.reason,
    actor: 'cli',
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
    const original = await originalUrl(ctx, options.url);
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
  const source = await ctx.store.sources.get(options.source);
  if (!source) throw new UsageError('takedown.no-source', `there is no source ${options.source}`);
  const domain = urlHostKey(source.siteUrl) ?? urlHostKey(source.feedUrl);
  if (options.author !== undefined) {
    if (options.author.trim() === '')
      throw new UsageError('takedown.usage', 'takedown suppress: --author is empty');
    return { ...base, kind: 'author', sourceId: source.id, author: options.author.trim(), domain };
  }
  return { ...base, kind: 'source', sourceId: source.id, domain };
}

/** An address on this site (/articles/ID/...) stands for the original URL of that article. */
async function originalUrl(ctx: AppContext, url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const own = new URL(ctx.config.site.baseUrl);
  const match = /^\/articles\/(\d+)(?:\/|$)/.exec(parsed.pathname);
  if (parsed.host !== own.host || !match) return url;
  const entry = await ctx.store.entries.get(Number(match[1]));
  if (!entry?.url) {
    throw new UsageError(
      'takedown.no-entry',
      `takedown suppress: there is no article at ${url} on this site`,
    );
  }
  return entry.url;
}

function parseThen(value: string): 'pause' | 'link-only' {
  if (value !== 'pause' && value !== 'link-only')
    throw new InvalidArgumentError('must be "pause" or "link-only"');
  return value;
}
