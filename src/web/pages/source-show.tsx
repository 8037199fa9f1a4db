import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import { sectionKey, sourceDisplayName, type Source } from '../../model/source.js';
import type { SourceListItem } from '../../store/index.js';
import { Layout } from '../layout.js';
import { sectionPath, type Section } from '../sections.js';
import { EntryCard, Pager } from './entry-card.js';

const POLICY_WORDS: Record<Source['policy'], string> = {
  full: 'Articles are shown in full.',
  excerpt: 'Articles are shown as excerpts, with a link to read them at the source.',
  link: 'Articles are listed by title, with a link to read them at the source.',
};

export function SourcePage(props: {
  site: Config['site'];
  source: Source;
  entries: Entry[];
  next: string | null;
}) {
  const { site, source } = props;
  const name = sourceDisplayName(source);
  const sources = new Map([[source.id, source]]);
  return (
    <Layout
      site={site}
      head={{
        title: name,
        description: source.description ?? `Articles from ${name}`,
        feeds: `/sources/${source.id}`,
      }}
    >
      <header class="source-header">
        <h1>{name}</h1>
        {source.description ? <p class="lede">{source.description}</p> : null}
        <p class="meta">
          {source.siteUrl ? (
            <a href={source.siteUrl} rel="noopener">
              Visit {name}
            </a>
          ) : null}
          {source.siteUrl ? '\u00a0· ' : ''}
          {POLICY_WORDS[source.policy]}
          {source.section && sectionKey(source.section) ? (
            <>
              {'\u00a0· In '}
              <a href={sectionPath({ key: sectionKey(source.section) })}>{source.section}</a>
            </>
          ) : null}
        </p>
      </header>
      {props.entries.length === 0 ? <p class="empty">No articles from this source yet.</p> : null}
      <div class="cards">
        {props.entries.map((entry, i) => (
          <EntryCard entry={entry} source={sources.get(entry.sourceId)} site={site} eager={i < 3} />
        ))}
      </div>
      <Pager next={props.next} basePath={`/sources/${source.id}`} />
    </Layout>
  );
}

export function SourcesPage(props: {
  site: Config['site'];
  sources: SourceListItem[];
  sections?: Section[];
}) {
  return (
    <Layout site={props.site} head={{ title: 'Sources', current: '/sources' }}>
      <h1>Sources</h1>
      {props.sections?.length ? (
        <nav aria-label="Sections" class="sections">
          <h2>Sections</h2>
          <ul class="source-list">
            {props.sections.map((section) => (
              <li>
                <a href={sectionPath(section)}>{section.name}</a>
                <span class="meta">
                  {' '}
                  · {section.sourceIds.length} {section.sourceIds.length === 1 ? 'source' : 'sources'}
                </span>
              </li>
            ))}
          </ul>
          <h2>Every source</h2>
        </nav>
      ) : null}
      <p>Every publisher whose public feed {props.site.name} republishes, with a link to their own site.</p>
      <ul class="source-list">
        {props.sources.map((s) => (
          <li>
            <a href={`/sources/${s.id}`}>{sourceDisplayName(s)}</a>
            <span class="meta">
              {' '}
              · {s.entryCount} {s.entryCount === 1 ? 'article' : 'articles'}
            </span>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
