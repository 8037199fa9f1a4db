import type { Config } from '../../config/index.js';
import type { CounterNotice, TakedownRequest } from '../../model/takedown.js';
import { describeScope } from '../../model/takedown.js';
import {
  COUNTER_STATEMENTS,
  MAX_URLS,
  REQUEST_STATEMENTS,
  type FieldErrors,
  type FormFields,
} from '../../takedown/form.js';
import { META_NAME, WELL_KNOWN_PATH } from '../../takedown/verify.js';
import { formatDate } from '../format.js';
import { Layout } from '../layout.js';
import { Choice, ErrorSummary, Field, Statements } from './form-fields.js';

const REQUEST_LABELS: Record<string, string> = {
  name: 'Your full name',
  email: 'Your email address',
  capacity: 'You are',
  scope: 'What should be removed',
  urls: 'Addresses',
  author: 'Author',
  message: 'Message',
  statements: 'Statements',
  signature: 'Signature',
  form: 'Form',
};

/**
 * The takedown and contact page: how to reach the operator, and the request form whose fields
 * cover what a DMCA §512(c)(3) notice and an EU DSA Art. 16 notice need.
 */
export function TakedownFormPage(props: {
  site: Config['site'];
  values: FormFields;
  errors: FieldErrors;
  csrf: string;
  selfService: boolean;
}) {
  const { site, values, errors } = props;
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout
      site={site}
      head={{
        title: hasErrors ? 'Error: takedown request' : 'Takedown requests and contact',
        current: '/takedown',
      }}
    >
      <TakedownIntro site={site} />
      <form class="request-form" method="post" action="/takedown" novalidate>
        <h2>Request removal</h2>
        <ErrorSummary errors={errors} labels={REQUEST_LABELS} />
        <input type="hidden" name="csrf" value={props.csrf} />
        <Field
          name="name"
          label={REQUEST_LABELS.name ?? ''}
          autocomplete="name"
          required
          values={values}
          errors={errors}
        />
        <Field
          name="email"
          label={REQUEST_LABELS.email ?? ''}
          type="email"
          autocomplete="email"
          hint="We send the receipt and the decision here."
          required
          values={values}
          errors={errors}
        />
        <Choice
          name="capacity"
          legend="You are"
          values={values}
          errors={errors}
          options={[
            { value: 'author', label: 'the author of the content' },
            { value: 'publisher', label: 'a representative of the site that published it' },
          ]}
        />
        <Choice
          name="scope"
          legend="What should be removed"
          values={values}
          errors={errors}
          options={[
            { value: 'article', label: 'These articles', hint: '(the addresses below)' },
            {
              value: 'author',
              label: 'Everything by one author from this source',
              hint: '(give the author’s name below)',
            },
            {
              value: 'site',
              label: 'Everything from the site',
              hint: props.selfService
                ? '(you can confirm it at once by putting a token on the site)'
                : undefined,
            },
          ]}
        />
        <Field
          name="urls"
          label="Addresses of the content"
          hint={`One per line, at most ${MAX_URLS}: the article on this site, or the original on your site. For a whole site or author, one article is enough.`}
          rows={4}
          required
          values={values}
          errors={errors}
        />
        <Field
          name="author"
          label="The author’s name, as the articles show it"
          hint="Only for “everything by one author”."
          autocomplete="off"
          values={values}
          errors={errors}
        />
        <Field
          name="message"
          label="Message (optional)"
          hint="Anything we should know: for example, which rights you hold."
          rows={4}
          values={values}
          errors={errors}
        />
        <Statements statements={REQUEST_STATEMENTS} values={values} errors={errors} />
        <Field
          name="signature"
          label="Signature: type your full name"
          hint="Typing your name here signs this notice electronically."
          autocomplete="name"
          required
          values={values}
          errors={errors}
        />
        <button type="submit">Send the request</button>
      </form>
    </Layout>
  );
}

