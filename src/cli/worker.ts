import type { Command } from 'commander';
import { startPoller } from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { redactDatabaseUrl } from '../store/index.js';
import { configFrom, openContext, type GlobalOptions } from './context.js';
import { waitForSignal } from './serve.js';

export function registerWorker(program: Command, global: () => GlobalOptions): void {
  program
    .command('worker')
    .description(
      'poll sources, renew WebSub leases and send takedown notices, without serving the site; run any number of workers (and `serve --no-poll` processes) on one database',
    )
    .action(async () => {
      const logger = createLogger();
      const config = configFrom(global());
      const ctx = await openContext(config, logger);
      const poller = startPoller(ctx);
      ctx.outbox.start();
      logger.info({ poller: poller.id, database: redactDatabaseUrl(config.databaseUrl) }, 'worker started');
      process.stdout.write(`courtesy worker ${poller.id} is polling\n`);
      await waitForSignal();
      // Checks in flight finish (each is bounded by the fetch timeouts); then the claims are given up.
      logger.info('worker stopping: letting checks in flight finish');
      await poller.stop();
      await ctx.close();
    });
}
