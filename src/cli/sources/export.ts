import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { renderOpml } from '../../sources/index.js';

/** `sources export`: every source as OPML 2.0. */
export function registerExport(sources: Command, withContext: WithContext): void {
  sources
    .command('export')
    .description('print every source as OPML 2.0')
    .action(() =>
      withContext(async (ctx) => {
        process.stdout.write(
          renderOpml(await ctx.store.sources.list(), `${ctx.config.site.name} sources`, new Date()),
        );
      }),
    );
}
