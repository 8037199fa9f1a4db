import type { Hono } from 'hono';
import { refreshSource } from '../../ingest/index.js';
import { CourtesyError } from '../../model/errors.js';
import { RIGHTS_POLICIES, type RightsPolicy, type Source } from '../../model/source.js';
import { importOpml, readOpml, type ImportStep } from '../../sources/index.js';
import { actor, type DeskContext, type DeskDeps, type DeskEnv } from '../context.js';
import {
  DEFAULT_IMPORT,
  ImportPage,
  ImportReportPage,
  MAX_OPML_BYTES,
  type FirstCheck,
  type ImportForm,
} from './import.js';

export const IMPORT_PATH = '/admin/sources/import';
/** The body an import may send: the file and the form around it. */
export const IMPORT_BODY_LIMIT = MAX_OPML_BYTES + 64 * 1024;

/** How long the import waits for the new sources' first checks before it answers. */
const CHECK_BUDGET_MS = 20_000;
/** First checks made at once (the fetcher's per-host limits still apply). */
const CHECKS_AT_ONCE = 6;

/** Importing an OPML file: the form, then the report of each feed with its first check. */
export function registerImportDesk(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, config } = deps;
  const site = config.site;
  const form = (c: DeskContext, values: ImportForm, problem: string | null = null) =>
    c.html(
      <ImportPage site={site} session={c.get('session')} form={values} problem={problem} />,
      problem ? 400 : 200,
    );

  admin.get('/sources/import', (c) => form(c, DEFAULT_IMPORT));

  admin.post('/sources/import', async (c) => {
    const body = await c.req.parseBody();
    const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '');
    const values: ImportForm = {
      url: text('url').trim().slice(0, 2000),
      policy: (RIGHTS_POLICIES as readonly string[]).includes(text('policy'))
        ? (text('policy') as RightsPolicy)
        : 'full',
      holdNew: text('holdNew') === 'on',
      sections: text('sections') === 'on',
    };
    const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
    let opml: string;
    let origin: string;
    try {
      if (file) {
        if (file.size > MAX_OPML_BYTES)
          return form(
            c,
            values,
            `${file.name} is ${Math.round(file.size / 1024)} KB; an OPML file may be 2 MB at most.`,
          );
        opml = new TextDecoder('utf-8').decode(await file.arrayBuffer());
        origin = file.name || 'the file';
      } else if (values.url) {
        // An address only: the desk never reads a file of this machine.
        if (!/^https?:\/\/[^/\s]+/i.test(values.url) || !URL.canParse(values.url))
          return form(c, values, `“${values.url}” is not an http:// or https:// address.`);
        opml = await readOpml(deps.fetcher, values.url);
        origin = values.url;
      } else return form(c, values, 'Choose an OPML file, or give the address of one.');
    } catch (error) {
      return form(c, values, `Nothing was imported: ${explain(error)}`);
    }

    const started = Date.now();
    const addedAt = new Date(started);
    let steps: ImportStep[];
    try {
      // Due after the checks below have had their time, so that the poller does not check them twice.
      steps = await importOpml(
        store,
        opml,
        {
          policy: values.policy,
          holdNew: values.holdNew,
          sectionsFromFolders: values.sections,
          firstCheckAt: new Date(started + CHECK_BUDGET_MS),
        },
        addedAt,
      );
    } catch (error) {
      return form(c, values, `Nothing was imported: ${explain(error)}`);
    }
    const added = steps.flatMap((s) => (s.kind === 'added' ? [s.source] : []));
    if (steps.length > 0)
      await store.rights.record(
        actor(c),
        'import-sources',
        `${added.length} of ${steps.length} feed(s) added from ${origin}`,
        new Date(),
      );
    const checks = await firstChecks(deps, added, CHECK_BUDGET_MS);
    return c.html(
      <ImportReportPage
        site={site}
        session={c.get('session')}
        report={{ origin, steps, checks, addedAt, tookMs: Date.now() - started }}
      />,
    );
  });
}

/**
 * Checks the new sources, a few at a time, for at most `budgetMs`: each one's result as it came.
 * Checks still running at the end go on and are recorded as usual; those not started are left to
 * the poller.
 */
async function firstChecks(
  deps: DeskDeps,
  sources: Source[],
  budgetMs: number,
): Promise<Map<number, FirstCheck>> {
  const checks = new Map<number, FirstCheck>(sources.map((s) => [s.id, { kind: 'queued' }]));
  const until = Date.now() + budgetMs;
  let next = 0;
  let stored = 0;
  const work = async () => {
    while (next < sources.length && Date.now() < until) {
      const source = sources[next++]!;
      checks.set(source.id, { kind: 'running' });
      const outcome = await refreshSource(deps.ingest, source).catch(
        (error: unknown) => ({ kind: 'failed', message: explain(error), disabled: false }) as const,
      );
      if (outcome.kind === 'stored') {
        stored += outcome.inserted;
        const title = (await deps.store.sources.get(source.id))?.title ?? null;
        checks.set(source.id, { kind: 'stored', inserted: outcome.inserted, title });
      } else if (outcome.kind === 'not-modified') checks.set(source.id, { kind: 'not-modified' });
      else checks.set(source.id, { kind: 'failed', message: outcome.message, disabled: outcome.disabled });
    }
  };
  const all = Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, sources.length) }, work));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, budgetMs)))]);
  clearTimeout(timer);
  if (stored > 0) {
    deps.onFullTextQueued?.();
    deps.onMediaQueued?.();
  }
  // A snapshot: checks that go on past the answer change the store, not the report.
  return new Map(checks);
}

function explain(error: unknown): string {
  if (error instanceof CourtesyError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
