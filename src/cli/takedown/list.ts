import type { Command } from 'commander';
import { describeScope } from '../../model/takedown.js';
import { parseCount } from '../arguments.js';
import { print, relative, table } from '../output.js';
import type { WithContext } from './shared.js';

/** `takedown list`: the requests awaiting a decision (all with --all), and counter-notices. */
export function registerList(takedown: Command, withContext: WithContext): void {
  takedown
    .command('list')
    .description('list takedown requests: those awaiting a decision, or all with --all')
    .option('--all', 'every request, decided or not')
    .option('--limit <n>', 'how many', parseCount, 100)
    .action((options: { all?: boolean; limit: number }) =>
      withContext(async (ctx) => {
        const requests = await ctx.store.takedowns.list({
          state: options.all ? undefined : 'received',
          limit: options.limit,
        });
        const counters = await ctx.store.takedowns.listCounterNotices({ state: 'received', limit: 100 });
        if (requests.length === 0) print(options.all ? 'no requests' : 'no request awaits a decision');
        else
          print(
            table(
              ['REFERENCE', 'FILED', 'STATE', 'FROM', 'ASKED', 'FIRST ADDRESS'],
              requests.map((r) => [
                r.reference,
                relative(r.createdAt),
                r.state,
                `${r.name} <${r.email}> (${r.capacity})`,
                describeScope(r),
                r.urls[0] ?? '',
              ]),
            ),
          );
        if (counters.length > 0) {
          print();
          print(`counter-notices awaiting a decision: ${counters.map((c) => c.reference).join(', ')}`);
        }
      }),
    );
}
