import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type WebContext } from './app.js';
import { PageCache, serveFromCache } from './page-cache.js';
import { securityHeaderList } from './security-headers.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the site on host:port; resolves once it is listening. A request for a page the cache
 * holds is answered from Node's own request and response, before the app; everything else goes on
 * to the app.
 */
export function startServer(ctx: WebContext, host: string, port: number): Promise<RunningServer> {
  const bytes = ctx.config.server.pageCacheBytes;
  const cache =
    bytes > 0
      ? (ctx.pageCache ??
        new PageCache(ctx.store, { maxBytes: bytes, additionsDelayMs: ctx.config.server.newEntriesDelayMs }))
      : undefined;
  const app = createApp({ ...ctx, pageCache: cache });
  const toApp = getRequestListener(app.fetch);
  const extra = securityHeaderList(
    ctx.config.content.embedHosts,
    ctx.config.site.baseUrl.startsWith('https:'),
  );
  const metrics = ctx.metrics;
  // Node checks the header and request timeouts this often (30 s by default, past short limits).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    if (cache) {
      const started = metrics ? performance.now() : 0;
      const hit = serveFromCache(cache, req, res, extra);
      if (hit) {
        metrics?.request(
          hit.route ?? 'unmatched',
          res.statusCode,
          (performance.now() - started) / 1000,
          'hit',
        );
        return;
      }
    }
    void toApp(req, res);
  });
  // Bounds of its own, so that slow or idle clients cannot hold the process's sockets for long.
  const limits = ctx.config.server;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveMs;
  server.maxConnections = limits.maxConnections;
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
