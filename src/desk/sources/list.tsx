import { sourceDisplayName, type Source, type SourceStatus } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import { describeLastError, sourceState } from '../../sources/index.js';
import type { SectionCount, SourceHealth } from '../../store/index.js';
import { Csrf, DeskLayout, TableFrame, plural, type Site } from '../layout.js';
import { ago, duration } from '../time.js';

export interface SourceFilter {
  q: string;
  status: SourceStatus | 'failing' | '';
  /** A section's name, NO_SECTION for the sources of none, '' for any. */
  section: string;
  /** The moment of one import (ms), as its report links to; '' for any. */
  added: string;
  page: number;
}

/** The section filter's value for the sources of no section. */
export const NO_SECTION = '-';

export const SOURCES_PER_PAGE = 50;

const STATUS_CHOICES: ReadonlyArray<[SourceFilter['status'], string]> = [
  ['', 'every state'],
  ['failing', 'failing or disabled'],
  ['active', 'polled'],
  ['paused', 'paused'],
  ['disabled', 'disabled'],
];

/** A source's state as a word and a colour: polled, failing, paused, disabled. */
export function StateBadge({ source }: { source: Source }) {
  const state = sourceState(source);
  const tone = state === 'active' ? 'ok' : state === 'paused' ? 'warn' : 'bad';
  const word = state === 'active' ? 'polled' : state;
  return <span class={`state state-${tone}`}>{word}</span>;
}

/** The sources, failing first, with their health; filters above, bulk actions on the checked ones. */
export function SourceListPage(props: {
  site: Site;
  session: Session;
  filter: SourceFilter;
  sources: SourceHealth[];
  total: number;
  sections: SectionCount[];
  now: Date;
  message: string | null;
  problem?: string | null;
}) {
  const { filter, sources, total, now } = props;
  const pages = Math.max(1, Math.ceil(total / SOURCES_PER_PAGE));
  const query = (page: number) => {
    const params = new URLSearchParams({ q: filter.q, status: filter.status, page: String(page) });
    if (filter.section) params.set('section', filter.section);
    if (filter.added) params.set('added', filter.added);
    return `/admin/sources?${params.toString()}`;
  };
  const filtered = Boolean(filter.q || filter.status || filter.section || filter.added);
  return (
    <DeskLayout
      site={props.site}
      title="Sources"
      session={props.session}
      area="sources"
      message={props.message}
      problem={props.problem}
    >
      <h1>Sources</h1>
      <p class="actions">
        <a class="button" href="/admin/sources/new">
          Add a source
        </a>{' '}
        <a class="button secondary" href="/admin/sources/import">
          Import OPML
        </a>
      </p>
      <SourceFilters filter={filter} sections={props.sections} />
      {filter.added ? (
        <p>
          {`The sources added by the import of ${new Date(Number(filter.added)).toUTCString().replace('GMT', 'UTC')}. `}
          <a href="/admin/sources">Show every source</a>
        </p>
      ) : null}
      <p role="status">
        {total === 0
          ? filtered
            ? 'No source matches.'
            : 'No sources yet: add one, or import an OPML file.'
          : `${plural(total, 'source')}${pages > 1 ? `, page ${filter.page} of ${pages}` : ''}; failing ones first.`}
      </p>
      {sources.length > 0 ? (
        <form method="post" action="/admin/sources/bulk">
          <Csrf session={props.session} />
          <input type="hidden" name="back" value={query(filter.page)} />
          <fieldset class="bulk">
            <legend class="visually-hidden">With the checked sources</legend>
            <span>With the checked sources:</span>
            <button type="submit" name="action" value="refresh" class="secondary">
              Check now
            </button>
            <button type="submit" name="action" value="pause" class="secondary">
              Pause
            </button>
            <button type="submit" name="action" value="resume" class="secondary">
              Resume
            </button>
            <button type="submit" name="action" value="remove" class="secondary">
              Remove…
            </button>
          </fieldset>
          <SourceTable sources={sources} now={now} />
        </form>
      ) : null}
      {pages > 1 ? (
        <nav class="pager" aria-label="Pages of sources">
          {filter.page > 1 ? <a href={query(filter.page - 1)}>← Previous</a> : <span />}
          {filter.page < pages ? <a href={query(filter.page + 1)}>Next →</a> : <span />}
        </nav>
      ) : null}
    </DeskLayout>
  );
}

