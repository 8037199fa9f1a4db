import type { Hono } from 'hono';
import { UsageError } from '../../model/errors.js';
import type { SourceAction } from '../../takedown/service.js';
import { readForm } from '../../web/forms.js';
import { NotFoundPage } from '../../web/pages/not-found.js';
import { MAX_REASON, actor, idParam, type DeskContext, type DeskDeps, type DeskEnv } from '../context.js';
import { AuditPage, DashboardPage, RequestPage, RulesPage } from './pages.js';
import { registerOutboxDesk } from './outbox.js';

/** What a redirect after a change says; fixed texts, so that a crafted link cannot put words on the page. */
const DONE: Record<string, string> = {
  granted: 'Granted: the content is removed, the rules below are in force, and the requester is told.',
  rejected: 'Rejected: the requester is told why, and how to appeal.',
  'counter-upheld': 'Counter-notice upheld: the rules are revoked, and both parties are told.',
  'counter-rejected': 'Counter-notice rejected: the content stays removed, and both parties are told.',
  revoked: 'Rule revoked: what it removed stays removed; later polls may bring it back.',
};

/** The review queue, each request with what granting it would remove, and the decisions on requests and counter-notices. */
export function registerTakedownDesk(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  registerRequests(admin, deps);
  registerRules(admin, deps);
  registerOutboxDesk(admin, deps);
}

function registerRequests(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, takedowns } = deps;
  const site = deps.config.site;
  admin.get('/requests', async (c) => {
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
    c: DeskContext,
    id: number,
    message: string | null,
    status: 200 | 400 | 409 = 200,
  ) => {
    const request = await store.takedowns.get(id);
    if (!request) return c.html(<NotFoundPage site={site} what="There is no such request." />, 404);
    const scope = request.state === 'received' ? await takedowns.scopeOf(request) : null;
    // With how many articles each removed, as the list of rules shows them.
    const ruleIds = new Set(request.ruleIds);
    const granted = (await store.rights.listRules({ includeRevoked: true })).filter((r) => ruleIds.has(r.id));
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
      await takedowns.grant(request, actor(c), note || `granted by ${actor(c)}`, then, new Date(), {
        evenIfNothingNow: fields.future === '1',
      });
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
function registerRules(admin: Hono<DeskEnv>, { store, config }: DeskDeps): void {
  const site = config.site;
  const rulesPage = async (c: DeskContext, message: string | null, status: 200 | 400 = 200) =>
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
