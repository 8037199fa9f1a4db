import type { Command } from 'commander';
import { describeRule } from '../../model/rights.js';
import { manualRule } from '../../takedown/manual-rule.js';
import { parseId } from '../arguments.js';
import { print } from '../output.js';
import { parseThen } from './shared.js';
import type { WithContext } from './shared.js';
import { cliActor } from '../context.js';

interface SuppressOptions {
  url?: string;
  source?: number;
  author?: string;
  domain?: string;
  reason: string;
  then?: 'pause' | 'link-only';
}

/** `takedown suppress`: a rule made by hand, applied at once. */
export function registerSuppress(takedown: Command, withContext: WithContext): void {
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
        const rule = await manualRule(ctx.store, ctx.config.site.baseUrl, { ...options, actor: cliActor() });
        const {
          rule: granted,
          removed,
          copies,
        } = await ctx.store.rights.grant(rule, new Date(), {
          source: options.then,
        });
        print(
          `rule ${granted.id}: ${describeRule(granted)}; ${removed} entries removed${copies ? ` (${copies} of them copies of a removed text elsewhere)` : ''}`,
        );
        if (removed === 0) print('nothing stored matches it now; every later poll is checked against it');
      }),
    );
}
