import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { describeRule, hostKey, urlKey, type NewRule } from '../model/rights.js';
import { resolveUrls, siteHost } from '../takedown/scope.js';
import { describeScope, normalizeReference, type TakedownRequest } from '../model/takedown.js';
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
    .description('remove content now and in the future: requests, suppression rules and the audit log');
  const withContext = (fn: (ctx: AppContext) => Promise<void>) => withAppContext(global(), fn);

  takedown
    .command('list')
    .description('list takedown requests: those awaiting a decision, or all with --all')
    .option('--all', 'every request, decided or not')
    .option('--limit <n>', 'how many', parseCount, 100)
    .action((options: { all?: boolean; limit: number }) =>
      withContext(async (ctx) => {
        const requests = await ctx.store.takedowns.list({
          state: options.all ? undefined : 'received',
          limit: options.limit,
        });
        const counters = await ctx.store.takedowns.listCounterNotices({ state: 'received', limit: 100 });
        if (requests.length === 0) print(options.all ? 'no requests' : 'no request awaits a decision');
        else
          print(
            table(
              ['REFERENCE', 'FILED', 'STATE', 'FROM', 'ASKED', 'FIRST ADDRESS'],
              requests.map((r) => [
                r.reference,
                relative(r.createdAt),
                r.state,
                `${r.name} <${r.email}> (${r.capacity})`,
                describeScope(r),
                r.urls[0] ?? '',
              ]),
            ),
          );
        if (counters.length > 0) {
          print();
          print(`counter-notices awaiting a decision: ${counters.map((c) => c.reference).join(', ')}`);
        }
      }),
    );

  takedown
    .command('show')
    .description('show a request (or a counter-notice): its details, and what granting it would remove')
    .argument('<reference>', 'TD-... (or CN-... for a counter-notice)')
    .action((reference: string) =>
      withContext(async (ctx) => {
        const ref = normalizeReference(reference);
        if (ref.startsWith('CN-')) {
          const c = await ctx.store.takedowns.findCounterNoticeByReference(ref);
          if (!c) throw new UsageError('takedown.no-request', `there is no counter-notice ${ref}`);
          const r = await ctx.store.takedowns.get(c.requestId);
          print(
            details([
              ['counter-notice', c.reference],
              ['against', r?.reference ?? '?'],
              ['state', c.state],
              ['filed', c.createdAt.toISOString()],
              ['from', `${c.name} <${c.email}>`],
              ['address', c.address],
              ['explanation', c.explanation],
              ['signed', c.signature],
              [
                'decision',
                c.decidedAt ? `${c.state} by ${c.decidedBy ?? '?'}: ${c.decisionReason ?? ''}` : '-',
              ],
            ]),
          );
          return;
        }
        const r = await requestNamed(ctx, ref);
        print(
          details([
            ['request', r.reference],
            ['state', r.state],
            ['filed', r.createdAt.toISOString()],
            [
              'from',
              `${r.name} <${r.email}>, ${r.capacity === 'author' ? 'the author' : 'for the publishing site'}`,
            ],
            ['asks to remove', describeScope(r)],
            ['addresses', r.urls.join('\n')],
            ['message', r.message ?? '-'],
            ['signed', r.signature],
            [
              'decision',
              r.decidedAt ? `${r.state} by ${r.decidedBy ?? '?'}: ${r.decisionReason ?? ''}` : '-',
            ],
            ['rules', r.ruleIds.join(', ') || '-'],
            ['self-verification', r.scope === 'site' ? (r.lastVerifyResult ?? 'not tried') : '-'],
          ]),
        );
        if (r.state === 'received') {
          const scope = await ctx.takedowns.scopeOf(r, 20);
          print();
          print(
            `granting it makes: ${scope.rules.map(describeRule).join('; ') || 'nothing (its addresses name nothing)'}`,
          );
          print(
            `and removes ${scope.count} stored article(s) now${scope.entries.length ? ', among them:' : ''}`,
          );
          for (const e of scope.entries) print(`  ${e.id}  ${e.title ?? '(untitled)'}  ${e.url ?? ''}`);
        }
        for (const c of await ctx.store.takedowns.counterNoticesOf(r.id)) {
          print(`counter-notice ${c.reference} (${c.state}) from ${c.name} <${c.email}>`);
        }
      }),
    );

  takedown
    .command('grant')
    .description('grant a request: remove what it covers now, and keep it out of every later poll')
    .argument('<reference>', 'TD-...')
    .option('--reason <text>', 'a note for the record and the requester')
    .option(
      '--then <action>',
      'for a whole site: "pause" its sources (default), or keep them "link-only"',
      parseThen,
    )
    .option('--keep-sources', 'for a whole site: leave its sources as they are')
    .action(
      (
        reference: string,
        options: { reason?: string; then?: 'pause' | 'link-only'; keepSources?: boolean },
      ) =>
        withContext(async (ctx) => {
          const r = await requestNamed(ctx, normalizeReference(reference));
          const outcome = await ctx.takedowns.grant(
            r,
            'cli',
            options.reason ?? 'granted from the command line',
            options.keepSources ? 'nothing' : (options.then ?? 'pause'),
          );
          print(`${r.reference} granted: ${outcome.removed} article(s) removed`);
          for (const rule of outcome.rules) print(`  rule ${rule.id}: ${describeRule(rule)}`);
          await sendNotices(ctx);
        }),
    );

  takedown
    .command('reject')
    .description('reject a request; the requester is told the reason and how to appeal')
    .argument('<reference>', 'TD-...')
    .requiredOption('--reason <text>', 'why (sent to the requester)')
    .action((reference: string, options: { reason: string }) =>
      withContext(async (ctx) => {
        const r = await requestNamed(ctx, normalizeReference(reference));
        await ctx.takedowns.reject(r, 'cli', options.reason);
        print(`${r.reference} rejected`);
        await sendNotices(ctx);
      }),
    );

  takedown
    .command('verify')
    .description("check now whether a site-wide request's site serves its token, and grant it if so")
    .argument('<reference>', 'TD-...')
    .action((reference: string) =>
      withContext(async (ctx) => {
        const r = await requestNamed(ctx, normalizeReference(reference));
        const result = await ctx.takedowns.verify(r);
        print(result.message);
        if (result.detail) print(`what the check met: ${result.detail}`);
        if (result.outcome) print(`${r.reference} granted: ${result.outcome.removed} article(s) removed`);
        await sendNotices(ctx);
        if (!result.verified) process.exitCode = 1;
      }),
    );

  takedown
    .command('counter-notice')
    .description('decide a counter-notice: --uphold revokes the rules of its request, --reject keeps them')
    .argument('<reference>', 'CN-...')
    .option('--uphold', 'the removal was a mistake: revoke its rules')
    .option('--reject', 'the removal stands')
    .requiredOption('--reason <text>', 'why (sent to both parties)')
    .action((reference: string, options: { uphold?: boolean; reject?: boolean; reason: string }) =>
      withContext(async (ctx) => {
        if (Boolean(options.uphold) === Boolean(options.reject))
          throw new UsageError(
            'takedown.usage',
            'takedown counter-notice: give exactly one of --uphold and --reject',
          );
        const ref = normalizeReference(reference);
        const c = await ctx.store.takedowns.findCounterNoticeByReference(ref);
        if (!c) throw new UsageError('takedown.no-request', `there is no counter-notice ${ref}`);
        const decided = await ctx.takedowns.decideCounterNotice(
          c,
          options.uphold === true,
          'cli',
          options.reason,
        );
        print(`${decided.reference} ${decided.state}`);
        await sendNotices(ctx);
      }),
    );

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
  const domain = siteHost(source);
  if (options.author !== undefined) {
    if (options.author.trim() === '')
      throw new UsageError('takedown.usage', 'takedown suppress: --author is empty');
    return { ...base, kind: 'author', sourceId: source.id, author: options.author.trim(), domain };
  }
  return { ...base, kind: 'source', sourceId: source.id, domain };
}

