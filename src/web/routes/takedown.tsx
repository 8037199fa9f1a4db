import type { Context, Hono } from 'hono';
import type { Config } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import {
  checkCounterForm,
  checkRequestForm,
  type FieldErrors,
  type FormFields,
} from '../../takedown/form.js';
import { COUNTER_STATUS_PATH, STATUS_PATH, type Takedowns } from '../../takedown/service.js';
import { hashToken } from '../../takedown/tokens.js';
import { clientAddress, formGuards, readForm, type FormTokens } from '../forms.js';
import { NotFoundPage, TooLargePage } from '../pages/not-found.js';
import {
  CounterNoticePage,
  CounterNoticeStatusPage,
  TakedownFormPage,
  TakedownStatusPage,
} from '../pages/takedown.js';
import { RateLimiter } from '../rate-limit.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const EXPIRED_FORM =
  'For your security, this form has to be sent again: it was open too long, or your browser did not keep our cookie. Please check the fields and send it again.';

/** The public side of takedown: the request form, its status page and self-verification, counter-notices. */
export function registerTakedownRoutes(app: Hono, deps: TakedownDeps): void {
  const routes = new TakedownRoutes(deps);
  registerRequestForm(app, routes);
  registerRequestStatus(app, routes);
  registerCounterNotices(app, routes);
}

interface TakedownDeps {
  store: Store;
  config: Config;
  takedowns: Takedowns;
  formTokens: FormTokens;
  mailing: boolean;
  sendNotices: () => void;
}

/** What the public takedown routes share: the guards, the limits per address, and the not-found page. */
class TakedownRoutes {
  readonly guards: ReturnType<typeof formGuards>;
  /** Filing (a request or a counter-notice) is limited per address. */
  readonly filings: RateLimiter;
  /** Checking a verification token, a little less strictly. */
  readonly checks: RateLimiter;

  constructor(readonly deps: TakedownDeps) {
    this.guards = formGuards(deps.config.site.baseUrl, {}, (c, maxKb) =>
      c.html(<TooLargePage site={deps.config.site} maxKb={maxKb} />, 413),
    );
    this.filings = new RateLimiter(
      deps.store,
      'takedown-filing',
      deps.config.takedown.requestsPerHour,
      3_600_000,
    );
    this.checks = new RateLimiter(deps.store, 'takedown-check', 30, 3_600_000);
  }

  address(c: Context): string {
    return clientAddress(c, this.deps.config.server.trustProxy);
  }

  notFound(c: Context): Response | Promise<Response> {
    noStore(c);
    return c.html(
      <NotFoundPage
        site={this.deps.config.site}
        what="There is no request at this address. Please check the link you were given."
      />,
      404,
    );
  }
}

/** What a form refused by the hourly limit says above what was typed. */
function slowDown(retryAfter: number): string {
  const minutes = Math.ceil(retryAfter / 60);
  return `This address has sent several forms in the last hour. Please send this one again in ${minutes} minute${minutes === 1 ? '' : 's'}: what you typed is kept below.`;
}

function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
}

/** The request form: what to remove, the addresses, and the statements a notice needs. */
function registerRequestForm(app: Hono, routes: TakedownRoutes): void {
  const { deps, guards, filings } = routes;
  const { config, takedowns, formTokens } = deps;
  const site = config.site;
  const address = (c: Context) => routes.address(c);
  const showForm = async (
    c: Context,
    values: FormFields,
    errors: FieldErrors,
    status: 200 | 400 | 429 = 200,
  ) => {
    noStore(c);
    return c.html(
      <TakedownFormPage
        site={site}
        values={values}
        errors={errors}
        csrf={await formTokens.issue(c)}
        selfService={takedowns.selfService}
      />,
      status,
    );
  };

  app.get('/takedown', (c) => {
    const url = c.req.query('url');
    return showForm(c, url && URL.canParse(url) ? { urls: url, scope: 'article' } : {}, {});
  });

  app.post('/takedown', guards, async (c) => {
    const fields = await readForm(c);
    if (!(await formTokens.check(c, fields.csrf))) return showForm(c, fields, { form: EXPIRED_FORM }, 400);
    // A form sent back to be corrected does not count toward the hourly limit: only one that is checked.
    const checked = checkRequestForm(fields);
    if (!checked.ok) return showForm(c, fields, checked.errors, 400);
    const retryAfter = await filings.hit(address(c));
    if (retryAfter !== null) {
      c.header('Retry-After', String(retryAfter));
      return showForm(c, fields, { form: slowDown(retryAfter) }, 429);
    }
    const filed = await takedowns.submit(checked.value);
    if (!filed.ok) return showForm(c, fields, filed.errors, 400);
    deps.sendNotices();
    return c.redirect(`${STATUS_PATH}${filed.statusToken}?new=1`, 303);
  });
}

