import type { Entry } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { articleLanguage } from '../format.js';
import { articlePath } from '../paths.js';
import { formatDate } from '../format.js';
import { AuthorLinks } from './facet-links.js';

/** One entry in a listing: title, source, author, date. */
export function EntryCard(props: { entry: Entry; source: Source | undefined; language: string }) {
  const { entry, source } = props;
  return (
    <article class="card">
      <h2 lang={source ? articleLanguage(source, props.language) : undefined}>
        <a href={articlePath(entry)}>{entry.title ?? 'Untitled'}</a>
      </h2>
      <p class="meta">
        {source ? <a href={`/sources/${source.id}`}>{sourceDisplayName(source)}</a> : null}
        {entry.author ? (
          <span>
            {'\u00a0· '}
            <AuthorLinks entry={entry} />
          </span>
        ) : null}
        <span>
          {'\u00a0· '}
          <time datetime={entry.sortAt.toISOString()}>{formatDate(entry.sortAt, props.language)}</time>
        </span>
      </p>
    </article>
  );
}

/** "Older articles" link for cursor pagination. */
export function Pager(props: { next: string | null; basePath: string }) {
  if (!props.next) return null;
  return (
    <nav class="pager" aria-label="Pagination">
      <a href={`${props.basePath}?before=${props.next}`} rel="next">
        Older articles →
      </a>
    </nav>
  );
}
