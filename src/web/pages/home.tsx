import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import type { Source } from '../../model/source.js';
import { Layout } from '../layout.js';
import { EntryCard, Pager } from './entry-card.js';

export function HomePage(props: {
  site: Config['site'];
  entries: Entry[];
  sources: Map<number, Source>;
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
          {props.entries.map((entry) => (
            <EntryCard entry={entry} source={props.sources.get(entry.sourceId)} language={site.language} />
          ))}
        </div>
      )}
      <Pager next={props.next} basePath="/" />
    </Layout>
  );
}
