import type { Config } from '../../config/index.js';
import { Layout } from '../layout.js';

/** What the site is, how it republishes, and how to reach its operator. */
export function AboutPage(props: { site: Config['site']; sources: number; articles: number }) {
  const { site } = props;
  const who = site.operator ?? `the operator of ${site.name}`;
  return (
    <Layout
      site={site}
      head={{ title: `About ${site.name}`, description: site.description, current: '/about' }}
    >
      <article class="prose">
        <h1>About {site.name}</h1>
        <p>{site.description}</p>
        <p>
          {site.name} brings together articles from {props.sources}{' '}
          {props.sources === 1 ? 'publisher' : 'publishers'} ({props.articles}{' '}
          {props.articles === 1 ? 'article' : 'articles'} at present), taken from the public feeds they offer.
          It is run by {who}.
        </p>
        <h2>Whose articles these are</h2>
        <p>
          Every article belongs to its publisher and its author. Each one names its author and its source,
          links to the original, and says that the content is courtesy of, and owned and copyrighted by, the
          site that published it and its author. Depending on what each publisher allows, an article is shown
          in full, as an excerpt with a link to read on at the source, or as its title and a link alone.
        </p>
        <p>
          So that a copy here never competes with the original in search results, article pages ask search
          engines{' '}
          {site.searchEngines === 'canonical'
            ? 'to treat the original as the canonical version.'
            : site.searchEngines === 'noindex'
              ? 'not to index them.'
              : 'not to index them, and name the original as the canonical version.'}
        </p>
        <h2>Removal</h2>
        <p>
          Authors and publishers can have their content removed, now and in the future, through the{' '}
          <a href="/takedown">takedown page</a>.
        </p>
        <h2>Following {site.name}</h2>
        <p>
          The latest articles are in <a href="/feed.xml">RSS</a>, <a href="/feed.atom">Atom</a> and{' '}
          <a href="/feed.json">JSON Feed</a>; every source, author, topic and search has feeds of its own too.
        </p>
        {site.contactEmail ? (
          <p>
            To reach {who}, write to <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>.
          </p>
        ) : null}
      </article>
    </Layout>
  );
}
