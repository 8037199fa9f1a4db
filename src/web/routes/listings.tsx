import type { Hono } from 'hono';
import { LISTING, facetTag, sourceTag } from '../../model/page-tags.js';
import type { EntryQuery } from '../../store/index.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { tagPage } from '../page-cache.js';
import { AboutPage } from '../pages/about.js';
import { FacetPage } from '../pages/facet-show.js';
import { HomePage } from '../pages/home.js';
import { GonePage, NotFoundPage } from '../pages/not-found.js';
import { SectionPage } from '../pages/section-show.js';
import { SourcePage, SourcesPage } from '../pages/source-show.js';
import { findSection, publishedSections } from '../sections.js';
import { PAGE_CACHE, type RouteContext } from './context.js';

/** The listings, newest first and paged: the home page, each source's, author's and tag's, and the sources and about pages. */
export function registerListingRoutes(app: Hono, ctx: RouteContext): void {
  const { store, config } = ctx;
  const site = config.site;
  /** A page of a listing that holds each source to its share (the home page, a section's), with its sources. */
  const sharedPage = async (query: Pick<EntryQuery, 'before' | 'sourceIds'>) => {
    const page = await store.entries.list({
      ...query,
      oncePerStory: true,
      limit: site.pageSize,
      ...(site.mostPerSource > 0 ? { perSource: site.mostPerSource } : {}),
    });
    const folded = page.folded ?? [];
    // A story's card names how many sources carry it.
    const carriers = await store.stories.carriers(page.entries.flatMap((e) => (e.story ? [e.story] : [])));
    const sources = await store.sources.getMany([
      ...page.entries.map((e) => e.sourceId),
      ...folded.map((f) => f.sourceId),
      ...[...carriers.values()].flat(),
    ]);
    return { entries: page.entries, sources, folded, carriers, next: page.next && encodeCursor(page.next) };
  };
  app.get('/', async (c) => {
    const before = decodeCursor(c.req.query('before'));
    const page = await sharedPage({ before });
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [LISTING]);
    return c.html(<HomePage site={site} {...page} paged={before !== null} />);
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
    return c.html(<SourcesPage site={site} sources={sources} sections={await publishedSections(store)} />);
  });

  app.get('/sections/:key', async (c) => {
    const section = await findSection(store, c.req.param('key'));
    if (!section)
      return c.html(<NotFoundPage site={site} what="There is no section at this address." />, 404);
    const page = await sharedPage({
      before: decodeCursor(c.req.query('before')),
      sourceIds: section.sourceIds,
    });
    c.header('Cache-Control', PAGE_CACHE);
    // Any new article may be one of the section's; a source moved to another section changes every page.
    tagPage(c, [LISTING]);
    return c.html(<SectionPage site={site} section={section} {...page} />);
  });
  registerSourcePage(app, ctx);
}

/** A source's page, newest first and paged; 410 once the source was removed as a whole at its publisher's request. */
function registerSourcePage(app: Hono, { store, config }: RouteContext): void {
  const site = config.site;
  app.get('/sources/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const source = Number.isSafeInteger(id) ? await store.sources.get(id) : null;
    if (!source) return c.html(<NotFoundPage site={site} what="There is no source at this address." />, 404);
    c.header('Cache-Control', PAGE_CACHE);
    tagPage(c, [sourceTag(id)]);
    // Removed as a whole: gone, and its name with it.
    const removed = await store.rights.sourceRule(source);
    if (removed) {
      const request = removed.requestId ? await store.takedowns.get(removed.requestId) : null;
      return c.html(
        <GonePage
          site={site}
          removedAt={removed.createdAt}
          reference={request?.reference ?? null}
          what="source"
        />,
        410,
      );
    }
    const before = decodeCursor(c.req.query('before'));
    const page = await store.entries.list({ sourceId: id, before, limit: site.pageSize });
    return c.html(
      <SourcePage
        site={site}
        source={source}
        entries={page.entries}
        next={page.next && encodeCursor(page.next)}
      />,
    );
  });
}
