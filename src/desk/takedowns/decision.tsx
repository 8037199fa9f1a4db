import type { Child } from 'hono/jsx';
import type { Config } from '../../config/index.js';
import { describeRule } from '../../model/rights.js';
import type { TakedownRequest } from '../../model/takedown.js';
import type { RequestScopeView } from '../../takedown/service.js';
import { formatDate } from '../../web/format.js';
import { articlePath } from '../../web/paths.js';

type Site = Config['site'];

/** What granting a received request would do, and the forms that grant or reject it. */
export function RequestDecision({
  site,
  request: r,
  scope,
  csrf,
}: {
  site: Site;
  request: TakedownRequest;
  scope: RequestScopeView;
  csrf: Child;
}) {
  const resolved = scope.resolved;
  return (
    <section aria-labelledby="matched-title">
      <h2 id="matched-title">What granting it does</h2>
      <p>
        {r.resolved
          ? `When it was filed at ${resolved.site}, its addresses stood for:`
          : 'Its addresses stand for:'}
      </p>
      <ul>
        {resolved.addresses.map((a) => (
          <li class="url">
            {a.original}
            {a.given !== a.original ? ` (given as ${a.given})` : ''}
          </li>
        ))}
      </ul>
      <p>
        {resolved.articles.length === 0
          ? 'No stored article was at those addresses.'
          : `Stored there: ${resolved.articles.length} article${resolved.articles.length === 1 ? '' : 's'}, by ${[
              ...new Set(resolved.articles.map((a) => a.author ?? 'no author named')),
            ].join('; ')}.`}
      </p>
      {scope.rules.length === 0 ? (
        <p class="notice">Its addresses name nothing a rule could cover: it can only be rejected.</p>
      ) : (
        <>
          <p>These rules are made, and every later poll is checked against them:</p>
          <ul>
            {scope.rules.map((rule) => (
              <li>{describeRule(rule)}</li>
            ))}
            {scope.count > 0 ? (
              <li>
                copies of the removed articles’ text (0.6 of it or more), at any address, under any byline,
                from any source
              </li>
            ) : null}
          </ul>
          <p>
            {scope.nothing
              ? `Nothing would be removed now: ${scope.nothing}.`
              : `${scope.count} stored article${scope.count === 1 ? '' : 's'} match${scope.count === 1 ? 'es' : ''} and will be removed at once${scope.copies ? ` (${scope.copies} of them ${scope.copies === 1 ? 'is a copy' : 'are copies'} of their text under another address, byline or source)` : ''}${scope.count > scope.entries.length ? `; the newest ${scope.entries.length}:` : ':'}`}
          </p>
          {scope.entries.length > 0 ? (
            <ul class="matched">
              {scope.entries.map((e) => (
                <li>
                  <a href={articlePath(e)}>{e.title ?? '(untitled)'}</a>
                  {e.author ? ` by ${e.author}` : ''} ({formatDate(e.sortAt, site.language)})
                  {e.url ? <span class="url"> {e.url}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          <form class="decision" method="post" action={`/admin/requests/${r.id}/grant`}>
            <h3>Grant</h3>
            {csrf}
            <div class="field">
              <label for="grant-reason">Note for the record (sent to the requester)</label>
              <textarea id="grant-reason" name="reason" rows={2}></textarea>
            </div>
            {r.scope === 'site' ? (
              <fieldset class="field">
                <legend>The site’s sources</legend>
                <div class="choice">
                  <input type="radio" id="then-pause" name="then" value="pause" checked />
                  <label for="then-pause">pause them</label>
                </div>
                <div class="choice">
                  <input type="radio" id="then-link" name="then" value="link-only" />
                  <label for="then-link">keep polling, link only</label>
                </div>
                <div class="choice">
                  <input type="radio" id="then-nothing" name="then" value="nothing" />
                  <label for="then-nothing">leave them as they are</label>
                </div>
              </fieldset>
            ) : null}
            {scope.nothing ? (
              <div class="choice">
                <input type="checkbox" id="grant-future" name="future" value="1" required />
                <label for="grant-future">
                  Grant all the same: nothing is removed now, and these rules keep the addresses out of every
                  later poll
                </label>
              </div>
            ) : null}
            <button type="submit">{scope.nothing ? 'Grant for later polls' : 'Grant and remove now'}</button>
          </form>
        </>
      )}
      <form class="decision" method="post" action={`/admin/requests/${r.id}/reject`}>
        <h3>Reject</h3>
        {csrf}
        <div class="field">
          <label for="reject-reason">Reason (sent to the requester, with how to appeal)</label>
          <textarea id="reject-reason" name="reason" rows={3} required></textarea>
        </div>
        <button type="submit">Reject</button>
      </form>
    </section>
  );
}
