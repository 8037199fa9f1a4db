import type { FetchRecord } from '../../model/source.js';
import { sourceDisplayName } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import { describeLastError } from '../../sources/index.js';
import type { FetchDay, SourceHealth } from '../../store/index.js';
import { Attribution } from '../../web/attribution.js';
import { formatDate } from '../../web/format.js';
import { BarChart, dailySeries } from '../charts.js';
import { Csrf, DeskLayout, TableFrame, plural, type Site } from '../layout.js';
import { ago, duration, span } from '../time.js';
import { StateBadge } from './list.js';
import { SourceSettingsFields, type SourceSettings } from './settings-fields.js';
import { ExtractionTry, type ExtractionPreview } from './extraction-preview.js';
import type { Entry } from '../../model/entry.js';

export const CHART_DAYS = 30;

export interface SourcePageData {
  source: SourceHealth;
  history: FetchRecord[];
  days: FetchDay[];
  perDay: Array<{ day: Date; count: number }>;
  /** The settings form's values: the source's, or what was typed when it had errors. */
  values: SourceSettings;
  errors: Partial<Record<keyof SourceSettings, string>>;
  /** The feed address field as typed, and what is wrong with it. */
  feedUrl: string;
  feedUrlError?: string;
  /** The sections in use, offered in the section field. */
  sections: string[];
  /** The newest articles the scraper rules can be tried on, the one chosen, and what the rules found. */
  recent: Entry[];
  extractFrom: number | null;
  extraction: ExtractionPreview | null;
}

/** One source: its state and actions, its settings (with the attribution as it will read), its health over 30 days, its checks. */
export function SourcePage(props: {
  site: Site;
  session: Session;
  data: SourcePageData;
  now: Date;
  message: string | null;
  problem?: string | null;
}) {
  const { site, session, now } = props;
  const { source: s, history } = props.data;
  const name = sourceDisplayName(s);
  return (
    <DeskLayout
      site={site}
      title={name}
      session={session}
      area="sources"
      message={props.message}
      problem={props.problem}
    >
      <p>
        <a href="/admin/sources">← Sources</a>
      </p>
      <h1>{name}</h1>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StateBadge source={s} /> {s.status === 'active' ? `next check ${ago(s.nextCheckAt, now)}` : ''}
          {s.checkBasis ? <span class="why"> ({s.checkBasis})</span> : null}
        </dd>
        <dt>Feed</dt>
        <dd class="url">
          <a href={s.feedUrl} rel="noopener noreferrer">
            {s.feedUrl}
          </a>
        </dd>
        {s.siteUrl ? (
          <>
            <dt>Site</dt>
            <dd class="url">{s.siteUrl}</dd>
          </>
        ) : null}
        <dt>Last success</dt>
        <dd>
          {s.lastSuccessAt
            ? `${formatDate(s.lastSuccessAt, site.language)} (${ago(s.lastSuccessAt, now)})`
            : 'never'}
        </dd>
        {s.lastError ? (
          <>
            <dt>Last error</dt>
            <dd class="why">{describeLastError(s)}</dd>
          </>
        ) : null}
        <dt>Articles</dt>
        <dd>
          <a href={`/admin/articles?source=${s.id}`}>{plural(s.entryCount, 'article')} on the site</a>,{' '}
          {s.entriesPerDay} a day over 30 days
          {s.heldCount > 0 ? (
            <>
              ; <a href={`/admin/articles?show=held&source=${s.id}`}>{s.heldCount} waiting for review</a>
            </>
          ) : null}
          {s.entryCount > 0 ? (
            <>
              {' '}
              · <a href={`/sources/${s.id}`}>its public page</a>
            </>
          ) : null}
        </dd>
      </dl>
      <div class="actions">
        <form method="post" action={`/admin/sources/${s.id}/check`}>
          <Csrf session={session} />
          <button type="submit">Check now</button>
        </form>
        <form method="post" action="/admin/sources/bulk">
          <Csrf session={session} />
          <input type="hidden" name="id" value={String(s.id)} />
          <input type="hidden" name="back" value={`/admin/sources/${s.id}`} />
          {s.status === 'active' ? (
            <button type="submit" name="action" value="pause" class="secondary">
              Pause
            </button>
          ) : (
            <button type="submit" name="action" value="resume" class="secondary">
              Resume polling
            </button>
          )}{' '}
          <button type="submit" name="action" value="remove" class="secondary">
            Remove…
          </button>
        </form>
      </div>

      <SettingsForm site={site} session={session} data={props.data} name={name} />

      <HealthCharts data={props.data} name={name} now={now} />

      <CheckHistory source={s} history={history} now={now} />
    </DeskLayout>
  );
}

const OUTCOMES: Record<FetchRecord['outcome'], string> = {
  stored: 'stored',
  'not-modified': 'not modified',
  failed: 'failed',
};

