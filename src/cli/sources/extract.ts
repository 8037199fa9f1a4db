import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { CourtesyError } from '../../model/errors.js';
import { RECENT_EXTRACTIONS, requireSource } from '../../sources/index.js';
import { parseCount, parseId } from '../arguments.js';
import { print } from '../output.js';
import { drainFullText } from '../progress.js';

/** `sources extract ID`: fetches and extracts a full-text source's newest pages again, now. */
export function registerExtract(sources: Command, withContext: WithContext): void {
  sources
    .command('extract')
    .description(
      "fetch and extract the original pages of a full-text source's newest entries again, now (after changing its rules)",
    )
    .argument('<id>', 'source ID', parseId)
    .option('--limit <n>', 'how many of the newest entries', parseCount, RECENT_EXTRACTIONS)
    .addHelpText('after', '\nExit status: 1 when the source is not a full-text source or does not exist.')
    .action((id: number, options: { limit: number }) =>
      withContext(async (ctx) => {
        const source = await requireSource(ctx.store, id);
        if (!source.fullText) {
          throw new CourtesyError(
            'sources.not-full-text',
            `source ${id} is not a full-text source ("courtesy sources set ${id} --full-text" makes it one)`,
          );
        }
        const queued = await ctx.store.extractions.requeue(id, options.limit, new Date());
        const { extracted } = await drainFullText(ctx.fullText, 'extracting', queued);
        print(
          `source ${id}: ${extracted} of ${queued} pages extracted; "courtesy sources show ${id}" lists the rest`,
        );
      }),
    );
}
