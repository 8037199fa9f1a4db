import type { Hono } from 'hono';
import { mayReadMetrics } from '../../metrics/access.js';
import type { Metrics } from '../../metrics/metrics.js';
import { readinessProblem } from '../../store/index.js';
import { clientAddress } from '../forms.js';
import type { PageCache } from '../page-cache.js';
import type { RouteContext } from './context.js';

/** For load balancers, orchestrators and Prometheus: /healthz, /readyz and /metrics, never cached. */
export function registerHealthRoutes(
  app: Hono,
  { store, config }: RouteContext,
  metrics: Metrics | undefined,
  cache: PageCache | undefined,
): void {
  // For load balancers and orchestrators: the process answers (healthz), and its database too
  // (readyz). Before the page cache, which reads the database itself.
  app.get('/healthz', (c) => {
    c.header('cache-control', 'no-store');
    return c.text('ok\n');
  });
  app.get('/readyz', async (c) => {
    c.header('cache-control', 'no-store');
    const problem = await readinessProblem(store, config.poll.stallAfterMs);
    return problem === null ? c.text('ready\n') : c.text(`not ready: ${problem}\n`, 503);
  });
  if (metrics && config.metrics.enabled) {
    metrics.watch(store, config.poll.stallAfterMs, cache);
    app.get('/metrics', async (c) => {
      c.header('cache-control', 'no-store');
      const address = clientAddress(c, config.server.trustProxy);
      if (!mayReadMetrics(address, c.req.header('authorization'), config.metrics.token)) {
        return c.text(
          'The metrics are readable from loopback and private networks only, or with the bearer token set in [metrics] token.\n',
          403,
        );
      }
      const { contentType, body } = await metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    });
  }
}
