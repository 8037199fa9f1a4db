import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import type { RightsPolicy } from '../../model/source.js';
import { importOpml, readOpml, type ImportStep } from '../../sources/index.js';
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
    .option('--no-sections', 'do not make the file’s folders the sections of the new sources')
    .action((file: string, options: { policy: RightsPolicy; sections: boolean }) =>
      withContext(async (ctx) => {
        const opml = await readOpml(ctx.fetcher, file);
        let progress: ReturnType<typeof startProgress> | undefined;
        const steps = await importOpml(
          ctx.store,
          opml,
          { policy: options.policy, sectionsFromFolders: options.sections },
          new Date(),
          (step, total) => {
            progress ??= startProgress('importing', total);
            const where = step.section ? ` (section ${step.section})` : '';
            progress.step(
              step.kind === 'added'
                ? `added ${step.feedUrl}${where}`
                : step.kind === 'known'
                  ? `already subscribed: ${step.feedUrl}`
                  : `refused: ${step.problem}`,
              step.kind === 'refused',
            );
          },
        );
        progress?.stop();
        const count = (kind: ImportStep['kind']) => steps.filter((s) => s.kind === kind).length;
        const refused = count('refused');
        print(
          `imported ${count('added')} source(s) from ${file}; ${count('known')} already subscribed` +
            `${refused ? `; ${refused} refused` : ''}. They are polled at the next poll.`,
        );
      }),
    );
}
