import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { SAMPLES_DIR, STYLESHEET } from './assets.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { AboutPage } from './pages/about.js';
import { ArticlePage } from './pages/article-show.js';
import { FacetPage } from './pages/facet-show.js';
import { HomePage } from './pages/home.js';
import { SearchPage, type SearchForm } from './pages/search.js';
import { ErrorPage, ForbiddenPage, GonePage, NotFoundPage } from './pages/not-found.js';
import { SourcePage, SourcesPage } from './pages/source-show.js';
import { articlePath, facetPath } from './paths.js';
import { Sitemap } from './sitemap.js';
import { PageCache, pageCacheMiddleware, routeOf, tagPage } from './page-cache.js';
import { LISTING, entryTag, facetTag, sourceTag, type PageTag } from '../model/page-tags.js';
import { FEED_FILES, FEED_ITEMS, renderFeed, type FeedListing } from './feeds.js';
import type { FacetKind } from '../model/facets.js';
import { sourceDisplayName } from '../model/source.js';
import { readinessProblem, type EntryQuery, type SearchQuery } from '../store/index.js';
import { securityHeaders } from './security-headers.js';
import { themeStylesheet } from './theme.js';
import { CALLBACK_PATH, type CallbackAnswer, type WebSub } from '../websub/index.js';
import type { Takedowns } from '../takedown/service.js';
import { registerAdminRoutes } from './admin/routes.js';
import { clientAddress, FormTokens } from './forms.js';
import { mayReadMetrics } from '../metrics/access.js';
import type { Metrics } from '../metrics/metrics.js';
import { registerTakedownRoutes } from './takedown-routes.js';

export interface WebContext {
  store: Store;
  config: Config;
  logger: Logger;
  /** The WebSub subscriber whose callbacks this site answers; without it, the callback is 404. */
  websub?: WebSub;
  /** The takedown workflow: the public form and the admin area. */
  takedowns: Takedowns;
  /** The cache of rendered pages (made here when not given; tests give one to look inside). */
  pageCache?: PageCache;
  /** Sends queued notices; without it (or without an SMTP server), they wait in the outbox. */
  outbox?: NoticeSender;
  /** The process's metrics: requests are timed into it, and /metrics shows it. */
  metrics?: Metrics;
}

/** What the site needs of the outbox sender: whether it sends, and a way to send what was just queued. */
export interface NoticeSender {
  readonly enabled: boolean;
  flush(): Promise<number>;
}

/**
 * Pages change when a poll stores entries and when a takedown removes them: caches must ask every
 * time (a cheap 304 when the ETag still matches), so that removed content is gone at once.
 */
const PAGE_CACHE = 'public, no-cache';
/** Search pages beyond this are not served: a few dozen pages is what people read. */
const MAX_SEARCH_PAGE = 50;
const ASSET_CACHE = 'public, max-age=31536000, immutable';
const SAMPLE_FILE = /^[a-z0-9-]+\.(xml|json)$/;
/** A plain mark: a speech bubble, for "courtesy of". */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#8a2d16"/>' +
  '<path d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fbfaf7"/></svg>';

function cacheUse(header: string | null): 'hit' | 'miss' | 'none' {
  return header === 'hit' ? 'hit' : header === 'miss' ? 'miss' : 'none';
}

