import type { Hono } from 'hono';
import type { Entry, Withheld } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import { formatDate } from '../../web/format.js';
import { readForm } from '../../web/forms.js';
import { articlePath } from '../../web/paths.js';
import {
  actor,
  checkedIds,
  doneMessage,
  idParam,
  type DeskContext,
  type DeskDeps,
  type DeskEnv,
  type DoneMessages,
  safeBack,
  withDone,
} from '../context.js';
import { Csrf, DeskLayout, TableFrame, plural, type Site } from '../layout.js';
import { ArticleTabs } from './tabs.js';

const PER_PAGE = 50;

type Show = 'all' | Withheld;

const DONE: DoneMessages = {
  hidden: (n) =>
    `Hid ${plural(n, 'article')}: gone from every page, feed and search of the site; “Show” brings it back.`,
  shown: (n) => `${plural(n, 'article')} shown again on the site.`,
  published: (n) => `Published ${plural(n, 'article')}.`,
};

/** Articles: search the stored ones, hide and show them, and the review queue of held ones. */
export function registerArticleDesk(admin: Hono<DeskEnv>, { store, config }: DeskDeps): void {
  const site = config.site;
  const page = async (c: DeskContext, problem: string | null = null) => {
    const showParam = c.req.query('show');
    const show: Show =
      showParam === 'hidden' || showParam === 'held' || showParam === 'filtered' ? showParam : 'all';
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const sourceId = idParam(c.req.query('source')) || undefined;
    const n = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    let entries: Entry[];
    let total: number | null = null;
    if (show !== 'all') {
      const found = await store.entries.listWithheld({
        withheld: show,
        sourceId,
        limit: PER_PAGE,
        offset: (n - 1) * PER_PAGE,
      });
      entries = found.entries;
      total = found.total;
    } else if (q) {
      const found = await store.entries.search({
        text: q,
        sourceId,
        order: 'recent',
        limit: PER_PAGE,
        offset: (n - 1) * PER_PAGE,
        now: new Date(),
        // The list shows no passages, and every copy of a story.
        snippets: false,
        oncePerStory: false,
      });
      entries = found.hits.map((h) => h.entry);
      total = found.total;
    } else {
      entries = (await store.entries.list({ sourceId, limit: PER_PAGE, includeWithheld: true })).entries;
    }
    const sources = await store.sources.getMany(entries.map((e) => e.sourceId));
    return c.html(
      <ArticlesPage
        site={site}
        session={c.get('session')}
        show={show}
        q={q}
        sourceId={sourceId ?? null}
        sourceName={sourceId ? await nameOf(sourceId) : null}
        entries={entries}
        total={total}
        sources={sources}
        page={n}
        message={doneMessage(c, DONE)}
        problem={problem}
      />,
      problem ? 400 : 200,
    );
  };
  const nameOf = async (id: number) => {
    const source = await store.sources.get(id);
    return source ? sourceDisplayName(source) : null;
  };
  admin.get('/articles', (c) => page(c));

  admin.post('/articles/withhold', async (c) => {
    const fields = await readForm(c);
    const ids = await checkedIds(c);
    if (ids.length === 0) return page(c, 'Check at least one article first.');
    const to: Withheld | null =
      fields.action === 'hide' ? 'hidden' : fields.action === 'hold' ? 'held' : null;
    const n = await store.entries.setWithheld(ids, to, actor(c), new Date());
    const done = to === 'hidden' ? 'hidden' : fields.action === 'publish' ? 'published' : 'shown';
    return c.redirect(withDone(safeBack(fields.back, '/admin/articles'), done, n), 303);
  });
}

const TITLES: Record<Show, string> = {
  all: 'Articles',
  held: 'Waiting for review',
  hidden: 'Hidden articles',
  filtered: 'Filtered out',
};
const STATE_WORDS: Record<Withheld | 'shown', string> = {
  shown: 'on the site',
  hidden: 'hidden',
  held: 'waiting for review',
  filtered: 'filtered out',
};
const STATE_CLASS: Record<Withheld | 'shown', string> = {
  shown: 'ok',
  hidden: 'bad',
  held: 'warn',
  filtered: 'warn',
};

