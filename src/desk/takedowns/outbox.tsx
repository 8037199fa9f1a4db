import type { Hono } from 'hono';
import { noticeState, type QueuedNotice } from '../../model/takedown.js';
import type { Session } from '../../model/user.js';
import { readForm } from '../../web/forms.js';
import { NotFoundPage } from '../../web/pages/not-found.js';
import {
  actor,
  checkedIds,
  doneMessage,
  idParam,
  safeBack,
  withDone,
  type DeskContext,
  type DeskDeps,
  type DeskEnv,
  type DoneMessages,
} from '../context.js';
import { Csrf, TableFrame, plural, type Site } from '../layout.js';
import { ago } from '../time.js';
import { TakedownLayout } from './layout.js';

const NOTICES_PER_PAGE = 50;

const DONE: DoneMessages = {
  retried: (n) => `${plural(n, 'notice')} will be tried again now.`,
  sent: (n) => `${plural(n, 'notice')} marked as sent by hand.`,
};

interface OutboxView {
  sent: boolean;
  page: number;
  notices: QueuedNotice[];
  total: number;
  counts: { waiting: number; failing: number; givenUp: number };
  /** Where the sender sends, or null when no SMTP server is set. */
  smtp: string | null;
  now: Date;
}

/** The outbox: every notice the takedown workflow wrote, its state, and a retry. */
export function registerOutboxDesk(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, config } = deps;
  const site = config.site;
  const smtp = () => (config.smtp ? `${config.smtp.host}:${config.smtp.port}` : null);

  admin.get('/outbox', async (c) => {
    const sent = c.req.query('show') === 'sent';
    const page = Math.max(1, Math.min(100_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const [{ notices, total }, counts] = await Promise.all([
      store.outbox.list({ sent, limit: NOTICES_PER_PAGE, offset: (page - 1) * NOTICES_PER_PAGE }),
      store.outbox.summary(),
    ]);
    const view: OutboxView = { sent, page, notices, total, counts, smtp: smtp(), now: new Date() };
    return c.html(
      <OutboxPage site={site} session={c.get('session')} view={view} message={doneMessage(c, DONE)} />,
    );
  });

  admin.get('/outbox/:id', async (c) => {
    const notice = await store.outbox.get(idParam(c.req.param('id')));
    if (!notice) return c.html(<NotFoundPage site={site} what="There is no such notice." />, 404);
    return c.html(
      <NoticePage
        site={site}
        session={c.get('session')}
        notice={notice}
        smtp={smtp()}
        now={new Date()}
        message={doneMessage(c, DONE)}
      />,
    );
  });

  admin.post('/outbox/bulk', async (c) => {
    const fields = await readForm(c);
    const ids = await checkedIds(c);
    const back = safeBack(fields.back, '/admin/outbox');
    return act(c, deps, fields.action, ids, back);
  });
}

/** Retries or marks as sent the checked notices, each change in the audit log, and goes back. */
async function act(c: DeskContext, deps: DeskDeps, action: string | undefined, ids: number[], back: string) {
  const { store } = deps;
  const now = new Date();
  const unsent: QueuedNotice[] = [];
  for (const id of ids) {
    const notice = await store.outbox.get(id);
    if (notice && !notice.sentAt) unsent.push(notice);
  }
  const which = unsent.map((n) => `${n.id} to ${n.to} (${n.subject})`).join('; ');
  if (action === 'retry') {
    const n = await store.outbox.retry(
      unsent.map((u) => u.id),
      now,
    );
    if (n > 0) await store.rights.record(actor(c), 'retry-notices', which, now);
    deps.sendNotices();
    return c.redirect(withDone(back, 'retried', n), 303);
  }
  if (action === 'sent') {
    for (const notice of unsent) await store.outbox.markSent(notice.id, now);
    if (unsent.length > 0) await store.rights.record(actor(c), 'notices-sent-by-hand', which, now);
    return c.redirect(withDone(back, 'sent', unsent.length), 303);
  }
  return c.redirect(back, 303);
}

function OutboxPage(props: { site: Site; session: Session; view: OutboxView; message: string | null }) {
  const { view } = props;
  const unsent = view.counts.waiting + view.counts.failing + view.counts.givenUp;
  const pages = Math.max(1, Math.ceil(view.total / NOTICES_PER_PAGE));
  const here = (page: number) => `/admin/outbox?show=${view.sent ? 'sent' : 'waiting'}&page=${page}`;
  return (
    <TakedownLayout
      site={props.site}
      title="Outbox"
      session={props.session}
      current="outbox"
      message={props.message}
    >
      <h1>Outbox</h1>
      <p>
        The emails the takedown workflow writes: receipts and decisions to the people who asked, and new
        requests to you. Each is written with the change it tells of, so none is lost; one that cannot be sent
        is tried again after 1 minute, then twice as long each time (at most 6 hours apart), and given up
        after 20 tries.
      </p>
      <p role="status">
        {view.smtp
          ? `Sent through ${view.smtp}. `
          : 'No SMTP server is set ([smtp] host in courtesy.toml): notices wait here. Open one to read it and send it yourself, then mark it as sent. '}
        {unsent === 0
          ? 'Nothing waits.'
          : `${plural(unsent, 'notice')} unsent: ${view.counts.waiting} waiting, ${view.counts.failing} failing, ${view.counts.givenUp} given up.`}
      </p>
      <nav aria-label="Which notices">
        <ul class="tabs">
          <li>
            <a href="/admin/outbox" aria-current={view.sent ? undefined : 'page'}>
              Unsent ({unsent})
            </a>
          </li>
          <li>
            <a href="/admin/outbox?show=sent" aria-current={view.sent ? 'page' : undefined}>
              Sent
            </a>
          </li>
        </ul>
      </nav>
      {view.notices.length === 0 ? (
        <p>{view.sent ? 'No notice has been sent yet.' : 'No notice waits.'}</p>
      ) : (
        <form method="post" action="/admin/outbox/bulk">
          <Csrf session={props.session} />
          <input type="hidden" name="back" value={here(view.page)} />
          {view.sent ? null : (
            <fieldset class="bulk">
              <legend class="visually-hidden">With the checked notices</legend>
              <span>With the checked notices:</span>
              <button type="submit" name="action" value="retry" class="secondary">
                Retry now
              </button>
              <button type="submit" name="action" value="sent" class="secondary">
                Mark as sent by hand
              </button>
            </fieldset>
          )}
          <NoticeTable notices={view.notices} now={view.now} selectable={!view.sent} />
        </form>
      )}
      {pages > 1 ? (
        <nav class="pager" aria-label="Pages of notices">
          {view.page > 1 ? <a href={here(view.page - 1)}>← Previous</a> : <span />}
          {view.page < pages ? <a href={here(view.page + 1)}>Next →</a> : <span />}
        </nav>
      ) : null}
    </TakedownLayout>
  );
}

function NoticeTable(props: { notices: QueuedNotice[]; now: Date; selectable: boolean }) {
  return (
    <TableFrame label="Notices">
      <table class="desk-table stack">
        <thead>
          <tr>
            {props.selectable ? (
              <th scope="col" class="select">
                <span class="visually-hidden">Select</span>
              </th>
            ) : null}
            <th scope="col">Notice</th>
            <th scope="col">To</th>
            <th scope="col">Written</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.notices.map((n) => (
            <tr>
              {props.selectable ? (
                <td class="select">
                  <input
                    type="checkbox"
                    name="id"
                    value={String(n.id)}
                    aria-label={`Select “${n.subject}”`}
                  />
                </td>
              ) : null}
              <td>
                <a href={`/admin/outbox/${n.id}`}>{n.subject}</a>
              </td>
              <td data-label="To" class="url">
                {n.to}
              </td>
              <td data-label="Written">{ago(n.createdAt, props.now)}</td>
              <td data-label="State">
                <NoticeStateLine notice={n} now={props.now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

/** A notice's state as a word and a colour, and what it means. */
function NoticeStateLine({ notice, now }: { notice: QueuedNotice; now: Date }) {
  const state = noticeState(notice);
  switch (state) {
    case 'sent':
      return (
        <>
          <span class="state state-ok">sent</span> {ago(notice.sentAt, now)}
        </>
      );
    case 'waiting':
      return (
        <>
          <span class="state state-warn">waiting</span>{' '}
          {notice.nextAttemptAt > now
            ? `being sent, or next try ${ago(notice.nextAttemptAt, now)}`
            : 'to be sent'}
        </>
      );
    case 'failing':
      return (
        <>
          <span class="state state-bad">failing</span> {plural(notice.attempts, 'try', 'tries')} so far; next{' '}
          {ago(notice.nextAttemptAt, now)}. <span class="why">{notice.lastError}</span>
        </>
      );
    case 'given-up':
      return (
        <>
          <span class="state state-bad">given up</span> after {plural(notice.attempts, 'try', 'tries')}.{' '}
          <span class="why">{notice.lastError}</span>
        </>
      );
  }
}

function NoticePage(props: {
  site: Site;
  session: Session;
  notice: QueuedNotice;
  smtp: string | null;
  now: Date;
  message: string | null;
}) {
  const { notice: n } = props;
  return (
    <TakedownLayout
      site={props.site}
      title={n.subject}
      session={props.session}
      current="outbox"
      message={props.message}
    >
      <p>
        <a href="/admin/outbox">← Outbox</a>
      </p>
      <h1>{n.subject}</h1>
      <dl class="facts">
        <dt>To</dt>
        <dd>{n.to}</dd>
        <dt>Written</dt>
        <dd>{ago(n.createdAt, props.now)}</dd>
        <dt>State</dt>
        <dd>
          <NoticeStateLine notice={n} now={props.now} />
        </dd>
      </dl>
      {n.sentAt ? null : (
        <form method="post" action="/admin/outbox/bulk" class="actions">
          <Csrf session={props.session} />
          <input type="hidden" name="id" value={String(n.id)} />
          <input type="hidden" name="back" value={`/admin/outbox/${n.id}`} />
          <button type="submit" name="action" value="retry">
            {props.smtp ? 'Retry now' : 'Retry now (needs an SMTP server)'}
          </button>{' '}
          <button type="submit" name="action" value="sent" class="secondary">
            Mark as sent by hand
          </button>
        </form>
      )}
      <h2>The message</h2>
      <pre class="notice-text">{n.text}</pre>
    </TakedownLayout>
  );
}
