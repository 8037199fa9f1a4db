import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readinessProblem, type Store } from '../store/index.js';
import { mayReadMetrics } from './access.js';
import type { Metrics } from './metrics.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The small HTTP server of a process that serves no site (`courtesy worker --metrics-port`):
 * `/metrics` for Prometheus, and `/healthz` and `/readyz` as on the site, for an orchestrator's
 * checks. The client is the connection's own address (no proxy stands before it).
 */
export function startMetricsServer(
  metrics: Metrics,
  store: Store,
  token: string | null,
  host: string,
  port: number,
  stallAfterMs: number,
): Promise<MetricsServer> {
  metrics.watch(store, stallAfterMs);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET only\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      void readinessProblem(store, stallAfterMs).then((problem) =>
        problem === null ? send(200, 'ready\n') : send(503, `not ready: ${problem}\n`),
      );
      return;
    }
    if (path !== '/metrics') return send(404, 'not found: this port serves /metrics, /healthz and /readyz\n');
    if (!mayReadMetrics(req.socket.remoteAddress ?? '', req.headers.authorization, token)) {
      return send(
        403,
        'The metrics are readable from loopback and private networks only, or with the bearer token set in [metrics] token.\n',
      );
    }
    metrics.render().then(
      ({ contentType, body }) => send(200, body, contentType),
      (error: unknown) => send(500, `the metrics could not be read: ${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const info = server.address() as AddressInfo;
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
