import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { CourtesyError } from '../../model/errors.js';
import { sourceDisplayName } from '../../model/source.js';
import { removeSource } from '../../sources/index.js';
import { parseId } from '../arguments.js';
import { confirmOrRefuse } from '../confirm.js';
import { print } from '../output.js';

/** `sources remove ID`: unsubscribes, and deletes the source with all its entries, once confirmed. */
export function registerRemove(sources: Command, withContext: WithContext): void {
  sources
    .command('remove')
    .description('unsubscribe and delete the source with all its entries (asks first, unless --yes)')
    .argument('<id>', 'source ID', parseId)
    .option('-y, --yes', 'remove without asking (for scripts)')
    .action((id: number, options: { yes?: boolean }) =>
      withContext(async (ctx) => {
        const source = await ctx.store.sources.get(id);
        if (!source) throw new CourtesyError('store.not-found', `there is no source ${id}`);
        const articles = await ctx.store.entries.count(id);
        const what = `source ${id} (${sourceDisplayName(source)}) and its ${articles} article(s) go from every page of the site`;
        if (!(await confirmOrRefuse(what, { yes: Boolean(options.yes), command: 'sources remove' }))) {
          print('nothing removed');
          return;
        }
        await removeSource(ctx.store, id);
        print(`removed source ${id} (${sourceDisplayName(source)}) and its ${articles} article(s)`);
      }),
    );
}
