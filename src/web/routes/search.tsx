import type { Context, Hono } from 'hono';
import { LISTING } from '../../model/page-tags.js';
import type { SearchQuery } from '../../store/index.js';
import { tagPage } from '../page-cache.js';
import { SearchPage, type SearchForm } from '../pages/search.js';
import { PAGE_CACHE, type RouteContext } from './context.js';

/** Search pages beyond this are not served: a few dozen pages is what people read. */
const MAX_SEARCH_PAGE = 50;

/** The search page. */
export function registerSearchRoutes(app: Hono, { store, config }: RouteContext): void {
  const site = config.site;
  app.get('/search', async (c) => {
    const { form, query, problem, qs } = readSearch(c, site.pageSize);
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
}

/** The search form's fields, checked: a bad date or source is a message, never an error page. */
export function readSearch(
  c: Context,
  pageSize: number,
): { form: SearchForm; query: SearchQuery | null; problem: string | null; qs: string } {
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
      limit: pageSize,
      offset: (page - 1) * pageSize,
      now: new Date(),
    },
  };
}
