import type { Hono } from 'hono';
import { entryTag, sourceTag } from '../../model/page-tags.js';
import { tagPage } from '../page-cache.js';
import { ArticlePage } from '../pages/article-show.js';
import { GonePage, NotFoundPage } from '../pages/not-found.js';
import { articlePath } from '../paths.js';
import { PAGE_CACHE, type RouteContext } from './context.js';

/**
 * An article's page; a removed article's address answers 410 Gone, with its request's reference, and
 * a hidden or held one 404 Not Found.
 */
export function registerArticleRoutes(app: Hono, { store, config }: RouteContext): void {
  const site = config.site;
  app.get('/articles/:id/:slug?', async (c) => {
    const id = Number(c.req.param('id'));
    const stored = Number.isSafeInteger(id) ? await store.entries.get(id) : null;
    // Hidden and held articles are on no public page; their address answers as if they had never been.
    const entry = stored?.withheld ? null : stored;
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
    // The story's other copies, each with its source, its link and its page here.
    const copies = entry.story ? await store.stories.copies(entry.id) : [];
    const story = { copies, sources: await store.sources.getMany(copies.map((copy) => copy.entry.sourceId)) };
    return c.html(
      <ArticlePage site={site} entry={entry} source={source} takedownUrl={takedownUrl} story={story} />,
    );
  });
}
