import type { Config } from '../../config/index.js';
import { Layout } from '../layout.js';

/**
 * How an author or a publisher reaches the operator to have content removed. The attribution block on
 * every article links here.
 */
export function ContactPage(props: { site: Config['site'] }) {
  const { site } = props;
  const who = site.operator ?? `the operator of ${site.name}`;
  return (
    <Layout site={site} head={{ title: 'Takedown requests and contact' }}>
      <article class="prose">
        <h1>Takedown requests and contact</h1>
        <p>
          {site.name} republishes articles from the public feeds that their publishers offer, always naming
          the author and the source and linking to the original. The content remains owned and copyrighted by
          its publisher and its author.
        </p>
        <h2>Removing content</h2>
        <p>
          If you are the author of an article shown here, or you represent the site it comes from, and you
          would like it removed — now and in the future — write to {who}
          {site.contactEmail ? (
            <>
              {' '}
              at <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>
            </>
          ) : null}
          . Please include:
        </p>
        <ul>
          <li>the address of the article on this site, or of the original, for each article concerned;</li>
          <li>whether you ask for one article, everything by one author, or everything from your site;</li>
          <li>your name, and whether you are the author or speak for the publishing site;</li>
          <li>a way to reach you.</li>
        </ul>
        <p>
          Once a request is granted, the content disappears from every page and feed of this site, and later
          articles in its scope are never republished.
        </p>
        {site.contactEmail ? null : (
          <p class="notice">
            The operator has not published a contact address yet. Until they do, please use the contact
            details on the site's own domain.
          </p>
        )}
      </article>
    </Layout>
  );
}
