import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import type { Source } from '../../model/source.js';
import { Layout } from '../layout.js';
import { sectionPath, type Section } from '../sections.js';
import { carriersOf, EntryCard, Pager } from './entry-card.js';
import { MoreFrom } from './home.js';

/** A section's page: the newest articles of its sources, each source held to its share, as on the home page. */
export function SectionPage(props: {
  site: Config['site'];
  section: Section;
  entries: Entry[];
  sources: Map<number, Source>;
  /** For each story on the page, the sources that carry it (store StoryRepository.carriers). */
  carriers?: ReadonlyMap<number, readonly number[]>;
  folded: ReadonlyArray<{ sourceId: number; count: number }>;
  next: string | null;
}) {
  const { site, section } = props;
  const path = sectionPath(section);
  const count = section.sourceIds.length;
  return (
    <Layout
      site={site}
      head={{
        title: section.name,
        description: `${section.name}: the newest articles on ${site.name}`,
        feeds: path,
      }}
    >
      <header class="source-header">
        <h1>{section.name}</h1>
        <p class="meta">
          From {count} {count === 1 ? 'source' : 'sources'}; <a href="/sources">every source</a>.
        </p>
      </header>
      {props.entries.length === 0 ? <p class="empty">No articles in this section yet.</p> : null}
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
      <MoreFrom folded={props.folded} sources={props.sources} />
      <Pager next={props.next} basePath={path} />
    </Layout>
  );
}
