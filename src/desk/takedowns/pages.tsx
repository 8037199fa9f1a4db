import type { Child } from 'hono/jsx';
import type { Config } from '../../config/index.js';
import { describeRule, type AuditRecord } from '../../model/rights.js';
import { describeScope, type CounterNotice, type TakedownRequest } from '../../model/takedown.js';
import type { Session } from '../../model/user.js';
import { formatDate } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { TakedownLayout } from './layout.js';
import { RequestDecision } from './decision.js';
import { TableFrame } from '../layout.js';
import type { RuleRecord } from '../../store/index.js';
import type { RequestScopeView } from '../../takedown/service.js';

type Site = Config['site'];

export function LoginPage(props: {
  site: Site;
  csrf: string;
  next: string;
  name: string;
  message: string | null;
}) {
  return (
    <Layout site={props.site} head={{ title: 'Sign in', noindex: true }}>
      <form class="request-form login" method="post" action="/admin/login" novalidate>
        <h1>Sign in</h1>
        {props.message ? (
          <p class="error-summary" role="alert">
            {props.message}
          </p>
        ) : null}
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <div class="field">
          <label for="field-name">Name</label>
          <input id="field-name" name="name" autocomplete="username" value={props.name} required />
        </div>
        <div class="field">
          <label for="field-password">Password</label>
          <input
            id="field-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

function RequestRow(props: { r: TakedownRequest; site: Site }) {
  const { r } = props;
  return (
    <tr>
      <td>
        <a href={`/admin/requests/${r.id}`}>{r.reference}</a>
      </td>
      <td data-label="Filed">{formatDate(r.createdAt, props.site.language)}</td>
      <td data-label="From">
        {r.name} ({r.capacity})
      </td>
      <td data-label="Asked">{describeScope(r)}</td>
      <td data-label="First address" class="url">
        {r.urls[0] ?? ''}
      </td>
      <td data-label="State">{r.state}</td>
    </tr>
  );
}

export function DashboardPage(props: {
  site: Site;
  session: Session;
  open: TakedownRequest[];
  counters: CounterNotice[];
  recent: TakedownRequest[];
  outbox: { pending: number; smtp: boolean };
}) {
  const { site } = props;
  const head = (
    <tr>
      <th scope="col">Reference</th>
      <th scope="col">Filed</th>
      <th scope="col">From</th>
      <th scope="col">Asked</th>
      <th scope="col">First address</th>
      <th scope="col">State</th>
    </tr>
  );
  return (
    <TakedownLayout site={site} title="Requests" session={props.session} current="requests">
      <h1>Takedown requests</h1>
      {!props.outbox.smtp ? (
        <p class="notice">
          No SMTP server is configured: {props.outbox.pending} notice{props.outbox.pending === 1 ? '' : 's'}{' '}
          wait in the outbox and will be sent once <code>[smtp] host</code> is set.
        </p>
      ) : props.outbox.pending > 0 ? (
        <p class="notice">
          {props.outbox.pending} notice{props.outbox.pending === 1 ? '' : 's'} wait to be sent.
        </p>
      ) : null}
      <h2>Awaiting a decision ({props.open.length})</h2>
      {props.open.length === 0 ? (
        <p>No request awaits a decision.</p>
      ) : (
        <TableFrame label="Requests awaiting a decision">
          <table class="desk-table stack">
            <thead>{head}</thead>
            <tbody>
              {props.open.map((r) => (
                <RequestRow r={r} site={site} />
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      <h2>Counter-notices awaiting a decision ({props.counters.length})</h2>
      {props.counters.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {props.counters.map((c) => (
            <li>
              <a href={`/admin/requests/${c.requestId}#counter-${c.id}`}>{c.reference}</a> from {c.name},
              filed {formatDate(c.createdAt, site.language)}
            </li>
          ))}
        </ul>
      )}
      <h2>Decided lately</h2>
      {props.recent.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <TableFrame label="Requests decided lately">
          <table class="desk-table stack">
            <thead>{head}</thead>
            <tbody>
              {props.recent.map((r) => (
                <RequestRow r={r} site={site} />
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </TakedownLayout>
  );
}

export function RequestPage(props: {
  site: Site;
  session: Session;
  request: TakedownRequest;
  scope: RequestScopeView | null;
  granted: RuleRecord[];
  counters: CounterNotice[];
  message: string | null;
}) {
  const { site, request: r, session } = props;
  const csrf = <input type="hidden" name="csrf" value={session.csrfToken} />;
  return (
    <TakedownLayout site={site} title={r.reference} session={session} current="requests">
      <h1>Request {r.reference}</h1>
      {props.message ? (
        <p class="notice" role="status">
          {props.message}
        </p>
      ) : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>
          {r.state}
          {r.decidedAt ? ` on ${formatDate(r.decidedAt, site.language)} by ${r.decidedBy ?? '?'}` : ''}
        </dd>
        {r.decisionReason ? (
          <>
            <dt>Reason</dt>
            <dd>{r.decisionReason}</dd>
          </>
        ) : null}
        <dt>From</dt>
        <dd>
          {r.name} &lt;<a href={`mailto:${r.email}`}>{r.email}</a>&gt;,{' '}
          {r.capacity === 'author' ? 'the author' : 'for the publishing site'}
        </dd>
        <dt>Filed</dt>
        <dd>{formatDate(r.createdAt, site.language)}</dd>
        <dt>Asks to remove</dt>
        <dd>{describeScope(r)}</dd>
        <dt>Addresses</dt>
        <dd>
          <ul>
            {r.urls.map((u) => (
              <li class="url">{u}</li>
            ))}
          </ul>
        </dd>
        {r.message ? (
          <>
            <dt>Message</dt>
            <dd class="message">{r.message}</dd>
          </>
        ) : null}
        <dt>Signed</dt>
        <dd>{r.signature}, confirming the good-faith, accuracy and authority statements</dd>
        {r.scope === 'site' ? (
          <>
            <dt>Self-verification</dt>
            <dd>{r.lastVerifyResult ?? 'not tried'}</dd>
          </>
        ) : null}
      </dl>

      {props.scope ? <RequestDecision site={site} request={r} scope={props.scope} csrf={csrf} /> : null}

      {props.granted.length > 0 ? (
        <section aria-labelledby="rules-title">
          <h2 id="rules-title">Rules made for it</h2>
          <RuleTable rules={props.granted} site={site} session={session} />
        </section>
      ) : null}

      {props.counters.length > 0 ? (
        <section aria-labelledby="counters-title">
          <h2 id="counters-title">Counter-notices</h2>
          {props.counters.map((c) => (
            <CounterNoticeDecision notice={c} csrf={csrf} />
          ))}
        </section>
      ) : null}
    </TakedownLayout>
  );
}

/** One counter-notice, and the form that decides it while it waits. */
function CounterNoticeDecision({ notice: n, csrf }: { notice: CounterNotice; csrf: Child }) {
  return (
    <article class="counter" id={`counter-${n.id}`}>
      <h3>
        {n.reference}: {n.state}
      </h3>
      <dl class="facts">
        <dt>From</dt>
        <dd>
          {n.name} &lt;{n.email}&gt;
        </dd>
        <dt>Address</dt>
        <dd class="message">{n.address}</dd>
        <dt>Explanation</dt>
        <dd class="message">{n.explanation}</dd>
        <dt>Signed</dt>
        <dd>{n.signature}</dd>
        {n.decisionReason ? (
          <>
            <dt>Decision</dt>
            <dd>
              {n.state} by {n.decidedBy ?? '?'}: {n.decisionReason}
            </dd>
          </>
        ) : null}
      </dl>
      {n.state === 'received' ? (
        <form class="decision" method="post" action={`/admin/counter-notices/${n.id}`}>
          {csrf}
          <div class="field">
            <label for={`counter-reason-${n.id}`}>Reason (sent to both parties)</label>
            <textarea id={`counter-reason-${n.id}`} name="reason" rows={2} required></textarea>
          </div>
          <button type="submit" name="decision" value="uphold">
            Uphold: revoke the rules
          </button>{' '}
          <button type="submit" name="decision" value="reject">
            Reject: keep the content removed
          </button>
        </form>
      ) : null}
    </article>
  );
}

function RuleTable(props: { rules: RuleRecord[]; site: Site; session: Session }) {
  return (
    <TableFrame label="Rules">
      <table class="desk-table stack">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Covers</th>
            <th scope="col">Removed</th>
            <th scope="col">
              <abbr title="Articles that later polls brought and the rule kept out, each once">Kept out</abbr>
            </th>
            <th scope="col">Granted</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((rule) => (
            <tr>
              <td>{rule.id}</td>
              <td data-label="Covers">{describeRule(rule)}</td>
              <td data-label="Removed" class="num">
                {rule.removed}
              </td>
              <td data-label="Kept out" class="num">
                {rule.keptOut}
              </td>
              <td data-label="Granted">
                {formatDate(rule.createdAt, props.site.language)} by {rule.actor}: {rule.reason}
              </td>
              <td data-label="State">
                {rule.revokedAt ? (
                  `revoked ${formatDate(rule.revokedAt, props.site.language)}: ${rule.revokeReason ?? ''}`
                ) : (
                  <form method="post" action={`/admin/rules/${rule.id}/revoke`} class="inline">
                    <input type="hidden" name="csrf" value={props.session.csrfToken} />
                    <label for={`revoke-${rule.id}`}>Reason</label>{' '}
                    <input id={`revoke-${rule.id}`} name="reason" required />{' '}
                    <button type="submit">Revoke</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

export function RulesPage(props: {
  site: Site;
  session: Session;
  rules: RuleRecord[];
  message: string | null;
}) {
  return (
    <TakedownLayout site={props.site} title="Rules" session={props.session} current="rules">
      <h1>Suppression rules</h1>
      {props.message ? (
        <p class="notice" role="status">
          {props.message}
        </p>
      ) : null}
      <p>
        Revoking a rule never brings removed content back; later polls may. Revoke after an upheld
        counter-notice, or to correct a mistake.
      </p>
      {props.rules.length === 0 ? (
        <p>No rules yet.</p>
      ) : (
        <RuleTable rules={props.rules} site={props.site} session={props.session} />
      )}
    </TakedownLayout>
  );
}

export function AuditPage(props: { site: Site; session: Session; lines: AuditRecord[] }) {
  return (
    <TakedownLayout site={props.site} title="Audit log" session={props.session} current="log">
      <h1>Audit log</h1>
      <p>
        Every change made at the desk or the command line, newest first: takedown requests, verifications,
        decisions, rules and revocations; sources added, changed, paused and removed; articles hidden, shown
        and published; settings, people and notices. Nothing here can be changed.
      </p>
      {props.lines.length === 0 ? (
        <p>Nothing has been logged yet.</p>
      ) : (
        <TableFrame label="Audit log">
          <table class="desk-table stack">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {props.lines.map((l) => (
                <tr>
                  <td>{l.at.toISOString().replace('T', ' ').slice(0, 19)} UTC</td>
                  <td data-label="Who">{l.actor}</td>
                  <td data-label="What">{l.action}</td>
                  <td data-label="Detail" class="why">
                    {l.detail}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </TakedownLayout>
  );
}
