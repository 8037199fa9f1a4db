import type { Command } from 'commander';
import { normalizeReference } from '../../model/takedown.js';
import { print } from '../output.js';
import { requestNamed, sendNotices } from './shared.js';
import type { WithContext } from './shared.js';
import { cliActor } from '../context.js';

/** `takedown reject TD-… --reason`: rejects a request; the requester is told why. */
export function registerReject(takedown: Command, withContext: WithContext): void {
  takedown
    .command('reject')
    .description('reject a request; the requester is told the reason and how to appeal')
    .argument('<reference>', 'TD-...')
    .requiredOption('--reason <text>', 'why (sent to the requester)')
    .action((reference: string, options: { reason: string }) =>
      withContext(async (ctx) => {
        const r = await requestNamed(ctx, normalizeReference(reference));
        await ctx.takedowns.reject(r, cliActor(), options.reason);
        print(`${r.reference} rejected`);
        await sendNotices(ctx);
      }),
    );
}
