import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { sourceDisplayName } from '../../model/source.js';
import { describeLastError, sourceState } from '../../sources/index.js';
import { print, relative, table } from '../output.js';

/** `sources list`: every source's health, a line each. */
export function registerList(sources: Command, withContext: WithContext): void {
  sources
    .command('list')
    .description('list sources with their status, last check and last error')
    .option('--json', 'print one JSON object per source, a line each')
    .action((options: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.sources.list();
        if (options.json) {
          for (const source of list) print(JSON.stringify(source));
          return;
        }
        if (list.length === 0) return print('no sources yet: add one with "courtesy sources add URL"');
        const now = new Date();
        print(
          table(
            ['ID', 'STATUS', 'POLICY', 'ENTRIES', 'PER DAY', 'LAST OK', 'NEXT', 'NAME', 'FEED', 'LAST ERROR'],
            list.map((s) => [
              String(s.id),
              sourceState(s),
              s.policy,
              String(s.entryCount),
              String(s.entriesPerDay),
              relative(s.lastSuccessAt, now),
              s.status === 'active' ? relative(s.nextCheckAt, now) : '-',
              sourceDisplayName(s),
              s.feedUrl,
              describeLastError(s),
            ]),
          ),
        );
      }),
    );
}
