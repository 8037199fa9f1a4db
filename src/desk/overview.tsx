import type { Hono } from 'hono';
import { sourceDisplayName } from '../model/source.js';
import { mayUse, type Session } from '../model/user.js';
import type { SourceHealth, SourceQueue } from '../store/index.js';
import type { DeskDeps, DeskEnv } from './context.js';
import { DeskLayout, plural, type Site } from './layout.js';
import { ago } from './time.js';
import { describeLastError } from '../sources/manage.js';

interface Attention {
  failing: { total: number; first: SourceHealth[] } | null;
  byStatus: Record<'active' | 'paused' | 'disabled', number> | null;
  requests: number | null;
  counterNotices: number | null;
  held: number | null;
  hidden: number | null;
  outbox: { pending: number; failing: number; sending: boolean } | null;
  queue: SourceQueue | null;
  lastDay: number | null;
}

/** How many requests the overview counts at most (the takedown page lists them all). */
const COUNT_UP_TO = 500;

/** The desk's first page: what needs attention first, for the parts the user's role opens. */
export function registerOverview(admin: Hono<DeskEnv>, { store, config, outboxEnabled }: DeskDeps): void {
  admin.get('/', async (c) => {
    const session = c.get('session');
    const role = session.user.role;
    const now = new Date();
    const sources = mayUse(role, 'sources');
    const takedowns = mayUse(role, 'takedowns');
    const articles = mayUse(role, 'articles');
    const [failing, byStatus, requests, counters, held, hidden, due, queue, lastDay] = await Promise.all([
      sources ? store.sources.desk({ status: 'failing', limit: 5, offset: 0 }) : null,
      sources ? store.sources.countByStatus() : null,
      takedowns ? store.takedowns.list({ state: 'received', limit: COUNT_UP_TO }) : null,
      takedowns ? store.takedowns.listCounterNotices({ state: 'received', limit: COUNT_UP_TO }) : null,
      articles ? store.entries.listWithheld({ withheld: 'held', limit: 1, offset: 0 }) : null,
      articles ? store.entries.listWithheld({ withheld: 'hidden', limit: 1, offset: 0 }) : null,
      takedowns ? store.outbox.summary() : null,
      sources ? store.sources.queue(now) : null,
      articles ? store.entries.countSince(new Date(now.getTime() - 86_400_000)) : null,
    ]);
    const attention: Attention = {
      failing: failing ? { total: failing.total, first: failing.sources } : null,
      byStatus,
      requests: requests?.length ?? null,
      counterNotices: counters?.length ?? null,
      held: held?.total ?? null,
      hidden: hidden?.total ?? null,
      outbox: due
        ? {
            pending: due.waiting + due.failing + due.givenUp,
            failing: due.failing + due.givenUp,
            sending: outboxEnabled,
          }
        : null,
      queue,
      lastDay,
    };
    return c.html(<OverviewPage site={config.site} session={session} attention={attention} now={now} />);
  });
}

function OverviewPage(props: { site: Site; session: Session; attention: Attention; now: Date }) {
  const { attention: a, now } = props;
  const failing = a.failing?.total ?? 0;
  return (
    <DeskLayout site={props.site} title="Overview" session={props.session} area="overview">
      <h1>Overview</h1>
      <ul class="tiles">
        {a.failing ? (
          <li class={failing > 0 ? 'tile attention' : 'tile'}>
            <h2>Failing sources</h2>
            <p class="figure">{failing}</p>
            <p>
              {failing > 0 ? (
                <a href="/admin/sources?status=failing">See the failing sources</a>
              ) : (
                'Every source’s last check worked.'
              )}
            </p>
          </li>
        ) : null}
        {a.requests !== null ? (
          <li class={a.requests + (a.counterNotices ?? 0) > 0 ? 'tile attention' : 'tile'}>
            <h2>Takedown requests waiting</h2>
            <p class="figure">{a.requests}</p>
            <p>
              {plural(a.counterNotices ?? 0, 'counter-notice')} waiting.{' '}
              <a href="/admin/requests">Decide them</a>
            </p>
          </li>
        ) : null}
        {a.held !== null ? (
          <li class={a.held > 0 ? 'tile attention' : 'tile'}>
            <h2>Waiting for review</h2>
            <p class="figure">{a.held}</p>
            <p>
              <a href="/admin/articles?show=held">The review queue</a>
              {a.hidden ? ` · ${plural(a.hidden, 'article')} hidden` : ''}
            </p>
          </li>
        ) : null}
        {a.outbox ? (
          <li
            class={
              a.outbox.failing > 0 || (!a.outbox.sending && a.outbox.pending > 0) ? 'tile attention' : 'tile'
            }
          >
            <h2>Notices in the outbox</h2>
            <p class="figure">{a.outbox.pending}</p>
            <p>
              {!a.outbox.sending
                ? 'No SMTP server is set ([smtp] host): notices wait until one is.'
                : a.outbox.failing > 0
                  ? `${plural(a.outbox.failing, 'notice')} could not be sent.`
                  : 'Sent as they are written.'}{' '}
              <a href="/admin/outbox">The outbox</a>
            </p>
          </li>
        ) : null}
        {a.queue ? (
          <li class="tile">
            <h2>Polling</h2>
            <p class="figure">{a.queue.due} due</p>
            <p>
              {a.queue.claimed} being checked; oldest due since {ago(a.queue.oldestDueAt, now)}; last check{' '}
              {ago(a.queue.lastCheckAt, now)}.
            </p>
          </li>
        ) : null}
        {a.lastDay !== null ? (
          <li class="tile">
            <h2>New in 24 hours</h2>
            <p class="figure">{a.lastDay}</p>
            <p>
              articles published. <a href="/admin/articles">All articles</a>
            </p>
          </li>
        ) : null}
      </ul>
      {a.byStatus ? (
        <p>
          {plural(a.byStatus.active, 'source')} polled, {a.byStatus.paused} paused, {a.byStatus.disabled}{' '}
          disabled. <a href="/admin/sources/new">Add a source</a>
        </p>
      ) : null}
      {a.failing && a.failing.first.length > 0 ? (
        <section aria-labelledby="failing-title">
          <h2 id="failing-title">Failing first</h2>
          <ul>
            {a.failing.first.map((s) => (
              <li>
                <a href={`/admin/sources/${s.id}`}>{sourceDisplayName(s)}</a>
                {s.status === 'disabled' ? ' (disabled after repeated errors)' : ''}:{' '}
                <span class="why">{describeLastError(s) || 'no message was recorded'}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </DeskLayout>
  );
}
