import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type WebContext } from './app.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the site on host:port; resolves once it is listening. */
export function startServer(ctx: WebContext, host: string, port: number): Promise<RunningServer> {
  const app = createApp(ctx);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
