import type { Command } from 'commander';
import { normalizeReference } from '../../model/takedown.js';
import { print } from '../output.js';
import { requestNamed, sendNotices } from './shared.js';
import type { WithContext } from './shared.js';

/** `takedown verify TD-…`: checks a publisher's self-verification now. */
export function registerVerify(takedown: Command, withContext: WithContext): void {
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
}
