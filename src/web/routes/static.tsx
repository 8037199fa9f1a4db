import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { SAMPLES_DIR, STYLESHEET } from '../assets.js';
import { NotFoundPage } from '../pages/not-found.js';
import { themeStylesheet } from '../theme.js';
import type { RouteContext } from './context.js';

const ASSET_CACHE = 'public, max-age=31536000, immutable';
const SAMPLE_FILE = /^[a-z0-9-]+\.(xml|json)$/;
/** A plain mark: a speech bubble, for "courtesy of". */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#8a2d16"/>' +
  '<path d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fbfaf7"/></svg>';

/** The stylesheet, the theme, the logo and icon, and the bundled sample feeds. */
export function registerStaticRoutes(app: Hono, { config }: RouteContext): void {
  const site = config.site;
  app.get('/static/site.css', (c) => {
    c.header('Cache-Control', ASSET_CACHE);
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(STYLESHEET.css);
  });

  // The colours may change from the desk: the stylesheet is made for the colours of the moment, and
  // its address (with their digest) changes with them.
  app.get('/static/theme.css', (c) => {
    const theme = themeStylesheet(site.accent);
    if (!theme) return c.html(<NotFoundPage site={site} />, 404);
    c.header('Cache-Control', ASSET_CACHE);
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(theme.css);
  });
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
}
