import type { Command } from 'commander';
import { describeRule } from '../../model/rights.js';
import { normalizeReference } from '../../model/takedown.js';
import { print } from '../output.js';
import { parseThen, requestNamed, sendNotices } from './shared.js';
import type { WithContext } from './shared.js';
import { cliActor } from '../context.js';

/** `takedown grant TD-…`: grants a request; its rules remove the content now and keep it out. */
export function registerGrant(takedown: Command, withContext: WithContext): void {
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
    .option(
      '--even-if-nothing-now',
      'grant a request whose rules match no stored article: they keep its addresses out of later polls',
    )
    .action(
      (
        reference: string,
        options: {
          reason?: string;
          then?: 'pause' | 'link-only';
          keepSources?: boolean;
          evenIfNothingNow?: boolean;
        },
      ) =>
        withContext(async (ctx) => {
          const r = await requestNamed(ctx, normalizeReference(reference));
          const outcome = await ctx.takedowns.grant(
            r,
            cliActor(),
            options.reason ?? 'granted from the command line',
            options.keepSources ? 'nothing' : (options.then ?? 'pause'),
            new Date(),
            { evenIfNothingNow: options.evenIfNothingNow === true },
          );
          print(
            `${r.reference} granted: ${outcome.removed} article(s) removed${outcome.copies ? ` (${outcome.copies} of them copies of its text elsewhere)` : ''}`,
          );
          for (const rule of outcome.rules) print(`  rule ${rule.id}: ${describeRule(rule)}`);
          await sendNotices(ctx);
        }),
    );
}
