import type { Command } from 'commander';
import { startPoller } from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { redactDatabaseUrl } from '../store/index.js';
import { configFrom, openContext, type GlobalOptions } from './context.js';
import { waitForSignal } from './serve.js';
import { parsePort } from './arguments.js';
import { Metrics } from '../metrics/metrics.js';
import { startMetricsServer } from '../metrics/server.js';

interface WorkerOptions {
  metricsPort?: number;
  metricsHost: string;
}

export function registerWorker(program: Command, global: () => GlobalOptions): void {
  program
    .command('worker')
    .description(
      'poll sources, renew WebSub leases and send takedown notices, without serving the site; run any number of workers (and `serve --no-poll` processes) on one database',
    )
    .option(
      '--metrics-port <port>',
      'serve /metrics (Prometheus), /healthz and /readyz on this port (none by default)',
      parsePort,
    )
    .option('--metrics-host <host>', 'the address the metrics port listens on', '127.0.0.1')
    .action(async (options: WorkerOptions) => {
      const logger = createLogger();
      const config = configFrom(global());
      const serveMetrics = options.metricsPort !== undefined && config.metrics.enabled;
      const metrics = serveMetrics ? new Metrics({ processMetrics: true }) : undefined;
      if (options.metricsPort !== undefined && !config.metrics.enabled)
        logger.warn('--metrics-port is ignored: [metrics] enabled is false');
      const ctx = await openContext(config, logger, metrics);
      const metricsServer = metrics
        ? await startMetricsServer(
            metrics,
            ctx.store,
            config.metrics.token,
            options.metricsHost,
            options.metricsPort!,
            config.poll.stallAfterMs,
          )
        : null;
      const poller = startPoller(ctx);
      ctx.fullText.start();
      ctx.media.start();
      ctx.outbox.start();
      logger.info(
        {
          poller: poller.id,
          database: redactDatabaseUrl(config.databaseUrl),
          metrics: metricsServer ? `${metricsServer.url}/metrics` : null,
        },
        'worker started',
      );
      if (metricsServer) process.stdout.write(`metrics at ${metricsServer.url}/metrics\n`);
      process.stdout.write(`courtesy worker ${poller.id} is polling\n`);
      await waitForSignal();
      // Checks in flight finish (each is bounded by the fetch timeouts); then the claims are given up.
      logger.info('worker stopping: letting checks in flight finish');
      await poller.stop();
      await metricsServer?.close();
      await ctx.close();
    });
}
