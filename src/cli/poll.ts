import type { Command } from 'commander';
import { pollSources, startPoller, type RefreshOutcome } from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { seedConfiguredSources } from '../sources/index.js';
import { parseId } from './arguments.js';
import { configFrom, openContext, type GlobalOptions } from './context.js';
import { print } from './output.js';
import { drainFullText, startProgress, type Progress } from './progress.js';

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
      // With --once, each outcome is reported on stdout; logs are for errors only unless asked for.
      const level = process.env.LOG_LEVEL ?? (options.once ? 'error' : 'info');
      const ctx = await openContext(configFrom(global()), createLogger(level));
      try {
        await seedConfiguredSources(ctx.store, ctx.config, new Date());
        if (!options.once) {
          const poller = startPoller(ctx);
          ctx.fullText.start();
          ctx.media.start();
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await poller.stop();
          return;
        }
        if (options.source !== undefined && !(await ctx.store.sources.get(options.source))) {
          process.stderr.write(`courtesy poll: there is no source ${options.source}\n`);
          process.exitCode = 1;
          return;
        }
        // Leases run out whether or not `serve` polls: a poll run from cron renews them too.
        if (options.source === undefined) await ctx.websub.renewDue();
        let progress: Progress | null = null;
        const started = Date.now();
        const report = await pollSources(
          ctx,
          { all: options.all, sourceId: options.source },
          (outcome, _done, total) => {
            progress ??= startProgress('polling', total);
            progress.step(describe(outcome), outcome.kind === 'failed');
          },
        );
        (progress as Progress | null)?.stop();
        const failures = report.outcomes.filter((o) => o.kind === 'failed');
        const stored = report.outcomes.reduce((n, o) => n + (o.kind === 'stored' ? o.inserted : 0), 0);
        const notModified = report.outcomes.filter((o) => o.kind === 'not-modified').length;
        if (process.stderr.isTTY && failures.length > 0) {
          // The bar showed only counts: name the failures once it is done.
          for (const outcome of failures.slice(0, 20)) print(describe(outcome));
          if (failures.length > 20)
            print(`... and ${failures.length - 20} more ("courtesy sources list" shows them all)`);
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        print(
          `polled ${report.outcomes.length} source(s) in ${seconds} s: ${stored} new entries, ${notModified} not modified, ${failures.length} failed`,
        );
        // The pages of the full-text sources' new entries: fetched and extracted before the poll ends.
        const { worked, extracted } = await drainFullText(
          ctx.fullText,
          'full text',
          await ctx.store.extractions.pending(),
        );
        if (worked > 0)
          print(
            `full text: ${worked} page(s), ${extracted} article(s) extracted, ${worked - extracted} kept the feed's content`,
          );
        // The new entries' lead images (and the articles' og:image): fetched and resized before it ends too.
        if (ctx.config.media.enabled) {
          const images = await ctx.media.drain();
          if (images.fetched > 0) {
            const counts = await ctx.store.media.counts();
            print(
              `images: ${images.fetched} worked; ${counts.ready} kept, ${counts.failed} not shown (not a picture, too small, or refused)`,
            );
          }
        }
        if (options.source !== undefined && failures.length > 0) process.exitCode = 1;
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
      return `source ${outcome.sourceId}: FAILED ${outcome.status && outcome.status >= 300 ? `HTTP ${outcome.status}: ` : ''}${outcome.message}`;
  }
}