/** An address on this site (/articles/ID/...) stands for the original URL of that article. */
async function originalUrl(ctx: AppContext, url: string): Promise<string> {
  if (!URL.canParse(url)) return url;
  const [resolved] = await resolveUrls(ctx.store, ctx.config.site.baseUrl, [url]);
  if (!resolved?.original) {
    throw new UsageError(
      'takedown.no-entry',
      `takedown suppress: ${resolved?.problem ?? `no article at ${url}`}`,
    );
  }
  return resolved.original;
}

async function requestNamed(ctx: AppContext, reference: string): Promise<TakedownRequest> {
  const r = await ctx.store.takedowns.findByReference(reference);
  if (!r) throw new UsageError('takedown.no-request', `there is no takedown request ${reference}`);
  return r;
}

/** Sends the notices a decision queued, when an SMTP server is configured; otherwise says where they wait. */
async function sendNotices(ctx: AppContext): Promise<void> {
  if (!ctx.outbox.enabled) {
    print('notices wait in the outbox: no [smtp] host is configured');
    return;
  }
  const sent = await ctx.outbox.flush();
  if (sent > 0) print(`${sent} notice(s) sent`);
}

function details(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows
    .map(([k, v]) => `${k.padEnd(width)}  ${v.split('\n').join(`\n${' '.repeat(width + 2)}`)}`)
    .join('\n');
}

function parseThen(value: string): 'pause' | 'link-only' {
  if (value !== 'pause' && value !== 'link-only')
    throw new InvalidArgumentError('must be "pause" or "link-only"');
  return value;
}