/** The public site: every page reads from the store; only the WebSub callback writes (pushed content). */
export function createApp(ctx: WebContext): Hono {
  const { store, config } = ctx;
  const site = config.site;
  const app = new Hono();

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
  app.use('*', securityHeaders(ctx.config.content.embedHosts, ctx.config.site.baseUrl.startsWith('https:')));
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

  // Pages that are not cached are compressed as they are sent; cached ones were compressed once.
  app.use('*', compress());
  if (cache) app.use('*', pageCacheMiddleware(cache) as MiddlewareHandler);
  app.use('*', etag());

  app.get('/', async (c) => {
    const before = decodeCursor(c.req.query('before'));
    const page = await store.entries.list({ before, limit: site.pageSize });
    const sources = await store.sources.getMany(page.entries.map((e) => e.sourceId));
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [LISTING]);
    return c.html(
      <HomePage
        site={site}
        entries={page.entries}
        sources={sources}
        next={page.next && encodeCursor(page.next)}
        paged={before !== null}
      />,
    );
  });

  app.get('/articles/:id/:slug?', async (c) => {
    const id = Number(c.req.param('id'));
    const entry = Number.isSafeInteger(id) ? await store.entries.get(id) : null;
    const source = entry ? await store.sources.get(entry.sourceId) : null;
    if (!entry || !source) {
      const tombstone = Number.isSafeInteger(id) ? await store.rights.tombstone(id) : null;
      if (tombstone) {
        const rule = await store.rights.getRule(tombstone.ruleId);
        const request = rule?.requestId ? await store.takedowns.get(rule.requestId) : null;
        c.header('Cache-Control', PAGE_CACHE);
        return c.html(
          <GonePage site={site} removedAt={tombstone.removedAt} reference={request?.reference ?? null} />,
          410,
        );
      }
      return c.html(<NotFoundPage site={site} what="There is no article at this address." />, 404);
    }
    const canonicalPath = articlePath(entry);
    if (c.req.path !== canonicalPath) return c.redirect(canonicalPath, 301);
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [entryTag(entry.id), sourceTag(source.id)]);
    const takedownUrl = `/takedown?url=${encodeURIComponent(entry.url ?? `${site.baseUrl}${canonicalPath}`)}`;
    return c.html(<ArticlePage site={site} entry={entry} source={source} takedownUrl={takedownUrl} />);
  });

  for (const kind of ['author', 'tag'] as const) {
    app.get(`/${kind === 'author' ? 'authors' : 'tags'}/:key`, async (c) => {
      const key = c.req.param('key');
      const label = await store.entries.facetLabel(kind, key);
      if (!label) {
        return c.html(
          <NotFoundPage
            site={site}
            what={
              kind === 'author'
                ? 'There are no articles by this author here.'
                : 'There are no articles on this topic here.'
            }
          />,
          404,
        );
      }
      const before = decodeCursor(c.req.query('before'));
      const page = await store.entries.list({ facet: { kind, key }, before, limit: site.pageSize });
      const sources = await store.sources.getMany(page.entries.map((e) => e.sourceId));
      c.header('Cache-Control', PAGE_CACHE);
      tagPage(c, [facetTag(kind, key)]);
      return c.html(
        <FacetPage
          site={site}
          kind={kind}
          facetKey={key}
          label={label}
          entries={page.entries}
          sources={sources}
          next={page.next && encodeCursor(page.next)}
          paged={before !== null}
        />,
      );
    });
  }

  app.get('/about', async (c) => {
    const sources = (await store.sources.list()).filter((s) => s.entryCount > 0);
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [LISTING]);
    return c.html(
      <AboutPage
        site={site}
        sources={sources.length}
        articles={sources.reduce((n, s) => n + s.entryCount, 0)}
      />,
    );
  });

  app.get('/sources', async (c) => {
    const sources = (await store.sources.list()).filter((s) => s.entryCount > 0);
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [LISTING]);
    return c.html(<SourcesPage site={site} sources={sources} />);
  });

  app.get('/sources/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const source = Number.isSafeInteger(id) ? await store.sources.get(id) : null;
    if (!source) return c.html(<NotFoundPage site={site} what="There is no source at this address." />, 404);
    const before = decodeCursor(c.req.query('before'));
    const page = await store.entries.list({ sourceId: id, before, limit: site.pageSize });
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [sourceTag(id)]);
    return c.html(
      <SourcePage
        site={site}
        source={source}
        entries={page.entries}
        next={page.next && encodeCursor(page.next)}
      />,
    );
  });

  /** A listing's newest entries and what its feed says of it; null when there is no such listing. */
  const feedListing = async (
    scope: { kind: 'home' } | { kind: 'source'; id: number } | { kind: FacetKind; key: string },
  ): Promise<FeedListing | null> => {
    let title = site.name;
    let description = site.description;
    let pagePath = '/';
    let query: EntryQuery = { limit: FEED_ITEMS };
    if (scope.kind === 'source') {
      const source = await store.sources.get(scope.id);
      if (!source) return null;
      title = `${sourceDisplayName(source)} · ${site.name}`;
      description =
        source.description ?? `Articles from ${sourceDisplayName(source)}, republished with attribution.`;
      pagePath = `/sources/${source.id}`;
      query = { ...query, sourceId: source.id };
    } else if (scope.kind === 'author' || scope.kind === 'tag') {
      const label = await store.entries.facetLabel(scope.kind, scope.key);
      if (!label) return null;
      title = `${scope.kind === 'author' ? `Articles by ${label}` : `Articles about ${label}`} · ${site.name}`;
      description = `${scope.kind === 'author' ? `Articles by ${label}` : `Articles tagged “${label}”`}, republished with attribution.`;
      pagePath = facetPath(scope.kind, scope.key);
      query = { ...query, facet: { kind: scope.kind, key: scope.key } };
    }
    const { entries } = await store.entries.list(query);
    return {
      title,
      description,
      pagePath,
      entries,
      sources: await store.sources.getMany(entries.map((e) => e.sourceId)),
    };
  };
  for (const format of ['rss', 'atom', 'json'] as const) {
    const file = FEED_FILES[format].file;
    const serveFeed = async (c: Context, listing: FeedListing | null, tags?: PageTag[]) => {
      if (!listing) return c.html(<NotFoundPage site={site} what="There is no feed at this address." />, 404);
      c.header('Cache-Control', PAGE_CACHE);
      if (tags) tagPage(c, tags);
      c.header('Content-Type', FEED_FILES[format].type);
      return c.body(renderFeed(format, site, listing));
    };
    app.get(`/${file}`, async (c) => serveFeed(c, await feedListing({ kind: 'home' }), [LISTING]));
    app.get(`/search/${file}`, async (c) => {
      const { query, form } = readSearch(c);
      if (!query) return serveFeed(c, null);
      tagPage(c, [LISTING]);
      const { hits } = await store.entries.search({
        ...query,
        order: 'recent',
        limit: FEED_ITEMS,
        offset: 0,
      });
      const entries = hits.map((h) => h.entry);
      return serveFeed(c, {
        title: `Search: ${form.q} · ${site.name}`,
        description: `The newest articles on ${site.name} that match “${form.q}”.`,
        pagePath: `/search?${new URLSearchParams({ q: form.q }).toString()}`,
        entries,
        sources: await store.sources.getMany(entries.map((e) => e.sourceId)),
      });
    });
    app.get(`/sources/:id/${file}`, async (c) => {
      const id = Number(c.req.param('id'));
      return serveFeed(c, Number.isSafeInteger(id) ? await feedListing({ kind: 'source', id }) : null, [
        sourceTag(id),
      ]);
    });
    app.get(`/authors/:key/${file}`, async (c) =>
      serveFeed(c, await feedListing({ kind: 'author', key: c.req.param('key') }), [
        facetTag('author', c.req.param('key')),
      ]),
    );
    app.get(`/tags/:key/${file}`, async (c) =>
      serveFeed(c, await feedListing({ kind: 'tag', key: c.req.param('key') }), [
        facetTag('tag', c.req.param('key')),
      ]),
    );
  }

  /** The search form's fields, checked: a bad date or source is a message, never an error page. */
  const readSearch = (
    c: Context,
  ): { form: SearchForm; query: SearchQuery | null; problem: string | null; qs: string } => {
    const q = (c.req.query('q') ?? '').slice(0, 500).trim();
    const source = c.req.query('source') ?? '';
    const from = c.req.query('from') ?? '';
    const to = c.req.query('to') ?? '';
    const order = c.req.query('order') === 'recent' ? 'recent' : 'relevance';
    const page = Math.min(MAX_SEARCH_PAGE, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const form: SearchForm = { q, source, from, to, order, page };
    const day = (value: string, end: boolean) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
      const d = new Date(`${value}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? undefined : new Date(d.getTime() + (end ? 86_400_000 : 0));
    };
    const problems: string[] = [];
    if (from && !day(from, false)) problems.push(`“${from.slice(0, 20)}” is not a date (YYYY-MM-DD).`);
    if (to && !day(to, true)) problems.push(`“${to.slice(0, 20)}” is not a date (YYYY-MM-DD).`);
    if (source && !/^\d{1,9}$/.test(source)) problems.push('Please choose a source from the list.');
    const qs = new URLSearchParams(
      Object.entries({ q, source, from, to, order: order === 'recent' ? 'recent' : '' }).filter(
        ([, v]) => v !== '',
      ),
    ).toString();
    if (!q || problems.length) return { form, query: null, problem: problems.join(' ') || null, qs };
    return {
      form,
      qs,
      problem: null,
      query: {
        text: q,
        sourceId: source ? Number(source) : undefined,
        since: day(from, false),
        until: day(to, true),
        order,
        limit: site.pageSize,
        offset: (page - 1) * site.pageSize,
        now: new Date(),
      },
    };
  };

  app.get('/search', async (c) => {
    const { form, query, problem, qs } = readSearch(c);
    const results = query ? await store.entries.search(query) : null;
    const sources = await store.sources.listPublishing();
    c.header('Cache-Control', PAGE_CACHE);
    // A search shows what any new entry or removal may change: kept until the next one.
    if (!problem) tagPage(c, [LISTING]);
    return c.html(
      <SearchPage
        site={site}
        form={form}
        sources={sources}
        results={results}
        pageSize={site.pageSize}
        query={qs}
        problem={
          problem ??
          (form.q === '' && c.req.query('q') !== undefined ? 'Please type what to search for.' : null)
        }
      />,
    );
  });

  const sitemap = new Sitemap(store, site);
  app.get('/sitemap.xml', async (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    tagPage(c, [LISTING]);
    c.header('Content-Type', 'application/xml; charset=utf-8');
    return c.body(await sitemap.root());
  });
  app.get('/sitemaps/:file', async (c) => {
    const m = /^([a-z]+)-([1-9][0-9]{0,5})\.xml$/.exec(c.req.param('file'));
    const body = m ? await sitemap.file(m[1]!, Number(m[2])) : null;
    if (body === null) return c.html(<NotFoundPage site={site} />, 404);
    c.header('Cache-Control', 'public, max-age=3600');
    tagPage(c, [LISTING]);
    c.header('Content-Type', 'application/xml; charset=utf-8');
    return c.body(body);
  });
  // Crawlers may read the site, but not the forms, the status pages or the admin area.
  app.get('/robots.txt', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.text(
      [
        'User-agent: *',
        'Disallow: /admin',
        'Disallow: /takedown/',
        'Disallow: /websub/',
        'Disallow: /search',
        'Allow: /',
        '',
        `Sitemap: ${site.baseUrl}/sitemap.xml`,
        '',
      ].join('\n'),
    );
  });

  const outbox = ctx.outbox;
  /** After a change that queued notices: send them now rather than at the sender's next pass. */
  const sendNotices = () => {
    outbox?.flush().catch((error: unknown) => ctx.logger.warn({ err: error }, 'sending notices failed'));
  };
  const formTokens = new FormTokens(store.secret('form'), new URL(site.baseUrl).protocol === 'https:');
  registerTakedownRoutes(app, {
    store,
    config,
    takedowns: ctx.takedowns,
    formTokens,
    mailing: outbox?.enabled ?? false,
    sendNotices,
  });
  registerAdminRoutes(app, {
    store,
    config,
    takedowns: ctx.takedowns,
    formTokens,
    outboxEnabled: outbox?.enabled ?? false,
    sendNotices,
  });

  const websub = ctx.websub;
  if (websub) {
    const answer = (c: Context, a: CallbackAnswer): Response => {
      c.header('Cache-Control', 'no-store');
      return a.status === 204 ? c.body(null, 204) : c.text(a.body, a.status);
    };
    app.get(`${CALLBACK_PATH}:token`, async (c) =>
      answer(c, await websub.verify(c.req.param('token'), new URL(c.req.url).searchParams)),
    );
    app.post(
      `${CALLBACK_PATH}:token`,
      bodyLimit({
        maxSize: config.poll.maxBodyBytes,
        onError: (c) => c.text(`pushed content over ${config.poll.maxBodyBytes} bytes`, 413),
      }),
      async (c) => {
        const body = new Uint8Array(await c.req.arrayBuffer());
        const a = await websub.deliver(
          c.req.param('token'),
          body,
          c.req.header('content-type') ?? null,
          c.req.header('x-hub-signature') ?? null,
        );
        return answer(c, a);
      },
    );
  }

  app.get('/static/site.css', (c) => {
    c.header('Cache-Control', ASSET_CACHE);
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(STYLESHEET.css);
  });

  const theme = themeStylesheet(site.accent);
  if (theme) {
    app.get('/static/theme.css', (c) => {
      c.header('Cache-Control', ASSET_CACHE);
      c.header('Content-Type', 'text/css; charset=utf-8');
      return c.body(theme.css);
    });
  }
  if (site.logo) {
    const logo = site.logo;
    app.get(`/static/logo.${logo.extension}`, (c) => {
      c.header('Cache-Control', ASSET_CACHE);
      c.header('Content-Type', logo.type);
      return c.body(logo.bytes);
    });
  }

  app.get('/static/icon.svg', (c) => {
    c.header('Cache-Control', ASSET_CACHE);
    c.header('Content-Type', 'image/svg+xml');
    return c.body(ICON_SVG);
  });

  app.get('/favicon.ico', (c) => c.redirect('/static/icon.svg', 301));

  // The sample feeds that ship with courtesy, so that a fresh install has something to show offline.
  app.get('/samples/:file', async (c) => {
    const file = c.req.param('file');
    if (!SAMPLE_FILE.test(file)) return c.html(<NotFoundPage site={site} />, 404);
    let body: Buffer;
    try {
      body = await readFile(`${SAMPLES_DIR}${file}`);
    } catch {
      return c.html(<NotFoundPage site={site} />, 404);
    }
    c.header(
      'Content-Type',
      file.endsWith('.json') ? 'application/feed+json' : 'application/xml; charset=utf-8',
    );
    c.header('Cache-Control', 'public, max-age=300');
    c.header('ETag', `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`);
    return c.body(new Uint8Array(body));
  });

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