/** What the page says before the form: what the site does, and where else to write. */
function TakedownIntro({ site }: { site: Config['site'] }) {
  const who = site.operator ?? `the operator of ${site.name}`;
  return (
    <article class="prose">
      <h1>Takedown requests and contact</h1>
      <p>
        {site.name} republishes articles from the public feeds that their publishers offer, always naming the
        author and the source and linking to the original. The content remains owned and copyrighted by its
        publisher and its author.
      </p>
      <p>
        If you are the author of an article shown here, or you represent the site it comes from, and you would
        like it removed, now and in the future, please use this form. Once a request is granted, the content
        disappears from every page and feed of this site at once, and later articles in its scope are never
        republished.
      </p>
      {site.contactEmail ? (
        <p>
          For anything else, write to {who} at <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>
          .
        </p>
      ) : null}
      <p>
        Already filed a request? Its status page is at the link we gave you. If content of yours was removed
        by mistake, you can <a href="/takedown/counter-notice">file a counter-notice</a>.
      </p>
    </article>
  );
}

const STATE_WORDS: Record<TakedownRequest['state'], string> = {
  received: 'Received: awaiting a decision',
  granted: 'Granted: the content has been removed',
  rejected: 'Not granted',
};

/** The requester's view of a request, reached only through the unguessable link they were given. */
/** What became of the receipt: queued to be sent, or none, since the site sends no email. */
function MailState(props: { mailing: boolean; email: string }) {
  return props.mailing ? (
    <>A receipt is on its way to {props.email}.</>
  ) : (
    <>
      This site sends no email, so no receipt was sent to {props.email}: this page is your receipt, and the
      operator will write to that address about the decision.
    </>
  );
}

