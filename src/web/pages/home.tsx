import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { Layout } from '../layout.js';
import { carriersOf, EntryCard, Pager } from './entry-card.js';

export function HomePage(props: {
  site: Config['site'];
  entries: Entry[];
  sources: Map<number, Source>;
  /** For each story on the page, the sources that carry it (store StoryRepository.carriers). */
  carriers?: ReadonlyMap<number, readonly number[]>;
  /** The articles left off the page because their source has its share of it already. */
  folded?: ReadonlyArray<{ sourceId: number; count: number }>;
  next: string | null;
  paged: boolean;
}) {
  const { site } = props;
  return (
    <Layout
      site={site}
      head={{ title: props.paged ? 'Older articles' : site.name, description: site.description, feeds: '/' }}
    >
      <h1 class={props.paged ? '' : 'visually-hidden'}>
        {props.paged ? 'Older articles' : `Latest from ${site.name}`}
      </h1>
      {props.entries.length === 0 ? (
        <p class="empty">
          No articles yet. Sources are polled in the background; add one with{' '}
          <code>courtesy sources add URL</code>.
        </p>
      ) : (
        <div class="cards">
          {props.entries.map((entry, i) => (
            <EntryCard
              entry={entry}
              source={props.sources.get(entry.sourceId)}
              carriers={carriersOf(entry, props.carriers, props.sources)}
              site={site}
              eager={i < 3}
            />
          ))}
        </div>
      )}
      <MoreFrom folded={props.folded ?? []} sources={props.sources} />
      <Pager next={props.next} basePath="/" />
    </Layout>
  );
}

/** Where the articles a page left off are: on their source's page ("and 12 more from …"). */
export function MoreFrom(props: {
  folded: ReadonlyArray<{ sourceId: number; count: number }>;
  sources: Map<number, Source>;
}) {
  const shown = props.folded.filter((f) => props.sources.has(f.sourceId));
  if (shown.length === 0) return null;
  return (
    <p class="more-from">
      Also new:{' '}
      {shown.map((f, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <a href={`/sources/${f.sourceId}`}>
            {f.count} more from {sourceDisplayName(props.sources.get(f.sourceId)!)}
          </a>
        </>
      ))}
      .
    </p>
  );
}
