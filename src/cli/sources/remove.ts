import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { removeSource } from '../../sources/index.js';
import { parseId } from '../arguments.js';
import { print } from '../output.js';

/** `sources remove ID`: unsubscribes, and deletes the source with all its entries. */
export function registerRemove(sources: Command, withContext: WithContext): void {
  sources
    .command('remove')
    .description('unsubscribe and delete the source with all its entries')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await removeSource(ctx.store, id);
        print(`removed source ${id} and its entries`);
      }),
    );
}
