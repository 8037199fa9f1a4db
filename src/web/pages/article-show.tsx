import type { Config } from '../../config/index.js';
import { bodyHtml, type Entry } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { Attribution } from '../attribution.js';
import { excerptOf } from '../excerpt.js';
import { hostOf } from '../../model/url.js';
import { articleLanguage, formatDate } from '../format.js';
import { Layout } from '../layout.js';
import { articlePath } from '../paths.js';
import { entryFacets } from '../../model/facets.js';
import { AuthorLinks, TagLinks } from './facet-links.js';
import { LeadPicture } from './lead-image.js';
import { localText } from '../pictures.js';
import { mediaFileName, MEDIA_WIDTHS, type LeadImage } from '../../model/media.js';
import { withoutImage } from '../../markup/html-images.js';
import type { StoryCopy } from '../../store/index.js';

/** The width an article's lead image takes: the column of text. */
const ARTICLE_SIZES = '(max-width: 44rem) calc(100vw - 2rem), 42rem';
/** A thumbnail (an excerpt's image) beside the opening words. */
const THUMBNAIL_SIZES = '10rem';

/**
 * An article as the source's rights policy allows: the whole text (full), the opening words with a
 * link to read on (excerpt), or the title and the link alone (link). The attribution block is always there.
 */
export function ArticlePage(props: {
  site: Config['site'];
  entry: Entry;
  source: Source;
  takedownUrl: string;
  story?: Story;
}) {
  const { site, entry, source } = props;
  const sourceName = sourceDisplayName(source);
  const seo = source.searchEngines ?? site.searchEngines;
  const canonical = seo !== 'noindex' ? entry.url : null;
  const html = bodyHtml(entry);
  // What machines are given never goes beyond what the policy lets the page show: nothing of the
  // text for a link-only source.
  const description =
    html && source.policy !== 'link' ? excerptOf(html, Math.min(30, site.excerptWords)) : undefined;
  return (
    <Layout
      site={site}
      head={{
        title: entry.title ?? 'Untitled',
        description,
        canonical,
        noindex: seo !== 'canonical',
        social: socialTags(
          site,
          entry,
          sourceName,
          description,
          canonical ?? `${site.baseUrl}${articlePath(entry)}`,
          source.policy === 'full' ? (entry.image ?? null) : null,
        ),
        jsonLd: newsArticle(site, entry, source, sourceName, description),
      }}
    >
      <ArticleView
        site={site}
        entry={entry}
        source={source}
        takedownUrl={props.takedownUrl}
        story={props.story}
      />
    </Layout>
  );
}

