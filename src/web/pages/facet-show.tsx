import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import type { FacetKind } from '../../model/facets.js';
import type { Source } from '../../model/source.js';
import { Layout } from '../layout.js';
import { facetPath } from '../paths.js';
import { EntryCard, Pager } from './entry-card.js';

/** An author's or a tag's articles, from every source, newest first. */
export function FacetPage(props: {
  site: Config['site'];
  kind: FacetKind;
  facetKey: string;
  label: string;
  entries: Entry[];
  sources: Map<number, Source>;
  next: string | null;
  paged: boolean;
}) {
  const { site, kind, label } = props;
  const title = kind === 'author' ? `Articles by ${label}` : `Articles about ${label}`;
  return (
    <Layout
      site={site}
      head={{
        title: props.paged ? `${title} (older)` : title,
        description:
          kind === 'author'
            ? `Articles by ${label}, republished by ${site.name} with attribution.`
            : `Articles tagged “${label}”, republished by ${site.name} with attribution.`,
        feeds: facetPath(kind, props.facetKey),
      }}
    >
      <header class="source-header">
        <p class="kicker">{kind === 'author' ? 'Author' : 'Topic'}</p>
        <h1>{label}</h1>
        {kind === 'author' ? (
          <p class="meta">
            As the publishers’ feeds name the author. Each article links to its original and says whose it is.
          </p>
        ) : null}
      </header>
      <div class="cards">
        {props.entries.map((entry, i) => (
          <EntryCard entry={entry} source={props.sources.get(entry.sourceId)} site={site} eager={i < 3} />
        ))}
      </div>
      <Pager next={props.next} basePath={facetPath(kind, props.facetKey)} />
    </Layout>
  );
}
