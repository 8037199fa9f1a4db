import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { normalizeReference } from '../../model/takedown.js';
import { print } from '../output.js';
import { sendNotices } from './shared.js';
import type { WithContext } from './shared.js';
import { cliActor } from '../context.js';

/** `takedown counter-notice CN-…`: upholds or rejects a counter-notice. */
export function registerCounterNotice(takedown: Command, withContext: WithContext): void {
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
          cliActor(),
          options.reason,
        );
        print(`${decided.reference} ${decided.state}`);
        await sendNotices(ctx);
      }),
    );
}
