import type { Config } from '../../config/index.js';
import type { Source } from '../../model/source.js';
import { sourceDisplayName } from '../../model/source.js';
import type { SearchPage as Results } from '../../store/index.js';
import { formatDate } from '../format.js';
import { Layout } from '../layout.js';
import { articlePath } from '../paths.js';
import { AuthorLinks } from './facet-links.js';

export interface SearchForm {
  q: string;
  source: string;
  from: string;
  to: string;
  order: 'relevance' | 'recent';
  page: number;
}

/** The search page: the form (no script needed), the results with their highlighted passages, and paging. */
export function SearchPage(props: {
  site: Config['site'];
  form: SearchForm;
  sources: Source[];
  results: Results | null;
  pageSize: number;
  /** The query string of this search without its page (for the paging links and the feed). */
  query: string;
  problem: string | null;
}) {
  const { site, form, results } = props;
  const title = form.q ? `Search: ${form.q}` : 'Search';
  const first = (form.page - 1) * props.pageSize;
  return (
    <Layout site={site} head={{ title, noindex: true }}>
      <h1>{form.q ? `Results for “${form.q}”` : 'Search'}</h1>
      <SearchFields form={form} sources={props.sources} />
      {props.problem ? (
        <p class="error-summary" role="alert">
          {props.problem}
        </p>
      ) : null}
      {results ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title" class="meta">
            {results.total === 0
              ? 'Nothing matches.'
              : `${results.moreThanTotal ? 'More than ' : ''}${results.total} ${results.total === 1 ? 'article matches' : 'articles match'}${
                  results.total > props.pageSize ? `; ${first + 1}–${first + results.hits.length} shown` : ''
                }.`}{' '}
            {form.q ? (
              <a href={`/search/feed.xml?${props.query}`} class="feed-link">
                Follow this search (RSS)
              </a>
            ) : null}
          </h2>
          {results.ignored.length > 0 ? (
            <p class="meta">
              {results.ignored.length === 1
                ? 'Left out, since most articles contain it: '
                : 'Left out, since most articles contain them: '}
              {results.ignored.map((word, i) => (
                <>
                  {i > 0 ? ', ' : ''}
                  <q>{word}</q>
                </>
              ))}
              . Put a word in quotes to require it.
            </p>
          ) : null}
          <div class="cards">
            {results.hits.map((hit) => (
              <article class="card">
                <h3>
                  <a href={articlePath(hit.entry)}>{hit.entry.title ?? 'Untitled'}</a>
                </h3>
                <p class="snippet" dangerouslySetInnerHTML={{ __html: hit.snippet }} />
                <p class="meta">
                  {hit.entry.author ? (
                    <>
                      <AuthorLinks entry={hit.entry} />
                      {'\u00a0· '}
                    </>
                  ) : null}
                  <time datetime={hit.entry.sortAt.toISOString()}>
                    {formatDate(hit.entry.sortAt, site.language)}
                  </time>
                </p>
              </article>
            ))}
          </div>
          <nav class="pager" aria-label="Pagination">
            {form.page > 1 ? (
              <a href={`/search?${props.query}&page=${form.page - 1}`} rel="prev">
                ← Previous results
              </a>
            ) : null}
            {first + results.hits.length < results.total ? (
              <a href={`/search?${props.query}&page=${form.page + 1}`} rel="next">
                More results →
              </a>
            ) : null}
          </nav>
        </section>
      ) : null}
    </Layout>
  );
}

/** The search form's fields: the words, a source, dates and the order. */
function SearchFields({ form, sources }: { form: SearchForm; sources: Source[] }) {
  return (
    <form class="search-form" method="get" action="/search" role="search" aria-label="Search with options">
      <div class="field">
        <label for="search-q">Words to find</label>
        <p class="hint" id="search-q-hint">
          All the words must appear. "Quotes" for a phrase, a trailing * for the start of a word, -word to
          leave a word out.
        </p>
        <input id="search-q" name="q" type="search" value={form.q} aria-describedby="search-q-hint" />
      </div>
      <div class="search-filters">
        <div class="field">
          <label for="search-source">Source</label>
          <select id="search-source" name="source">
            <option value="">All sources</option>
            {sources.map((s) => (
              <option value={String(s.id)} selected={form.source === String(s.id)}>
                {sourceDisplayName(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search-from">From</label>
          <input id="search-from" name="from" type="date" value={form.from} />
        </div>
        <div class="field">
          <label for="search-to">To</label>
          <input id="search-to" name="to" type="date" value={form.to} />
        </div>
        <div class="field">
          <label for="search-order">Order</label>
          <select id="search-order" name="order">
            <option value="relevance" selected={form.order === 'relevance'}>
              Best match
            </option>
            <option value="recent" selected={form.order === 'recent'}>
              Newest first
            </option>
          </select>
        </div>
      </div>
      <button type="submit">Search</button>
    </form>
  );
}