/** A request's private status page, and the publisher's self-verification from it. */
function registerRequestStatus(app: Hono, routes: TakedownRoutes): void {
  const { deps, guards, checks } = routes;
  const { store, config, takedowns, formTokens } = deps;
  const site = config.site;
  const address = (c: Context) => routes.address(c);
  const notFound = (c: Context) => routes.notFound(c);
  const requestOf = async (token: string) =>
    TOKEN.test(token) ? store.takedowns.findByStatusToken(hashToken(token)) : null;

  const showStatus = async (c: Context, token: string, verifyMessage: string | null) => {
    const request = await requestOf(token);
    if (!request) return notFound(c);
    noStore(c);
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(
      <TakedownStatusPage
        site={site}
        request={request}
        csrf={await formTokens.issue(c)}
        path={`${STATUS_PATH}${token}`}
        isNew={c.req.query('new') === '1'}
        selfService={takedowns.selfService}
        mailing={deps.mailing}
        verifyMessage={verifyMessage}
        counterNotices={await store.takedowns.counterNoticesOf(request.id)}
      />,
    );
  };

  app.get(`${STATUS_PATH}:token`, (c) => showStatus(c, c.req.param('token'), null));

  app.post(`${STATUS_PATH}:token/verify`, guards, async (c) => {
    const token = c.req.param('token');
    const request = await requestOf(token);
    if (!request) return notFound(c);
    const fields = await readForm(c);
    if (!(await formTokens.check(c, fields.csrf))) return showStatus(c, token, EXPIRED_FORM);
    const retryAfter = await checks.hit(address(c));
    if (retryAfter !== null)
      return showStatus(c, token, `Too many checks; please try again in ${retryAfter} s.`);
    const result = await takedowns.verify(request);
    if (result.outcome) deps.sendNotices();
    return showStatus(
      c,
      token,
      result.outcome
        ? `${result.message} The request is granted: ${result.outcome.removed} article(s) removed.`
        : result.message,
    );
  });
}

/** Counter-notices: the form, filed from a removal notice, and each one's status page. */
function registerCounterNotices(app: Hono, routes: TakedownRoutes): void {
  const { deps, guards, filings } = routes;
  const { store, config, formTokens, takedowns } = deps;
  const site = config.site;
  const address = (c: Context) => routes.address(c);
  const notFound = (c: Context) => routes.notFound(c);
  const showCounterForm = async (
    c: Context,
    values: FormFields,
    errors: FieldErrors,
    status: 200 | 400 | 429 = 200,
  ) => {
    noStore(c);
    return c.html(
      <CounterNoticePage site={site} values={values} errors={errors} csrf={await formTokens.issue(c)} />,
      status,
    );
  };

  app.get('/takedown/counter-notice', (c) =>
    showCounterForm(c, { reference: c.req.query('reference') ?? '' }, {}),
  );

  app.post('/takedown/counter-notice', guards, async (c) => {
    const fields = await readForm(c);
    if (!(await formTokens.check(c, fields.csrf)))
      return showCounterForm(c, fields, { form: EXPIRED_FORM }, 400);
    // As for a request: only a form that is checked counts toward the hourly limit.
    const checked = checkCounterForm(fields);
    if (!checked.ok) return showCounterForm(c, fields, checked.errors, 400);
    const retryAfter = await filings.hit(address(c));
    if (retryAfter !== null) {
      c.header('Retry-After', String(retryAfter));
      return showCounterForm(c, fields, { form: slowDown(retryAfter) }, 429);
    }
    const filed = await takedowns.fileCounterNotice(checked.value);
    if (!filed.ok) return showCounterForm(c, fields, filed.errors, 400);
    deps.sendNotices();
    return c.redirect(`${COUNTER_STATUS_PATH}${filed.statusToken}?new=1`, 303);
  });

  app.get(`${COUNTER_STATUS_PATH}:token`, async (c) => {
    const token = c.req.param('token');
    const notice = TOKEN.test(token)
      ? await store.takedowns.findCounterNoticeByStatusToken(hashToken(token))
      : null;
    const request = notice ? await store.takedowns.get(notice.requestId) : null;
    if (!notice || !request) return notFound(c);
    noStore(c);
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(
      <CounterNoticeStatusPage
        site={site}
        notice={notice}
        request={request}
        isNew={c.req.query('new') === '1'}
        mailing={deps.mailing}
      />,
    );
  });
}
