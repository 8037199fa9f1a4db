import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { pauseSource, resumeSource } from '../../sources/index.js';
import { parseId } from '../arguments.js';
import { print } from '../output.js';

/** `sources pause ID` and `sources resume ID`. */
export function registerPause(sources: Command, withContext: WithContext): void {
  sources
    .command('pause')
    .description('stop polling a source (its articles stay on the site)')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await pauseSource(ctx.store, id);
        print(`paused source ${id}`);
      }),
    );

  sources
    .command('resume')
    .description('poll a paused or disabled source again, starting now')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await resumeSource(ctx.store, id, new Date());
        print(`resumed source ${id}`);
      }),
    );
}
