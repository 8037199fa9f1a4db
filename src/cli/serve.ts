import type { Command } from 'commander';
import { startPoller } from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { seedConfiguredSources } from '../sources/index.js';
import { startServer } from '../web/index.js';
import { deskRoutes, setupLink } from '../desk/index.js';
import { redactDatabaseUrl } from '../store/index.js';
import { configFrom, openContext, writeSampleConfigIfMissing, type GlobalOptions } from './context.js';
import { parsePort } from './arguments.js';
import { Metrics } from '../metrics/metrics.js';

interface ServeOptions {
  port?: number;
  host?: string;
  poll: boolean;
}

export function registerServe(program: Command, global: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the public site and poll sources in the same process (the main job)')
    .option('-p, --port <port>', 'TCP port to listen on (default from the config: 8080)', parsePort)
    .option('--host <host>', 'address to listen on (default from the config: 127.0.0.1)')
    .option('--no-poll', 'serve the site only; do not poll sources')
    .action(async (options: ServeOptions) => {
      const logger = createLogger();
      const written = writeSampleConfigIfMissing(global());
      if (written) logger.info({ path: written }, 'first start: wrote the sample configuration');
      const config = configFrom(global(), { port: options.port, host: options.host });
      const metrics = config.metrics.enabled ? new Metrics({ processMetrics: true }) : undefined;
      const ctx = await openContext(config, logger, metrics);
      const added = await seedConfiguredSources(ctx.store, config, new Date());
      if (added > 0) logger.info({ added }, 'subscribed to the sources listed in the configuration');
      const desk = deskRoutes({
        store: ctx.store,
        config,
        logger,
        takedowns: ctx.takedowns,
        fetcher: ctx.fetcher,
        processor: ctx.processor,
        ingest: ctx,
        onFullTextQueued: ctx.onFullTextQueued,
        onMediaQueued: ctx.onMediaQueued,
        settings: ctx.settings,
        extractions: ctx.extractions,
        robots: ctx.robots,
      });
      const server = await startServer({ ...ctx, desk }, config.server.host, config.server.port);
      logger.info(
        { url: server.url, baseUrl: config.site.baseUrl, database: redactDatabaseUrl(config.databaseUrl) },
        'serving',
      );
      if (ctx.websub.disabledBecause)
        logger.info(`websub: not subscribing to hubs: ${ctx.websub.disabledBecause}`);
      process.stdout.write(`courtesy is serving ${config.site.name} at ${server.url}\n`);
      const setup = await setupLink(ctx.store, config.site.baseUrlSet ? config.site.baseUrl : server.url);
      if (setup)
        process.stdout.write(
          `No one can sign in to the desk yet: open ${setup} to create the first administrator (or run courtesy users add NAME).\n`,
        );
      const poller = options.poll ? startPoller(ctx) : null;
      if (options.poll) ctx.fullText.start();
      if (options.poll) ctx.media.start();
      ctx.outbox.start();
      if (!ctx.outbox.enabled)
        logger.info('takedown notices: no [smtp] host is set; notices wait in the outbox');
      await waitForSignal();
      logger.info('shutting down');
      await server.close();
      await poller?.stop();
      await ctx.close();
    });
}

/** Resolves at SIGINT or SIGTERM; a second one ends the process at once, without waiting for work in flight. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
