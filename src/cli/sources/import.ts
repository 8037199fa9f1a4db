import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import type { RightsPolicy } from '../../model/source.js';
import { importOpml, readOpml } from '../../sources/index.js';
import { parsePolicy } from '../arguments.js';
import { print } from '../output.js';
import { startProgress } from '../progress.js';

/** `sources import FILE|URL`: every feed of an OPML file, those already subscribed skipped. */
export function registerImport(sources: Command, withContext: WithContext): void {
  sources
    .command('import')
    .description('subscribe to every feed in an OPML file (feeds already subscribed are skipped)')
    .argument('<file>', 'OPML file, or the http(s) address of one')
    .option(
      '--policy <policy>',
      'rights policy for the new sources: full, excerpt or link',
      parsePolicy,
      'full',
    )
    .action((file: string, options: { policy: RightsPolicy }) =>
      withContext(async (ctx) => {
        const opml = await readOpml(ctx.fetcher, file);
        let progress: ReturnType<typeof startProgress> | undefined;
        const { added, skipped } = await importOpml(
          ctx.store,
          opml,
          options.policy,
          new Date(),
          (step, total) => {
            progress ??= startProgress('importing', total);
            progress.step(
              step.added ? `added ${step.feedUrl}` : `already subscribed: ${step.feedUrl}`,
              false,
            );
          },
        );
        progress?.stop();
        print(
          `imported ${added} source(s) from ${file}; ${skipped} already subscribed. They are polled at the next poll.`,
        );
      }),
    );
}
