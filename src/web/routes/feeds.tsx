import type { Context, Hono } from 'hono';
import type { FacetKind } from '../../model/facets.js';
import { LISTING, facetTag, sourceTag, type PageTag } from '../../model/page-tags.js';
import { sourceDisplayName } from '../../model/source.js';
import type { EntryQuery } from '../../store/index.js';
import { FEED_FILES, FEED_ITEMS, renderFeed, type FeedListing } from '../feeds.js';
import { tagPage } from '../page-cache.js';
import { NotFoundPage } from '../pages/not-found.js';
import { facetPath } from '../paths.js';
import { PAGE_CACHE, type RouteContext } from './context.js';
import { readSearch } from './search.js';
import { findSection, sectionPath } from '../sections.js';

/** Every listing's feeds, and every search's, in RSS 2.0, Atom 1.0 and JSON Feed 1.1. */
export function registerFeedRoutes(app: Hono, { store, config }: RouteContext): void {
  const site = config.site;
  /** A listing's newest entries and what its feed says of it; null when there is no such listing. */
  const feedListing = async (
    scope:
      | { kind: 'home' }
      | { kind: 'source'; id: number }
      | { kind: 'section'; key: string }
      | { kind: FacetKind; key: string },
  ): Promise<FeedListing | null> => {
    let title = site.name;
    let description = site.description;
    let pagePath = '/';
    // The site's feed and a section's carry each story once; a source's, an author's and a tag's, every copy of theirs.
    let query: EntryQuery = {
      limit: FEED_ITEMS,
      oncePerStory: scope.kind === 'home' || scope.kind === 'section',
    };
    if (scope.kind === 'source') {
      const source = await store.sources.get(scope.id);
      if (!source) return null;
      title = `${sourceDisplayName(source)} · ${site.name}`;
      description =
        source.description ?? `Articles from ${sourceDisplayName(source)}, republished with attribution.`;
      pagePath = `/sources/${source.id}`;
      query = { ...query, sourceId: source.id };
    } else if (scope.kind === 'section') {
      const section = await findSection(store, scope.key);
      if (!section) return null;
      title = `${section.name} · ${site.name}`;
      description = `${section.name}: the newest articles on ${site.name}, republished with attribution.`;
      pagePath = sectionPath(section);
      query = { ...query, sourceIds: section.sourceIds };
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
      const { query, form } = readSearch(c, site.pageSize);
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
    app.get(`/sections/:key/${file}`, async (c) =>
      serveFeed(c, await feedListing({ kind: 'section', key: c.req.param('key') }), [LISTING]),
    );
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
}
