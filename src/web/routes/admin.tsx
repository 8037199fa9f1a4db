import { Hono, type Context } from 'hono';
import type { Config } from '../../config/index.js';
import { UsageError } from '../../model/errors.js';
import type { Session } from '../../model/user.js';
import type { Store } from '../../store/index.js';
import type { SourceAction, Takedowns } from '../../takedown/service.js';
import { clientAddress, formGuards, readForm, type FormTokens } from '../forms.js';
import { NotFoundPage } from '../pages/not-found.js';
import { RateLimiter } from '../rate-limit.js';
import { AuditPage, DashboardPage, LoginPage, RequestPage, RulesPage } from '../admin/pages.js';
import { AdminSessions } from '../admin/session.js';

type AdminEnv = { Variables: { session: Session } };

const MAX_REASON = 2000;

/** What a redirect after a change says; fixed texts, so that a crafted link cannot put words on the page. */
const DONE: Record<string, string> = {
  granted: 'Granted: the content is removed, the rules below are in force, and the requester is told.',
  rejected: 'Rejected: the requester is told why, and how to appeal.',
  'counter-upheld': 'Counter-notice upheld: the rules are revoked, and both parties are told.',
  'counter-rejected': 'Counter-notice rejected: the content stays removed, and both parties are told.',
  revoked: 'Rule revoked: what it removed stays removed; later polls may bring it back.',
};

/**
 * The admin area under /admin: sign-in, the review queue, each request with what granting it
 * would remove, the rules, and the audit log. Every page needs a session; every change also the
 * session's CSRF token and a same-origin POST.
 */
export function registerAdminRoutes(app: Hono, deps: AdminDeps): void {
  const sessions = new AdminSessions(deps.store, deps.config);
  const guards = formGuards(deps.config.site.baseUrl);
  const admin = new Hono<AdminEnv>();
  admin.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
  });
  registerSignIn(admin, deps, sessions, guards);
  // Every route after this needs a session.
  admin.use('*', guards, sessions.require());
  admin.post('/logout', async (c) => {
    await sessions.signOut(c);
    return c.redirect('/admin/login', 303);
  });
  registerRequests(admin, deps);
  registerRules(admin, deps);
  app.route('/admin', admin);
}

interface AdminDeps {
  store: Store;
  config: Config;
  takedowns: Takedowns;
  formTokens: FormTokens;
  outboxEnabled: boolean;
  sendNotices: () => void;
}

/** Sign-in: a form token, a limit per address on top of the per-account lockout, then the password. */
function registerSignIn(
  admin: Hono<AdminEnv>,
  { store, config, formTokens }: AdminDeps,
  sessions: AdminSessions,
  guards: ReturnType<typeof formGuards>,
): void {
  const site = config.site;
  // Per address, on top of the per-account lockout: slows down guessing across many accounts.
  const signIns = new RateLimiter(store, 'admin-sign-in', 20, 15 * 60_000);

  const loginPage = async (
    c: Context,
    name: string,
    message: string | null,
    next: string,
    status: 200 | 400 | 429 = 200,
  ) =>
    c.html(
      <LoginPage site={site} csrf={await formTokens.issue(c)} next={next} name={name} message={message} />,
      status,
    );

  admin.get('/login', (c) => loginPage(c, '', null, safeNext(c.req.query('next'))));

  admin.post('/login', guards, async (c) => {
    const fields = await readForm(c);
    const name = (fields.name ?? '').trim().slice(0, 200);
    const next = safeNext(fields.next);
    if (!(await formTokens.check(c, fields.csrf)))
      return loginPage(c, name, 'For your security, please sign in again.', next, 400);
    const retryAfter = await signIns.hit(clientAddress(c, config.server.trustProxy));
    if (retryAfter !== null) {
      c.header('Retry-After', String(retryAfter));
      return loginPage(
        c,
        name,
        `Too many sign-in attempts from this address; try again in ${Math.ceil(retryAfter / 60)} minutes.`,
        next,
        429,
      );
    }
    const result = await sessions.signIn(name, fields.password ?? '');
    if (!result.ok) return loginPage(c, name, result.message, next, 400);
    sessions.setCookie(c, result.token, result.session.expiresAt);
    return c.redirect(next, 303);
  });
}

