import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import type { Config, LiveSettings } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PushCallbacks } from '../model/subscription.js';
import type { Store } from '../store/index.js';
import type { Takedowns } from '../takedown/service.js';
import { FormTokens } from './forms.js';
import { PageCache, pageCacheMiddleware, routeOf } from './page-cache.js';
import { SectionMenu } from './sections.js';
import { ErrorPage, ForbiddenPage, NotFoundPage } from './pages/not-found.js';
import { registerArticleRoutes } from './routes/article.js';
import type { RouteContext } from './routes/context.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerListingRoutes } from './routes/listings.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerCrawlerRoutes } from './routes/sitemap.js';
import { registerStaticRoutes } from './routes/static.js';
import { registerMediaRoutes } from './routes/media.js';
import { registerTakedownRoutes } from './routes/takedown.js';
import { registerWebSubRoutes } from './routes/websub.js';
import { securityHeaders } from './security-headers.js';

export interface WebContext {
  store: Store;
  config: Config;
  logger: Logger;
  /** The WebSub subscriber whose callbacks this site answers; without it, the callback is 404. */
  websub?: PushCallbacks;
  /** The takedown workflow: the public form and the admin area. */
  takedowns: Takedowns;
  /** The cache of rendered pages (made here when not given; tests give one to look inside). */
  pageCache?: PageCache;
  /** Sends queued notices; without it (or without an SMTP server), they wait in the outbox. */
  outbox?: NoticeSender;
  /** The process's metrics: requests are timed into it, and /metrics shows it. */
  metrics?: Metrics;
  /** The operator's desk (/admin), from the layer above: without it, the site has no admin pages. */
  desk?: SiteRoutes;
  /** The settings saved from the desk: read again, when the store changed, before a page is made. */
  settings?: Pick<LiveSettings, 'isCurrent' | 'sync'>;
}

/**
 * Routes a layer above the site adds to it (the operator's desk), registered at their place in the
 * order, with what the site shares with its forms.
 */
export type SiteRoutes = (app: Hono, shared: SharedWithRoutes) => void;

export interface SharedWithRoutes {
  formTokens: FormTokens;
  /** Whether notices are sent (an SMTP server is set), or wait in the outbox. */
  outboxEnabled: boolean;
  /** Sends the notices a change just queued, now rather than at the sender's next pass. */
  sendNotices: () => void;
}

/** What the site needs of the outbox sender: whether it sends, and a way to send what was just queued. */
export interface NoticeSender {
  readonly enabled: boolean;
  flush(): Promise<number>;
}

function cacheUse(header: string | null): 'hit' | 'miss' | 'none' {
  return header === 'hit' ? 'hit' : header === 'miss' ? 'miss' : 'none';
}

/**
 * The public site: every page reads from the store; only the WebSub callback writes (pushed
 * content). Each group of routes is a file of routes/; the order below is the order they match in.
 */
export function createApp(ctx: WebContext): Hono {
  const { store, config } = ctx;
  const site = config.site;
  const app = new Hono();
  const routes: RouteContext = { store, config, logger: ctx.logger };

  const cache =
    config.server.pageCacheBytes > 0
      ? (ctx.pageCache ??
        new PageCache(store, {
          maxBytes: config.server.pageCacheBytes,
          additionsDelayMs: config.server.newEntriesDelayMs,
        }))
      : undefined;
  const metrics = ctx.metrics;
  if (metrics) {
    app.use('*', async (c: Context, next) => {
      const started = performance.now();
      await next();
      metrics.request(
        routeOf(c),
        c.res.status,
        (performance.now() - started) / 1000,
        cacheUse(c.res.headers.get('x-cache')),
      );
    });
  }
  app.use('*', securityHeaders(config.content.embedHosts, site.baseUrl.startsWith('https:')));
  const settings = ctx.settings;
  if (settings) {
    app.use('*', async (_c, next) => {
      if (!settings.isCurrent()) await settings.sync();
      await next();
    });
  }
  // The default menu lists the site's sections: kept up to date before a page is made.
  const sections = new SectionMenu(store, site, () => cache?.clear());
  app.use('*', async (_c, next) => {
    if (site.menu.length === 0 && sections.stale()) await sections.refresh();
    await next();
  });
  // Before the page cache, which reads the database itself.
  registerHealthRoutes(app, routes, metrics, cache);

  // Pages that are not cached are compressed as they are sent; cached ones were compressed once.
  app.use('*', compress());
  if (cache) app.use('*', pageCacheMiddleware(cache) as MiddlewareHandler);
  app.use('*', etag());

  registerListingRoutes(app, routes);
  registerArticleRoutes(app, routes);
  registerFeedRoutes(app, routes);
  registerSearchRoutes(app, routes);
  registerCrawlerRoutes(app, routes);

  const outbox = ctx.outbox;
  /** After a change that queued notices: send them now rather than at the sender's next pass. */
  const sendNotices = () => {
    outbox?.flush().catch((error: unknown) => ctx.logger.warn({ err: error }, 'sending notices failed'));
  };
  const formTokens = new FormTokens(store.secret('form'), new URL(site.baseUrl).protocol === 'https:');
  const takedowns = { store, config, takedowns: ctx.takedowns, formTokens, sendNotices };
  registerTakedownRoutes(app, { ...takedowns, mailing: outbox?.enabled ?? false });
  ctx.desk?.(app, { formTokens, sendNotices, outboxEnabled: outbox?.enabled ?? false });
  if (ctx.websub) registerWebSubRoutes(app, config, ctx.websub);
  registerStaticRoutes(app, routes);
  registerMediaRoutes(app, routes);

  app.notFound((c) => c.html(<NotFoundPage site={site} />, 404));
  app.onError((error, c) => {
    // The CSRF guard refuses a form posted from another site.
    if (error instanceof HTTPException && error.status === 403) {
      c.header('Cache-Control', 'no-store');
      return c.html(<ForbiddenPage site={site} />, 403);
    }
    ctx.logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.html(<ErrorPage site={site} />, 500);
  });
  return app;
}
