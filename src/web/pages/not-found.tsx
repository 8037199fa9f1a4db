import type { Config } from '../../config/index.js';
import { formatDate } from '../format.js';
import { Layout } from '../layout.js';

export function NotFoundPage(props: { site: Config['site']; what?: string }) {
  return (
    <Layout site={props.site} head={{ title: 'Not found', noindex: true }}>
      <article class="prose">
        <h1>Not found</h1>
        <p>{props.what ?? 'There is no page at this address.'}</p>
        <p>
          The <a href="/">latest articles</a> and the list of <a href="/sources">sources</a> are good places
          to start.
        </p>
      </article>
    </Layout>
  );
}

export function ErrorPage(props: { site: Config['site'] }) {
  return (
    <Layout site={props.site} head={{ title: 'Something went wrong', noindex: true }}>
      <article class="prose">
        <h1>Something went wrong</h1>
        <p>The page could not be shown just now. Please try again in a moment.</p>
      </article>
    </Layout>
  );
}

/** A form posted from another site (the CSRF guard's answer). */
export function ForbiddenPage(props: { site: Config['site'] }) {
  return (
    <Layout site={props.site} head={{ title: 'Not accepted', noindex: true }}>
      <article class="prose">
        <h1>This form was not accepted</h1>
        <p>
          It did not come from a page of this site. If you filled it in here, please go back, reload the page
          and send it again.
        </p>
      </article>
    </Layout>
  );
}

/** A form's post larger than any the form needs (413): nothing of it was read or kept. */
export function TooLargePage(props: { site: Config['site']; maxKb: number }) {
  return (
    <Layout site={props.site} head={{ title: 'Too large', noindex: true }}>
      <article class="prose">
        <h1>This form was too large to accept</h1>
        <p>
          What was sent is larger than this form takes ({props.maxKb.toLocaleString('en')} KB at most), so
          none of it was read or kept. Please go back, shorten the longest field (the links or the
          explanation) and send it again; a very long list of addresses can be split over two requests.
        </p>
      </article>
    </Layout>
  );
}

/** An article removed at the request of its author or publisher: 410 Gone, with nothing of it. */
export function GonePage(props: {
  site: Config['site'];
  removedAt: Date;
  reference: string | null;
  /** An article (the default), or a whole source, whose name is not shown either. */
  what?: 'article' | 'source';
}) {
  const source = props.what === 'source';
  return (
    <Layout site={props.site} head={{ title: 'Removed', noindex: true }}>
      <article class="prose">
        <h1>{source ? 'This source has been removed' : 'This article has been removed'}</h1>
        <p>
          {source ? 'Its articles were' : 'It was'} removed on{' '}
          {formatDate(props.removedAt, props.site.language)} at the request of{' '}
          {source ? 'their publisher' : 'its author or publisher'}
          {props.reference ? <> (request {props.reference})</> : null}, and {source ? 'they' : 'it'} will not
          be republished here.
        </p>
        {props.reference ? (
          <p>
            If {source ? 'they are' : 'it is'} yours and you believe {source ? 'they were' : 'it was'} removed
            by mistake, you can{' '}
            <a href={`/takedown/counter-notice?reference=${props.reference}`}>file a counter-notice</a>.
          </p>
        ) : null}
        <p>
          The <a href="/">latest articles</a> are on the home page.
        </p>
      </article>
    </Layout>
  );
}
