import type { Command } from 'commander';
import { parseCount } from '../arguments.js';
import { print, table } from '../output.js';
import type { WithContext } from './shared.js';

/** `takedown log`: the append-only audit log, newest first. */
export function registerLog(takedown: Command, withContext: WithContext): void {
  takedown
    .command('log')
    .description('print the audit log, newest first')
    .option('--limit <n>', 'how many lines', parseCount, 100)
    .action((options: { limit: number }) =>
      withContext(async (ctx) => {
        const lines = await ctx.store.rights.auditLog(options.limit);
        if (lines.length === 0) return print('the audit log is empty');
        print(
          table(
            ['WHEN', 'WHO', 'WHAT', 'DETAIL'],
            lines.map((l) => [l.at.toISOString(), l.actor, l.action, l.detail]),
          ),
        );
      }),
    );
}