/** The article itself, as its page shows it: header, the text the policy allows, attribution, tags. */
export function ArticleView(props: {
  site: Config['site'];
  entry: Entry;
  source: Source;
  takedownUrl: string;
  story?: Story | undefined;
}) {
  const { site, entry, source } = props;
  const sourceName = sourceDisplayName(source);
  const html = bodyHtml(entry);
  const siteUrl = source.siteUrl ?? (entry.url ? new URL(entry.url).origin : null);
  // The publisher's words in the publisher's language; the site's own words in the site's.
  const lang = articleLanguage(source, site.language);
  return (
    <article class="article">
      <header>
        <p class="kicker">
          <a href={`/sources/${source.id}`}>{sourceName}</a>
        </p>
        <h1 lang={lang}>{entry.title ?? 'Untitled'}</h1>
        <p class="meta">
          {entry.author ? (
            <span class="byline">
              By <AuthorLinks entry={entry} />
            </span>
          ) : null}
          {entry.publishedAt ? (
            <span>
              {entry.author ? '\u00a0· ' : ''}
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
        lang={lang}
        image={source.policy === 'link' ? null : (entry.image ?? null)}
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
      {props.story ? <StoryCarriers entry={entry} story={props.story} language={site.language} /> : null}
      <TagLinks entry={entry} />
    </article>
  );
}

/** The copies of an article's story on the site's pages, earliest first, and the sources they came from. */
export interface Story {
  copies: readonly StoryCopy[];
  sources: ReadonlyMap<number, Source>;
}

/**
 * Every source that carries the story, the first to publish it first: each named, with its own
 * original and its copy's page here (which carries its own attribution).
 */
function StoryCarriers(props: { entry: Entry; story: Story; language: string }) {
  const { entry, story } = props;
  const copies = story.copies.filter((copy) => story.sources.has(copy.entry.sourceId));
  if (copies.length < 2) return null;
  const first = copies[0]!.entry;
  return (
    <section class="carriers" id="carriers" aria-labelledby="carriers-title">
      <h2 id="carriers-title">
        {first.id === entry.id
          ? `Also carried by ${copies.length - 1} ${copies.length === 2 ? 'source' : 'sources'}`
          : `This story is carried by ${copies.length} sources`}
      </h2>
      <ol>
        {copies.map(({ entry: copy }) => {
          const name = sourceDisplayName(story.sources.get(copy.sourceId)!);
          return (
            <li>
              <a href={`/sources/${copy.sourceId}`}>{name}</a>
              {copy.id === first.id ? ' (first published)' : ''}
              {copy.id === entry.id ? (
                <span class="meta"> · this page</span>
              ) : (
                <span class="meta">
                  {' · '}
                  <a href={articlePath(copy)}>its copy here</a>
                </span>
              )}
              {copy.url ? (
                <span class="meta">
                  {' · '}
                  <a href={copy.url} rel="noopener">
                    the original{hostOf(copy.url) ? ` at ${hostOf(copy.url)}` : ''}
                  </a>
                </span>
              ) : null}
              <span class="meta">
                {' · '}
                <time datetime={copy.sortAt.toISOString()}>{formatDate(copy.sortAt, props.language)}</time>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ArticleBody(props: {
  policy: Source['policy'];
  html: string | null;
  entry: Entry;
  sourceName: string;
  words: number;
  lang: string | undefined;
  /** The lead image, from the site's copies: whole for the full text, a thumbnail for an excerpt. */
  image: LeadImage | null;
}) {
  const { entry, html, image } = props;
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
      <div class={image ? 'content excerpt with-thumbnail' : 'content excerpt'}>
        {image ? (
          <LeadPicture image={image} sizes={THUMBNAIL_SIZES} thumbnail eager class="thumbnail" />
        ) : null}
        <p lang={props.lang}>{excerptOf(html, props.words)}</p>
        {readOn}
      </div>
    );
  }
  // The lead image opens the article. Where the text opens with the same picture, the site's copy
  // stands in for it; where the text shows it further on, it is shown there, once.
  const found = image ? withoutImage(html, image.sourceUrl) : { place: 'absent' as const, html };
  const lead = image && found.place !== 'inline' ? image : null;
  return (
    <>
      {lead ? <LeadPicture image={lead} sizes={ARTICLE_SIZES} eager class="lead-image" /> : null}
      <div
        class="content"
        lang={props.lang}
        dangerouslySetInnerHTML={{ __html: localText(found.html, entry.pictures) }}
      />
    </>
  );
}

/** OpenGraph and Twitter card tags: a shared link shows the title, the passage, the source and the author. */
function socialTags(
  site: Config['site'],
  entry: Entry,
  sourceName: string,
  description: string | undefined,
  url: string,
  image: LeadImage | null,
): Array<{ property?: string; name?: string; content: string }> {
  const title = entry.title ?? 'Untitled';
  const widest = MEDIA_WIDTHS.find((w) => w >= (image?.width ?? 0)) ?? MEDIA_WIDTHS[MEDIA_WIDTHS.length - 1]!;
  const picture = image ? `${site.baseUrl}/media/${mediaFileName(image.key, widest, 'jpg')}` : null;
  return [
    { property: 'og:type', content: 'article' },
    { property: 'og:title', content: title },
    ...(description ? [{ property: 'og:description', content: description }] : []),
    { property: 'og:url', content: url },
    { property: 'og:site_name', content: site.name },
    ...(entry.publishedAt
      ? [{ property: 'article:published_time', content: entry.publishedAt.toISOString() }]
      : []),
    ...entryFacets(entry)
      .filter((f) => f.kind === 'author')
      .map((f) => ({ property: 'article:author', content: f.label })),
    { property: 'article:publisher', content: sourceName },
    ...(picture && image
      ? [
          { property: 'og:image', content: picture },
          { property: 'og:image:width', content: String(image.width) },
          { property: 'og:image:height', content: String(image.height) },
        ]
      : []),
    { name: 'twitter:card', content: picture ? 'summary_large_image' : 'summary' },
    { name: 'twitter:title', content: title },
    ...(description ? [{ name: 'twitter:description', content: description }] : []),
  ];
}

/**
 * schema.org NewsArticle: the author, the publisher and copyright holder (the source, never this
 * site), the dates, and isBasedOn the original.
 */
function newsArticle(
  site: Config['site'],
  entry: Entry,
  source: Source,
  sourceName: string,
  description: string | undefined,
): Record<string, unknown> {
  const publisher = {
    '@type': 'Organization',
    name: sourceName,
    ...(source.siteUrl ? { url: source.siteUrl } : {}),
  };
  const authors = entryFacets(entry)
    .filter((f) => f.kind === 'author')
    .map((f) => ({ '@type': 'Person', name: f.label }));
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: entry.title ?? 'Untitled',
    ...(description ? { description } : {}),
    url: `${site.baseUrl}${articlePath(entry)}`,
    ...(entry.url ? { isBasedOn: entry.url } : {}),
    ...(entry.publishedAt ? { datePublished: entry.publishedAt.toISOString() } : {}),
    ...(entry.updatedAt ? { dateModified: entry.updatedAt.toISOString() } : {}),
    ...(authors.length ? { author: authors } : {}),
    publisher,
    copyrightHolder: authors.length ? [publisher, ...authors] : publisher,
    ...(entry.categories.length ? { keywords: entry.categories.join(', ') } : {}),
  };
}
