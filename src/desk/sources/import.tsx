import { sourceDisplayName, type RightsPolicy } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import type { ImportStep } from '../../sources/index.js';
import { Csrf, DeskLayout, TableFrame, plural, type Site } from '../layout.js';
import { duration } from '../time.js';

/** The largest OPML file the desk takes: some thousands of feeds. */
export const MAX_OPML_BYTES = 2 * 1024 * 1024;

export interface ImportForm {
  url: string;
  policy: RightsPolicy;
  holdNew: boolean;
  sections: boolean;
}

export const DEFAULT_IMPORT: ImportForm = { url: '', policy: 'full', holdNew: false, sections: true };

/** What the first check of a new source found, or that it is still to come. */
export type FirstCheck =
  | { kind: 'stored'; inserted: number; title: string | null }
  | { kind: 'not-modified' }
  | { kind: 'failed'; message: string; disabled: boolean }
  | { kind: 'running' }
  | { kind: 'queued' };

export interface ImportReport {
  /** Where the file came from: its name, or its address. */
  origin: string;
  steps: ImportStep[];
  checks: Map<number, FirstCheck>;
  /** The moment the new sources were added, which lists them together. */
  addedAt: Date;
  tookMs: number;
}

const POLICIES: ReadonlyArray<[RightsPolicy, string]> = [
  ['full', 'Full text'],
  ['excerpt', 'Excerpts'],
  ['link', 'Links only'],
];

export function ImportPage(props: {
  site: Site;
  session: Session;
  form: ImportForm;
  problem: string | null;
}) {
  const { form } = props;
  return (
    <DeskLayout
      site={props.site}
      title="Import OPML"
      session={props.session}
      area="sources"
      problem={props.problem}
    >
      <h1>Import an OPML file</h1>
      <p>
        Every feed of the file becomes a source, except those already subscribed. Each new one is checked at
        once, and this page says what each check found; a file of many feeds is checked for up to 20 seconds,
        and the poller checks the rest.
      </p>
      <form
        class="settings request-form"
        method="post"
        action="/admin/sources/import"
        enctype="multipart/form-data"
        novalidate
      >
        <Csrf session={props.session} />
        <div class="field">
          <label for="field-file">The OPML file</label>
          <p class="hint" id="field-file-hint">
            As a feed reader exports it (Miniflux, FreshRSS, Feedly, Inoreader, NetNewsWire…); at most{' '}
            {MAX_OPML_BYTES / 1024 / 1024} MB.
          </p>
          <input
            id="field-file"
            type="file"
            name="file"
            accept=".opml,.xml,text/x-opml,application/xml,text/xml"
            aria-describedby="field-file-hint"
          />
        </div>
        <div class="field">
          <label for="field-url">Or its address</label>
          <input id="field-url" name="url" value={form.url} inputmode="url" placeholder="https://" />
        </div>
        <fieldset class="field">
          <legend>What the new sources may republish</legend>
          {POLICIES.map(([value, label]) => (
            <div class="choice">
              <input
                type="radio"
                id={`import-policy-${value}`}
                name="policy"
                value={value}
                checked={form.policy === value}
              />
              <label for={`import-policy-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
        <fieldset class="field">
          <legend>Sections and review</legend>
          <div class="choice">
            <input type="checkbox" id="import-sections" name="sections" value="on" checked={form.sections} />
            <label for="import-sections">Make each feed’s folder in the file its section</label>
          </div>
          <div class="choice">
            <input type="checkbox" id="import-holdNew" name="holdNew" value="on" checked={form.holdNew} />
            <label for="import-holdNew">Hold their new articles until an editor publishes them</label>
          </div>
        </fieldset>
        <button type="submit">Import and check the feeds</button>
      </form>
    </DeskLayout>
  );
}

/** Each feed of the file with what became of it, and what its first check found. */
export function ImportReportPage(props: { site: Site; session: Session; report: ImportReport }) {
  const { report } = props;
  const count = (kind: ImportStep['kind']) => report.steps.filter((s) => s.kind === kind).length;
  const added = count('added');
  const failed = [...report.checks.values()].filter((c) => c.kind === 'failed').length;
  const pending = [...report.checks.values()].filter(
    (c) => c.kind === 'running' || c.kind === 'queued',
  ).length;
  const summary = [
    `${plural(report.steps.length, 'feed')} in ${report.origin}: ${added} added`,
    `${count('known')} already subscribed`,
    count('refused') ? `${count('refused')} refused` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <DeskLayout
      site={props.site}
      title="Import OPML"
      session={props.session}
      area="sources"
      message={`${summary}.`}
    >
      <h1>The import, feed by feed</h1>
      <p>
        {added > 0
          ? `Checked in ${duration(report.tookMs)}: ${plural(added - failed - pending, 'new source')} work` +
            `${failed ? `, ${plural(failed, 'failed', 'failed')} (first in the list of sources, to fix or remove)` : ''}` +
            `${pending ? `, ${pending} still to be checked by the poller` : ''}.`
          : 'No new source: nothing was added.'}{' '}
        {added > 0 ? (
          <a href={`/admin/sources?added=${report.addedAt.getTime()}`}>
            The new sources in the list of sources
          </a>
        ) : null}
      </p>
      <TableFrame label="Feeds of the file">
        <table class="desk-table stack">
          <thead>
            <tr>
              <th scope="col">Feed</th>
              <th scope="col">Section</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {report.steps.map((step) => (
              <tr>
                <td>
                  {step.kind === 'refused' ? (
                    (step.title ?? step.feedUrl)
                  ) : (
                    <a href={`/admin/sources/${step.source.id}`}>
                      {step.kind === 'added' ? (step.title ?? step.feedUrl) : sourceDisplayName(step.source)}
                    </a>
                  )}
                  <div class="why url">{step.feedUrl}</div>
                </td>
                <td data-label="Section">{step.section ?? '–'}</td>
                <td data-label="Result">
                  <StepResult
                    step={step}
                    check={step.kind === 'added' ? report.checks.get(step.source.id) : undefined}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      <p>
        <a href="/admin/sources/import">Import another file</a>
      </p>
    </DeskLayout>
  );
}

function StepResult({ step, check }: { step: ImportStep; check: FirstCheck | undefined }) {
  const result = (tone: 'ok' | 'warn' | 'bad', word: string, detail: string) => (
    <>
      <span class={`state state-${tone}`}>{word}</span> {detail}
    </>
  );
  if (step.kind === 'refused') return result('bad', 'refused', `${step.problem}.`);
  if (step.kind === 'known')
    return result('warn', 'already a source', `as ${sourceDisplayName(step.source)}; left as it is.`);
  switch (check?.kind) {
    case 'stored':
      return result(
        'ok',
        'added',
        `${plural(check.inserted, 'article')} stored${check.title ? ` from “${check.title}”` : ''}.`,
      );
    case 'not-modified':
      return result('ok', 'added', 'checked: nothing new.');
    case 'failed':
      return result(
        'bad',
        'failing',
        `added, but its first check failed: ${check.message}${check.disabled ? ' It is disabled.' : ''}`,
      );
    case 'running':
      return result('warn', 'added', 'still being checked; its page will say how it went.');
    default:
      return result('warn', 'added', 'the poller checks it in a moment.');
  }
}