/** The settings form, with the attribution block as the settings typed would make it. */
function SettingsForm({
  site,
  session,
  data,
  name,
}: {
  site: Site;
  session: Session;
  data: SourcePageData;
  name: string;
}) {
  const { source: s, values } = data;
  const template = values.attribution || site.attribution;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form class="settings request-form" method="post" action={`/admin/sources/${s.id}`} novalidate>
        <Csrf session={session} />
        <div class="field">
          <label for="field-feedUrl">Feed address</label>
          <p class="hint" id="field-feedUrl-hint">
            Change it when the publisher moved the feed; the next check uses it.
          </p>
          {data.feedUrlError ? (
            <p class="error" id="field-feedUrl-error">
              {data.feedUrlError}
            </p>
          ) : null}
          <input
            id="field-feedUrl"
            name="feedUrl"
            value={data.feedUrl}
            aria-describedby={
              data.feedUrlError ? 'field-feedUrl-hint field-feedUrl-error' : 'field-feedUrl-hint'
            }
            aria-invalid={data.feedUrlError ? 'true' : undefined}
          />
        </div>
        <SourceSettingsFields
          values={values}
          errors={data.errors}
          siteAttribution={site.attribution}
          sections={data.sections}
          feedLanguage={s.feedLanguage}
        />
        <ExtractionTry
          site={site}
          source={s}
          recent={data.recent}
          chosen={data.extractFrom}
          preview={data.extraction}
        />
        <div class="preview" aria-labelledby="attribution-preview-title">
          <h3 id="attribution-preview-title">The attribution block, as articles show it</h3>
          <Attribution
            template={template}
            values={{
              author: 'the article’s author',
              source: values.name || name,
              site: site.name,
              title: 'the article’s title',
            }}
            targets={{ original: s.siteUrl ?? s.feedUrl, source_site: s.siteUrl, takedown: '/takedown' }}
          />
          <p class="hint">
            <button type="submit" name="step" value="preview" class="secondary">
              Preview the changes
            </button>{' '}
            shows it with what you typed, without saving.
          </p>
        </div>
        <button type="submit" name="step" value="save">
          Save the settings
        </button>
      </form>
    </section>
  );
}

/** Articles a day, fetch time and failures over the last 30 days. */
function HealthCharts({ data, name, now }: { data: SourcePageData; name: string; now: Date }) {
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Over the last {CHART_DAYS} days</h2>
      <div class="charts">
        <BarChart
          id="chart-entries"
          title="Articles a day"
          description={`Articles of ${name} by the day they were published, over ${CHART_DAYS} days.`}
          bars={dailySeries(CHART_DAYS, now, data.perDay, (d) => d.count)}
          format={(v) => plural(v, 'article')}
          valueHeading="Entries"
        />
        <BarChart
          id="chart-latency"
          title="Mean fetch time"
          description={`The mean time of a check of ${name}, by day.`}
          bars={dailySeries(CHART_DAYS, now, data.days, (d) => d.meanDurationMs)}
          format={(v) => duration(v)}
          valueHeading="Mean time"
        />
        <BarChart
          id="chart-errors"
          title="Failed checks a day"
          description={`How many checks of ${name} failed each day.`}
          bars={dailySeries(
            CHART_DAYS,
            now,
            data.days,
            (d) => d.failures,
            (d) => d.failures > 0,
          )}
          format={(v) => plural(v, 'failure')}
          valueHeading="Failures"
        />
      </div>
    </section>
  );
}

/** The newest checks, as the fetch history keeps them. */
function CheckHistory({
  source: s,
  history,
  now,
}: {
  source: SourceHealth;
  history: FetchRecord[];
  now: Date;
}) {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Recent checks</h2>
      {history.length === 0 ? (
        <p>Not checked yet.</p>
      ) : (
        <TableFrame label="Recent checks">
          <table class="desk-table stack">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">
                  Time
                </th>
                <th scope="col" class="num">
                  New
                </th>
                <th scope="col" class="num">
                  Edited
                </th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {history.map((f) => (
                <tr>
                  <td>
                    <time datetime={f.startedAt.toISOString()}>{ago(f.startedAt, now)}</time>
                  </td>
                  <td data-label="Outcome">
                    <span class={`state state-${f.outcome === 'failed' ? 'bad' : 'ok'}`}>
                      {OUTCOMES[f.outcome]}
                    </span>
                    {f.httpStatus ? ` (HTTP ${f.httpStatus})` : ''}
                  </td>
                  <td data-label="Time" class="num">
                    {duration(f.durationMs)}
                  </td>
                  <td data-label="New" class="num">
                    {f.inserted}
                  </td>
                  <td data-label="Edited" class="num">
                    {f.updated}
                  </td>
                  <td data-label="Message" class="why">
                    {f.message ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      {history.length > 0 ? (
        <p class="why">
          The newest {plural(history.length, 'check')}
          {s.feedIntervalMs ? `; the feed publishes about every ${span(s.feedIntervalMs)}` : ''}.
        </p>
      ) : null}
    </section>
  );
}