/** The review queue, each request with what granting it would remove, and the decisions on requests and counter-notices. */
function registerRequests(admin: Hono<AdminEnv>, deps: AdminDeps): void {
  const { store, takedowns } = deps;
  const site = deps.config.site;
  admin.get('/', async (c) => {
    const [open, counters, recent, pending] = await Promise.all([
      store.takedowns.list({ state: 'received', limit: 200 }),
      store.takedowns.listCounterNotices({ state: 'received', limit: 200 }),
      store.takedowns.list({ limit: 60 }),
      store.outbox.pending(),
    ]);
    return c.html(
      <DashboardPage
        site={site}
        session={c.get('session')}
        open={open}
        counters={counters}
        recent={recent.filter((r) => r.state !== 'received').slice(0, 30)}
        outbox={{ pending, smtp: deps.outboxEnabled }}
      />,
    );
  });

  const requestPage = async (
    c: Context<AdminEnv>,
    id: number,
    message: string | null,
    status: 200 | 400 | 409 = 200,
  ) => {
    const request = await store.takedowns.get(id);
    if (!request) return c.html(<NotFoundPage site={site} what="There is no such request." />, 404);
    const scope =
      request.state === 'received' ? await takedowns.scopeOf(request) : { rules: [], count: 0, entries: [] };
    const granted = (await Promise.all(request.ruleIds.map((rid) => store.rights.getRule(rid)))).filter(
      (r) => r !== null,
    );
    return c.html(
      <RequestPage
        site={site}
        session={c.get('session')}
        request={request}
        scope={scope}
        granted={granted}
        counters={await store.takedowns.counterNoticesOf(request.id)}
        message={message}
      />,
      status,
    );
  };

  admin.get('/requests/:id', (c) =>
    requestPage(c, idParam(c.req.param('id')), DONE[c.req.query('done') ?? ''] ?? null),
  );

  admin.post('/requests/:id/grant', async (c) => {
    const id = idParam(c.req.param('id'));
    const request = await store.takedowns.get(id);
    if (!request) return c.html(<NotFoundPage site={site} what="There is no such request." />, 404);
    const fields = await readForm(c);
    const note = (fields.reason ?? '').trim().slice(0, MAX_REASON);
    const then: SourceAction =
      fields.then === 'link-only' ? 'link-only' : fields.then === 'nothing' ? 'nothing' : 'pause';
    try {
      await takedowns.grant(request, actor(c), note || `granted by ${actor(c)}`, then);
      deps.sendNotices();
      return c.redirect(`/admin/requests/${id}?done=granted`, 303);
    } catch (error) {
      if (error instanceof UsageError) return requestPage(c, id, error.message, 409);
      throw error;
    }
  });

  admin.post('/requests/:id/reject', async (c) => {
    const id = idParam(c.req.param('id'));
    const request = await store.takedowns.get(id);
    if (!request) return c.html(<NotFoundPage site={site} what="There is no such request." />, 404);
    const fields = await readForm(c);
    const reason = (fields.reason ?? '').trim().slice(0, MAX_REASON);
    if (!reason)
      return requestPage(c, id, 'Please give the reason for rejecting: the requester is told it.', 400);
    try {
      await takedowns.reject(request, actor(c), reason);
      deps.sendNotices();
      return c.redirect(`/admin/requests/${id}?done=rejected`, 303);
    } catch (error) {
      if (error instanceof UsageError) return requestPage(c, id, error.message, 409);
      throw error;
    }
  });

  admin.post('/counter-notices/:id', async (c) => {
    const notice = await store.takedowns.getCounterNotice(idParam(c.req.param('id')));
    if (!notice) return c.html(<NotFoundPage site={site} what="There is no such counter-notice." />, 404);
    const fields = await readForm(c);
    const reason = (fields.reason ?? '').trim().slice(0, MAX_REASON);
    if (!reason)
      return requestPage(
        c,
        notice.requestId,
        'Please give the reason for the decision: both parties are told it.',
        400,
      );
    try {
      const decided = await takedowns.decideCounterNotice(
        notice,
        fields.decision === 'uphold',
        actor(c),
        reason,
      );
      deps.sendNotices();
      return c.redirect(`/admin/requests/${notice.requestId}?done=counter-${decided.state}`, 303);
    } catch (error) {
      if (error instanceof UsageError) return requestPage(c, notice.requestId, error.message, 409);
      throw error;
    }
  });
}

/** The rules in force (and revoked), revoking one, and the audit log. */
function registerRules(admin: Hono<AdminEnv>, { store, config }: AdminDeps): void {
  const site = config.site;
  const rulesPage = async (c: Context<AdminEnv>, message: string | null, status: 200 | 400 = 200) =>
    c.html(
      <RulesPage
        site={site}
        session={c.get('session')}
        rules={await store.rights.listRules({ includeRevoked: true })}
        message={message}
      />,
      status,
    );

  admin.get('/rules', (c) => rulesPage(c, DONE[c.req.query('done') ?? ''] ?? null));

  admin.post('/rules/:id/revoke', async (c) => {
    const id = idParam(c.req.param('id'));
    const fields = await readForm(c);
    const reason = (fields.reason ?? '').trim().slice(0, MAX_REASON);
    if (!reason) return rulesPage(c, `Please give the reason for revoking rule ${id}.`, 400);
    const rule = await store.rights.revoke(id, reason, actor(c), new Date());
    if (!rule) return rulesPage(c, `Rule ${id} is not in force.`, 400);
    return c.redirect('/admin/rules?done=revoked', 303);
  });

  admin.get('/log', async (c) =>
    c.html(<AuditPage site={site} session={c.get('session')} lines={await store.rights.auditLog(500)} />),
  );
}

/** Who decided, for the audit log. */
function actor(c: Context<AdminEnv>): string {
  return `operator ${c.get('session').user.name}`;
}

/** A numeric id from the path; 0 (which no row has) for anything else. */
function idParam(value: string): number {
  return /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : 0;
}

/** Where to go after signing in: only a path of the admin area, never another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : '/admin';
}