/** The search and the filters above the list. */
function SourceFilters({ filter, sections }: { filter: SourceFilter; sections: SectionCount[] }) {
  return (
    <form class="filters" method="get" action="/admin/sources" role="search" aria-label="Sources">
      <div class="field">
        <label for="filter-q">Name or address</label>
        <input id="filter-q" type="search" name="q" value={filter.q} />
      </div>
      <div class="field narrow">
        <label for="filter-status">State</label>
        <select id="filter-status" name="status">
          {STATUS_CHOICES.map(([value, label]) => (
            <option value={value} selected={filter.status === value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {sections.length > 0 ? (
        <div class="field narrow">
          <label for="filter-section">Section</label>
          <select id="filter-section" name="section">
            <option value="" selected={filter.section === ''}>
              every section
            </option>
            {sections.map((s) => (
              <option value={s.name} selected={filter.section === s.name}>
                {s.name} ({s.sources})
              </option>
            ))}
            <option value={NO_SECTION} selected={filter.section === NO_SECTION}>
              no section
            </option>
          </select>
        </div>
      ) : null}
      {filter.added ? <input type="hidden" name="added" value={filter.added} /> : null}
      <button type="submit" class="secondary">
        Show
      </button>
    </form>
  );
}

/** The sources with their health, each with a checkbox for the bulk form around it. */
function SourceTable({ sources, now }: { sources: SourceHealth[]; now: Date }) {
  return (
    <TableFrame label="Sources">
      <table class="desk-table stack">
        <thead>
          <tr>
            <th scope="col" class="select">
              <span class="visually-hidden">Select</span>
            </th>
            <th scope="col">Source</th>
            <th scope="col">State</th>
            <th scope="col">Last success</th>
            <th scope="col">Last error</th>
            <th scope="col" class="num">
              A day
            </th>
            <th scope="col" class="num">
              Fetch
            </th>
            <th scope="col" class="num">
              Articles
            </th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr>
              <td class="select">
                <input
                  type="checkbox"
                  name="id"
                  value={String(s.id)}
                  id={`pick-${s.id}`}
                  aria-label={`Select ${sourceDisplayName(s)}`}
                />
              </td>
              <td>
                <a href={`/admin/sources/${s.id}`}>{sourceDisplayName(s)}</a>
                <div class="why url">{s.feedUrl}</div>
                {s.section ? <div class="why">Section: {s.section}</div> : null}
              </td>
              <td data-label="State">
                <StateBadge source={s} />
                {s.holdNew ? <div class="why">holds new articles ({s.heldCount} waiting)</div> : null}
              </td>
              <td data-label="Last success">{ago(s.lastSuccessAt, now)}</td>
              <td data-label="Last error" class="why">
                {describeLastError(s) || '–'}
              </td>
              <td data-label="Articles a day" class="num">
                {s.entriesPerDay}
              </td>
              <td data-label="Mean fetch" class="num">
                {duration(s.meanFetchMs)}
              </td>
              <td data-label="Articles" class="num">
                {s.entryCount}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

/** What removing sources takes with it, and the button that does it. */
export function ConfirmRemovePage(props: {
  site: Site;
  session: Session;
  sources: Array<{ id: number; name: string; articles: number }>;
  back: string;
}) {
  const articles = props.sources.reduce((n, s) => n + s.articles, 0);
  return (
    <DeskLayout site={props.site} title="Remove sources" session={props.session} area="sources">
      <h1>Remove {plural(props.sources.length, 'source')}?</h1>
      <p>
        {plural(articles, 'article')} go with {props.sources.length === 1 ? 'it' : 'them'}, from every page of
        the site, and cannot be brought back except by adding the feed again (which republishes only what it
        still carries). To stop polling and keep the articles, pause instead.
      </p>
      <ul>
        {props.sources.map((s) => (
          <li>
            {s.name}: {plural(s.articles, 'article')}
          </li>
        ))}
      </ul>
      <form method="post" action="/admin/sources/bulk" class="actions">
        <Csrf session={props.session} />
        <input type="hidden" name="action" value="remove" />
        <input type="hidden" name="confirmed" value="yes" />
        <input type="hidden" name="back" value={props.back} />
        {props.sources.map((s) => (
          <input type="hidden" name="id" value={String(s.id)} />
        ))}
        <button type="submit" class="danger">
          Remove {plural(props.sources.length, 'source')} and {plural(articles, 'article')}
        </button>
        <a href={props.back}>Keep them</a>
      </form>
    </DeskLayout>
  );
}
