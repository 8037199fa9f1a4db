import type { Config } from '../../config/index.js';
import type { Entry } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { Attribution } from '../attribution.js';
import { excerptOf } from '../excerpt.js';
import { formatDate, hostOf } from '../format.js';
import { Layout } from '../layout.js';
import { AuthorLinks, TagLinks } from './facet-show.js';

/**
 * An article as the source's rights policy allows: the whole text (full), the opening words with a
 * link to read on (excerpt), or the title and the link alone (link). The attribution block is always there.
 */
export function ArticlePage(props: {
  site: Config['site'];
  entry: Entry;
  source: Source;
  takedownUrl: string;
}) {
  const { site, entry, source } = props;
  const sourceName = sourceDisplayName(source);
  const seo = site.searchEngines;
  const canonical = seo !== 'noindex' ? entry.url : null;
  const html = entry.contentHtml ?? entry.summaryHtml;
  const siteUrl = source.siteUrl ?? (entry.url ? new URL(entry.url).origin : null);
  return (
    <Layout
      site={site}
      head={{
        title: entry.title ?? 'Untitled',
        description: html ? excerptOf(html, 30) : undefined,
        canonical,
        noindex: seo !== 'canonical',
      }}
    >
      <article class="article">
        <header>
          <p class="kicker">
            <a href={`/sources/${source.id}`}>{sourceName}</a>
          </p>
          <h1>{entry.title ?? 'Untitled'}</h1>
          <p class="meta">
            {entry.author ? (
              <span class="byline">
                By <AuthorLinks entry={entry} />
              </span>
            ) : null}
            {entry.publishedAt ? (
              <span>
                {entry.author ? ' · ' : ''}
                <time datetime={entry.publishedAt.toISOString()}>
                  {formatDate(entry.publishedAt, site.language)}
                </time>
              </span>
            ) : null}
          </p>
        </header>
        <ArticleBody
          policy={source.policy}
          html={html}
          entry={entry}
          sourceName={sourceName}
          words={site.excerptWords}
        />
        <Attribution
          template={source.attributionTemplate ?? site.attribution}
          values={{
            author: entry.author ?? 'not named by the source',
            source: sourceName,
            site: site.name,
            title: entry.title ?? 'Untitled',
          }}
          targets={{ original: entry.url, source_site: siteUrl, takedown: props.takedownUrl }}
        />
        <TagLinks entry={entry} />
      </article>
    </Layout>
  );
}

function ArticleBody(props: {
  policy: Source['policy'];
  html: string | null;
  entry: Entry;
  sourceName: string;
  words: number;
}) {
  const { entry, html } = props;
  const readOn = entry.url ? (
    <p class="read-on">
      <a href={entry.url} rel="noopener">
        Continue reading at {props.sourceName}
        {hostOf(entry.url) ? ` (${hostOf(entry.url)})` : ''} →
      </a>
    </p>
  ) : null;
  if (props.policy === 'link' || !html) return readOn;
  if (props.policy === 'excerpt') {
    return (
      <div class="content excerpt">
        <p>{excerptOf(html, props.words)}</p>
        {readOn}
      </div>
    );
  }
  return <div class="content" dangerouslySetInnerHTML={{ __html: html }} />;
}
