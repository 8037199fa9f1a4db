import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { MediaFiles } from '../../media/files.js';
import { parseMediaFileName } from '../../model/media.js';
import { NotFoundPage } from '../pages/not-found.js';
import { PAGE_CACHE, type RouteContext } from './context.js';

const TYPES = { webp: 'image/webp', jpg: 'image/jpeg' } as const;

/**
 * The site's copies of lead images (the media cache keeps them): readers' browsers ask no one else
 * for them. A copy is served only while it is the image of a public entry, and browsers revalidate
 * it as they do pages (a 304 while it stands), so that a hidden or removed article's image is gone
 * at once, everywhere.
 */
export function registerMediaRoutes(app: Hono, { store, config }: RouteContext): void {
  const files = new MediaFiles(config.media.dir);
  app.get('/media/:file', async (c) => {
    const name = parseMediaFileName(c.req.param('file'));
    const notFound = () => c.html(<NotFoundPage site={config.site} />, 404);
    if (!name || !(await store.media.servable(name.key))) return notFound();
    const etag = `"${name.key}-${name.width}-${name.format}"`;
    c.header('Cache-Control', PAGE_CACHE);
    c.header('ETag', etag);
    if (
      c.req
        .header('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return c.body(null, 304);
    let body: Buffer;
    try {
      body = await readFile(files.path(name.key, name.width, name.format));
    } catch {
      return notFound();
    }
    c.header('Content-Type', TYPES[name.format]);
    return c.body(new Uint8Array(body));
  });
}