export function TakedownStatusPage(props: {
  site: Config['site'];
  request: TakedownRequest;
  csrf: string;
  /** The path of this status page (it holds the token). */
  path: string;
  isNew: boolean;
  selfService: boolean;
  /** Whether notices are emailed (an SMTP server is configured). */
  mailing: boolean;
  verifyMessage: string | null;
  counterNotices: CounterNotice[];
}) {
  const { site, request: r } = props;
  const canVerify = props.selfService && r.scope === 'site' && r.state === 'received';
  return (
    <Layout site={site} head={{ title: `Takedown request ${r.reference}`, noindex: true }}>
      <article class="prose">
        {props.isNew ? (
          <p class="notice" role="status">
            Thank you: your request has been received. <MailState mailing={props.mailing} email={r.email} />{' '}
            Keep the address of this page: it is the only way to see your request.
          </p>
        ) : null}
        <h1>Takedown request {r.reference}</h1>
        {props.verifyMessage ? (
          <p class="notice" role="status">
            {props.verifyMessage}
          </p>
        ) : null}
        <dl class="facts">
          <dt>State</dt>
          <dd class={`state state-${r.state}`}>{STATE_WORDS[r.state]}</dd>
          <dt>Filed</dt>
          <dd>{formatDate(r.createdAt, site.language)}</dd>
          <dt>Asked</dt>
          <dd>Remove {describeScope(r)}</dd>
          <dt>Addresses</dt>
          <dd>
            <ul>
              {r.urls.map((u) => (
                <li>
                  <code>{u}</code>
                </li>
              ))}
            </ul>
          </dd>
          {r.decidedAt ? (
            <>
              <dt>Decided</dt>
              <dd>{formatDate(r.decidedAt, site.language)}</dd>
            </>
          ) : null}
          {r.decisionReason ? (
            <>
              <dt>Reason</dt>
              <dd>{r.decisionReason}</dd>
            </>
          ) : null}
        </dl>
        {r.state === 'rejected' ? (
          <p>
            To appeal, reply to the email that told you of the decision, or{' '}
            <a href="/takedown">file a new request</a> with what was missing.
          </p>
        ) : null}
        {canVerify ? (
          <section aria-labelledby="verify-title">
            <h2 id="verify-title">Confirm it at once from your site</h2>
            <p>
              Show that you control the site, and the request is granted without waiting for review. Either:
            </p>
            <ul>
              <li>
                serve a file at <code>{WELL_KNOWN_PATH}</code> on the site with this line in it, or
              </li>
              <li>
                put <code>{`<meta name="${META_NAME}" content="${r.verifyToken}">`}</code> in the head of the
                site’s home page,
              </li>
            </ul>
            <p>
              The token: <code class="token">{r.verifyToken}</code>
            </p>
            <p>then check:</p>
            {!props.verifyMessage && r.lastVerifyResult ? (
              <p class="hint">Last check: {r.lastVerifyResult}</p>
            ) : null}
            <form method="post" action={`${props.path}/verify`}>
              <input type="hidden" name="csrf" value={props.csrf} />
              <button type="submit">Check now</button>
            </form>
          </section>
        ) : null}
        {props.counterNotices.length > 0 ? (
          <section aria-labelledby="counter-title">
            <h2 id="counter-title">Counter-notices</h2>
            <ul>
              {props.counterNotices.map((c) => (
                <li>
                  {c.reference}, filed {formatDate(c.createdAt, site.language)}:{' '}
                  {c.state === 'received'
                    ? 'awaiting a decision'
                    : c.state === 'upheld'
                      ? 'upheld'
                      : 'not upheld'}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </article>
    </Layout>
  );
}

const COUNTER_LABELS: Record<string, string> = {
  reference: 'Reference',
  name: 'Your full name',
  email: 'Your email address',
  address: 'Postal address',
  explanation: 'Why the removal was a mistake',
  statements: 'Statements',
  signature: 'Signature',
  form: 'Form',
};

/** The counter-notice form: for whoever published content that a granted request removed. */
export function CounterNoticePage(props: {
  site: Config['site'];
  values: FormFields;
  errors: FieldErrors;
  csrf: string;
}) {
  const { site, values, errors } = props;
  return (
    <Layout site={site} head={{ title: 'Counter-notice', noindex: true }}>
      <article class="prose">
        <h1>Counter-notice</h1>
        <p>
          If content of yours was removed from {site.name} after a takedown request, and you believe that was
          a mistake, you can ask for the decision to be reviewed. We send a copy of your counter-notice,
          including your name and address, to the person who filed the request. If an operator upholds it, the
          removal rules end and the content may appear again when its feed next brings it.
        </p>
      </article>
      <form class="request-form" method="post" action="/takedown/counter-notice" novalidate>
        <ErrorSummary errors={errors} labels={COUNTER_LABELS} />
        <input type="hidden" name="csrf" value={props.csrf} />
        <Field
          name="reference"
          label="Reference of the removal"
          hint="TD- and eight letters and digits, as the removal notice shows it."
          autocomplete="off"
          required
          values={values}
          errors={errors}
        />
        <Field
          name="name"
          label="Your full name"
          autocomplete="name"
          required
          values={values}
          errors={errors}
        />
        <Field
          name="email"
          label="Your email address"
          type="email"
          autocomplete="email"
          required
          values={values}
          errors={errors}
        />
        <Field
          name="address"
          label="Postal address"
          autocomplete="street-address"
          rows={3}
          required
          values={values}
          errors={errors}
        />
        <Field
          name="explanation"
          label="Why the removal was a mistake"
          rows={5}
          required
          values={values}
          errors={errors}
        />
        <Statements statements={COUNTER_STATEMENTS} values={values} errors={errors} />
        <Field
          name="signature"
          label="Signature: type your full name"
          autocomplete="name"
          required
          values={values}
          errors={errors}
        />
        <button type="submit">Send the counter-notice</button>
      </form>
    </Layout>
  );
}

/** The filer's view of a counter-notice. */
export function CounterNoticeStatusPage(props: {
  site: Config['site'];
  notice: CounterNotice;
  request: TakedownRequest;
  isNew: boolean;
  mailing: boolean;
}) {
  const { site, notice: c } = props;
  const state =
    c.state === 'received'
      ? 'Received: awaiting a decision'
      : c.state === 'upheld'
        ? 'Upheld: the removal rules no longer apply'
        : 'Not upheld: the content stays removed';
  return (
    <Layout site={site} head={{ title: `Counter-notice ${c.reference}`, noindex: true }}>
      <article class="prose">
        {props.isNew ? (
          <p class="notice" role="status">
            Thank you: your counter-notice has been received.{' '}
            <MailState mailing={props.mailing} email={c.email} /> Keep the address of this page.
          </p>
        ) : null}
        <h1>Counter-notice {c.reference}</h1>
        <dl class="facts">
          <dt>State</dt>
          <dd>{state}</dd>
          <dt>Against</dt>
          <dd>takedown request {props.request.reference}</dd>
          <dt>Filed</dt>
          <dd>{formatDate(c.createdAt, site.language)}</dd>
          {c.decisionReason ? (
            <>
              <dt>Reason</dt>
              <dd>{c.decisionReason}</dd>
            </>
          ) : null}
        </dl>
      </article>
    </Layout>
  );
}
