import type { Command } from 'commander';
import { pollSources, startPoller, type RefreshOutcome } from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { seedConfiguredSources } from '../sources/index.js';
import { parseId } from './arguments.js';
import { configFrom, openContext, type GlobalOptions } from './context.js';
import { print } from './output.js';

interface PollOptions {
  once?: boolean;
  all?: boolean;
  source?: number;
}

export function registerPoll(program: Command, global: () => GlobalOptions): void {
  program
    .command('poll')
    .description('poll the sources that are due now (or all of them, or one), and keep polling unless --once')
    .option('--once', 'poll once, then exit')
    .option('--all', 'poll every active source, due or not')
    .option('--source <id>', 'poll this source only (even if paused or disabled)', parseId)
    .addHelpText(
      'after',
      '\nExit status: 0 when the poll ran (failures are recorded on each source); 1 when --source names a source that failed or does not exist.',
    )
    .action(async (options: PollOptions) => {
      if (options.all && options.source !== undefined) {
        process.stderr.write('courtesy poll: --all and --source cannot be used together\n');
        process.exitCode = 2;
        return;
      }
      const ctx = await openContext(configFrom(global()), createLogger(process.env.LOG_LEVEL ?? 'warn'));
      try {
        await seedConfiguredSources(ctx.store, ctx.config, new Date());
        if (!options.once) {
          const stop = startPoller(ctx);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await stop();
          return;
        }
        if (options.source !== undefined && !(await ctx.store.sources.get(options.source))) {
          process.stderr.write(`courtesy poll: there is no source ${options.source}\n`);
          process.exitCode = 1;
          return;
        }
        const report = await pollSources(ctx, { all: options.all, sourceId: options.source }, (outcome) =>
          print(describe(outcome)),
        );
        const failed = report.outcomes.filter((o) => o.kind === 'failed').length;
        const stored = report.outcomes.reduce((n, o) => n + (o.kind === 'stored' ? o.inserted : 0), 0);
        print(`polled ${report.outcomes.length} source(s): ${stored} new entries, ${failed} failed`);
        if (options.source !== undefined && failed > 0) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
}

function describe(outcome: RefreshOutcome): string {
  switch (outcome.kind) {
    case 'stored':
      return `source ${outcome.sourceId}: ${outcome.inserted} new, ${outcome.updated} updated, ${outcome.unchanged} unchanged${outcome.warnings.length ? ` (recovered: ${outcome.warnings.join('; ')})` : ''}`;
    case 'not-modified':
      return `source ${outcome.sourceId}: not modified`;
    case 'failed':
      return `source ${outcome.sourceId}: FAILED ${outcome.message}${outcome.disabled ? ' [disabled]' : ''}`;
  }
}