function ArticlesPage(props: {
  site: Site;
  session: Session;
  show: Show;
  q: string;
  sourceId: number | null;
  sourceName: string | null;
  entries: Entry[];
  total: number | null;
  sources: Map<number, Source>;
  page: number;
  message: string | null;
  problem: string | null;
}) {
  const { site, show, entries } = props;
  const params = (extra: Record<string, string>) => {
    const p = new URLSearchParams();
    if (props.q) p.set('q', props.q);
    if (props.sourceId) p.set('source', String(props.sourceId));
    if (show !== 'all') p.set('show', show);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `/admin/articles${p.size ? `?${p.toString()}` : ''}`;
  };
  const back = params({ page: String(props.page) });
  const title = TITLES[show];
  return (
    <DeskLayout
      site={site}
      title={title}
      session={props.session}
      area="articles"
      message={props.message}
      problem={props.problem}
    >
      <h1>{title}</h1>
      <ArticleTabs current={show} />
      {show === 'all' ? (
        <form class="filters" method="get" action="/admin/articles" role="search" aria-label="Articles">
          <div class="field">
            <label for="articles-q">Words of the title, author or text</label>
            <input id="articles-q" type="search" name="q" value={props.q} />
          </div>
          {props.sourceId ? <input type="hidden" name="source" value={String(props.sourceId)} /> : null}
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
      ) : null}
      <p role="status">
        {props.sourceId ? (
          <>
            Of {props.sourceName ?? `source ${props.sourceId}`} (
            <a href={`/admin/articles${show === 'all' ? '' : `?show=${show}`}`}>every source</a>).{' '}
          </>
        ) : null}
        {entries.length === 0
          ? show === 'held'
            ? 'Nothing waits for review.'
            : show === 'hidden'
              ? 'No article is hidden.'
              : show === 'filtered'
                ? 'The sources’ intake rules keep nothing out.'
                : props.q
                  ? 'No article matches (hidden and held articles are not searched: see their tabs).'
                  : 'No articles yet.'
          : props.total !== null
            ? `${plural(props.total, 'article')}${props.q && show === 'all' ? ' match (hidden and held ones are not searched)' : ''}${show === 'filtered' ? ` kept out by ${props.total === 1 ? 'its' : 'their'} source’s intake rules (set on the source’s page); publishing one puts it on the site whatever the rules say` : ''}.`
            : show === 'all'
              ? `The newest ${plural(entries.length, 'article')}, hidden and held ones too.`
              : ''}
      </p>
      {entries.length > 0 ? (
        <form method="post" action="/admin/articles/withhold">
          <Csrf session={props.session} />
          <input type="hidden" name="back" value={back} />
          <fieldset class="bulk">
            <legend class="visually-hidden">With the checked articles</legend>
            <span>With the checked articles:</span>
            {show === 'held' || show === 'filtered' ? (
              <button type="submit" name="action" value="publish">
                Publish
              </button>
            ) : null}
            {show === 'all' || show === 'held' ? (
              <button type="submit" name="action" value="hide" class="secondary">
                Hide
              </button>
            ) : null}
            {show === 'hidden' ? (
              <button type="submit" name="action" value="show">
                Show again
              </button>
            ) : null}
          </fieldset>
          <ArticleTable title={title} entries={entries} sources={props.sources} language={site.language} />
        </form>
      ) : null}
      {props.total !== null && props.total > props.page * PER_PAGE ? (
        <nav class="pager" aria-label="Pages of articles">
          {props.page > 1 ? <a href={params({ page: String(props.page - 1) })}>← Previous</a> : <span />}
          <a href={params({ page: String(props.page + 1) })}>Next →</a>
        </nav>
      ) : null}
    </DeskLayout>
  );
}

function ArticleTable({
  title,
  entries,
  sources,
  language,
}: {
  title: string;
  entries: Entry[];
  sources: Map<number, Source>;
  language: string;
}) {
  return (
    <TableFrame label={title}>
      <table class="desk-table stack">
        <thead>
          <tr>
            <th scope="col" class="select">
              <span class="visually-hidden">Select</span>
            </th>
            <th scope="col">Article</th>
            <th scope="col">Source</th>
            <th scope="col">Published</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const source = sources.get(e.sourceId);
            return (
              <tr>
                <td class="select">
                  <input
                    type="checkbox"
                    name="id"
                    value={String(e.id)}
                    aria-label={`Select ${e.title ?? 'untitled article'}`}
                  />
                </td>
                <td>
                  {e.withheld ? (
                    (e.title ?? 'Untitled')
                  ) : (
                    <a href={articlePath(e)}>{e.title ?? 'Untitled'}</a>
                  )}
                  {e.author ? <div class="why">by {e.author}</div> : null}
                  {typeof e.story === 'number' ? (
                    <div class="why">
                      <a href={`/admin/stories/${e.story}`}>One copy of a story</a>
                    </div>
                  ) : null}
                  {e.url ? (
                    <div class="why url">
                      <a href={e.url} rel="noopener noreferrer">
                        {e.url}
                      </a>
                    </div>
                  ) : null}
                </td>
                <td data-label="Source">
                  {source ? <a href={`/admin/sources/${source.id}`}>{sourceDisplayName(source)}</a> : '?'}
                </td>
                <td data-label="Published">{formatDate(e.sortAt, language)}</td>
                <td data-label="State">
                  <span class={`state state-${STATE_CLASS[e.withheld ?? 'shown']}`}>
                    {STATE_WORDS[e.withheld ?? 'shown']}
                  </span>
                  {e.filter ? <div class="why">{e.filter.why}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableFrame>
  );
}
