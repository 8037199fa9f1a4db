import type { Hono } from 'hono';
import { LISTING } from '../../model/page-tags.js';
import { tagPage } from '../page-cache.js';
import { NotFoundPage } from '../pages/not-found.js';
import { Sitemap } from '../sitemap.js';
import type { RouteContext } from './context.js';

/** What crawlers read: the sitemap and robots.txt. */
export function registerCrawlerRoutes(app: Hono, { store, config }: RouteContext): void {
  const site = config.site;
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
}
