import { NO_INTAKE_RULES } from '../../model/intake.js';
import type { Hono } from 'hono';
import { refreshSource } from '../../ingest/index.js';
import { errorCode, errorMessage } from '../../model/errors.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { parseHttpUrl } from '../../model/url.js';
import { changeSource, pauseSource, removeSource, resumeSource, subscribe } from '../../sources/index.js';
import type { SourceHealth } from '../../store/index.js';
import { readForm } from '../../web/forms.js';
import { NotFoundPage } from '../../web/pages/not-found.js';
import {
  actor,
  checkedIds,
  doneMessage,
  idParam,
  type DeskContext,
  type DeskDeps,
  type DeskEnv,
  type DoneMessages,
  safeBack,
  withDone,
} from '../context.js';
import { plural } from '../layout.js';
import { AddSourcePage, type FeedPreview } from './add.js';
import { previewFeed } from './preview.js';
import { previewExtraction, recentArticles } from './extraction-preview.js';
import { registerImportDesk } from './import-routes.js';
import {
  ConfirmRemovePage,
  NO_SECTION,
  SOURCES_PER_PAGE,
  SourceListPage,
  type SourceFilter,
} from './list.js';
import { DEFAULT_SETTINGS, readSettings, settingsOf } from './settings.js';
import type { SourceSettings } from './settings-fields.js';
import { CHART_DAYS, SourcePage, type SourcePageData } from './source-page.js';

const DONE: DoneMessages = {
  paused: (n) => `Paused ${plural(n, 'source')}: kept, with their articles, and not polled.`,
  resumed: (n) => `Resumed ${plural(n, 'source')}: each is checked at once.`,
  refresh: (n) => `Asked for a check of ${plural(n, 'source')} now: the poller takes them first.`,
  removed: (n) => `Removed ${plural(n, 'source')} and their articles.`,
  saved: 'Saved. Every page that shows the source’s articles shows the change at once.',
  intake: (n) =>
    `Saved, and applied at once: the intake rules keep out ${plural(n, 'article')} of this source (listed under Articles, Filtered out); every other article is on the site.`,
  added: 'Added. Its articles appear as the first check stores them.',
};

/** Sources: the list with health and bulk actions, adding one with a preview, and each one's page. */
export function registerSourceDesk(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  registerSourceList(admin, deps);
  registerAddSource(admin, deps);
  registerImportDesk(admin, deps);
  registerSourceOne(admin, deps);
}

/** The list, and what its bulk form does. */
function registerSourceList(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, config } = deps;
  const site = config.site;

  const listPage = async (c: DeskContext, problem: string | null = null) => {
    const status = c.req.query('status') ?? '';
    const filter: SourceFilter = {
      q: (c.req.query('q') ?? '').slice(0, 200),
      status: (['failing', 'active', 'paused', 'disabled'].includes(status)
        ? status
        : '') as SourceFilter['status'],
      section: (c.req.query('section') ?? '').slice(0, 200),
      added: /^[0-9]{1,15}$/.test(c.req.query('added') ?? '') ? c.req.query('added')! : '',
      page: Math.max(1, Math.min(100_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1)),
    };
    const [{ sources, total }, sections] = await Promise.all([
      store.sources.desk({
        text: filter.q || undefined,
        status: filter.status || undefined,
        section: filter.section === NO_SECTION ? '' : filter.section || undefined,
        addedAt: filter.added ? new Date(Number(filter.added)) : undefined,
        limit: SOURCES_PER_PAGE,
        offset: (filter.page - 1) * SOURCES_PER_PAGE,
      }),
      store.sources.sections(),
    ]);
    return c.html(
      <SourceListPage
        site={site}
        session={c.get('session')}
        filter={filter}
        sources={sources}
        total={total}
        sections={sections}
        now={new Date()}
        message={doneMessage(c, DONE)}
        problem={problem}
      />,
      problem ? 400 : 200,
    );
  };
  admin.get('/sources', (c) => listPage(c));

  admin.post('/sources/bulk', async (c) => {
    const fields = await readForm(c);
    const ids = await checkedIds(c);
    const back = safeBack(fields.back, '/admin/sources');
    if (ids.length === 0) return listPage(c, 'Check at least one source first.');
    const found = [...(await store.sources.getMany(ids)).values()];
    const now = new Date();
    switch (fields.action) {
      case 'pause':
        for (const s of found) await pauseSource(store, s.id);
        await log(c, deps, 'pause', found);
        return c.redirect(withDone(back, 'paused', found.length), 303);
      case 'resume':
        for (const s of found) await resumeSource(store, s.id, now);
        await log(c, deps, 'resume', found);
        return c.redirect(withDone(back, 'resumed', found.length), 303);
      case 'refresh':
        for (const s of found)
          if (s.status === 'active')
            await store.sources.update(s.id, { nextCheckAt: now, checkBasis: 'asked for by an operator' });
        return c.redirect(withDone(back, 'refresh', found.filter((s) => s.status === 'active').length), 303);
      case 'remove': {
        if (fields.confirmed !== 'yes') {
          const counted = await Promise.all(
            found.map(async (s) => ({
              id: s.id,
              name: sourceDisplayName(s),
              articles: await store.entries.count(s.id),
            })),
          );
          return c.html(
            <ConfirmRemovePage site={site} session={c.get('session')} sources={counted} back={back} />,
          );
        }
        for (const s of found) {
          const articles = await store.entries.count(s.id);
          await removeSource(store, s.id);
          await store.rights.record(
            actor(c),
            'remove-source',
            `source ${s.id} (${s.feedUrl}) and ${plural(articles, 'article')}`,
            now,
          );
        }
        return c.redirect(withDone('/admin/sources', 'removed', found.length), 303);
      }
      default:
        return listPage(c, 'Choose what to do with the checked sources.');
    }
  });
}

/** Adding a source: the address and settings, a preview of what it would republish, then saving. */
function registerAddSource(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, config } = deps;
  const site = config.site;
  admin.get('/sources/new', (c) =>
    c.html(
      <AddSourcePage
        site={site}
        session={c.get('session')}
        url={(c.req.query('url') ?? '').slice(0, 2000)}
        values={DEFAULT_SETTINGS}
        errors={{}}
        preview={null}
      />,
    ),
  );

  admin.post('/sources/new', async (c) => {
    const fields = await readForm(c);
    const url = (fields.url ?? '').trim().slice(0, 2000);
    const { values, change, errors } = readSettings(fields);
    const again = (
      problems: Partial<Record<keyof SourceSettings | 'url', string>>,
      preview: FeedPreview | null,
      status: 200 | 400 = 400,
    ) =>
      c.html(
        <AddSourcePage
          site={site}
          session={c.get('session')}
          url={url}
          values={values}
          errors={problems}
          preview={preview}
        />,
        status,
      );
    if (!url)
      return again({ ...errors, url: 'Enter the address of a feed, or of a page of its site.' }, null);
    if (Object.keys(errors).length > 0) return again(errors, null);
    if (fields.step !== 'save') {
      try {
        return again({}, await previewFeed(deps, url, values, { ...NO_INTAKE_RULES, ...change.intake }), 200);
      } catch (error) {
        return again({ url: explain(error) }, null);
      }
    }
    try {
      const known = await store.sources.findByUrl(url);
      if (known)
        return again(
          { url: `This feed is already a source: ${sourceDisplayName(known)} (number ${known.id}).` },
          null,
        );
      const sub = await subscribe(
        store,
        deps.fetcher,
        {
          url,
          name: change.name || null,
          policy: change.policy,
          fullText: change.fullText,
          scraperSelector: change.selector ?? null,
          scraperRemove: change.remove ?? [],
          attributionTemplate: change.attributionTemplate ?? null,
          searchEngines: change.searchEngines ?? null,
          holdNew: change.holdNew,
          section: change.section ?? null,
          intake: change.intake ? { ...NO_INTAKE_RULES, ...change.intake } : NO_INTAKE_RULES,
          language: change.language ?? null,
        },
        new Date(),
      );
      await store.rights.record(
        actor(c),
        'add-source',
        `source ${sub.source.id} (${sub.source.feedUrl})`,
        new Date(),
      );
      // Checked at once, so that its articles are there when the operator looks.
      void refreshSource(deps.ingest, sub.source).then(() => {
        deps.onFullTextQueued?.();
        deps.onMediaQueued?.();
      });
      return c.redirect(`/admin/sources/${sub.source.id}?done=added`, 303);
    } catch (error) {
      if (errorCode(error) === 'store.duplicate-source')
        return again({ url: 'This feed is already a source.' }, null);
      return again({ url: explain(error) }, null);
    }
  });
}

type PageArgs = [
  c: DeskContext,
  id: number,
  form?: Partial<
    Pick<SourcePageData, 'values' | 'errors' | 'feedUrl' | 'feedUrlError' | 'extraction' | 'extractFrom'>
  >,
  message?: string | null,
  problem?: string | null,
  status?: 200 | 400,
];

/** A source's page, with what a form typed and what a change said. */
async function renderSourcePage(
  deps: DeskDeps,
  c: DeskContext,
  id: number,
  form: Partial<
    Pick<SourcePageData, 'values' | 'errors' | 'feedUrl' | 'feedUrlError' | 'extraction' | 'extractFrom'>
  > = {},
  message: string | null = doneMessage(c, DONE),
  problem: string | null = null,
  status: 200 | 400 = 200,
) {
  const { store, config } = deps;
  const site = config.site;
  const [health] = (await store.sources.desk({ ids: [id], limit: 1, offset: 0 })).sources;
  if (!health) return c.html(<NotFoundPage site={site} what="There is no such source." />, 404);
  const now = new Date();
  const since = new Date(now.getTime() - CHART_DAYS * 86_400_000);
  const [history, days, perDay, sections, recent] = await Promise.all([
    store.sources.history(id, 20),
    store.sources.days(id, since),
    store.entries.perDay(id, since),
    store.sources.sections(),
    recentArticles(store, id),
  ]);
  const data: SourcePageData = {
    source: health,
    history,
    days,
    perDay,
    values: form.values ?? settingsOf(health),
    errors: form.errors ?? {},
    feedUrl: form.feedUrl ?? health.feedUrl,
    feedUrlError: form.feedUrlError,
    sections: sections.map((s) => s.name),
    recent,
    extractFrom: form.extraction?.entry?.id ?? form.extractFrom ?? null,
    extraction: form.extraction ?? null,
  };
  return c.html(
    <SourcePage
      site={site}
      session={c.get('session')}
      data={data}
      now={now}
      message={message}
      problem={problem}
    />,
    status,
  );
}

/** One source's page: its settings saved or previewed, and a check made now. */
function registerSourceOne(admin: Hono<DeskEnv>, deps: DeskDeps): void {
  const { store, config } = deps;
  const site = config.site;
  const sourcePage = (...args: PageArgs) => renderSourcePage(deps, ...args);

  admin.get('/sources/:id', (c) => sourcePage(c, idParam(c.req.param('id'))));

  admin.post('/sources/:id', async (c) => {
    const id = idParam(c.req.param('id'));
    const source = await store.sources.get(id);
    if (!source) return c.html(<NotFoundPage site={site} what="There is no such source." />, 404);
    const fields = await readForm(c);
    const { values, change, errors } = readSettings(fields);
    const feedUrl = (fields.feedUrl ?? source.feedUrl).trim();
    const parsed = parseHttpUrl(feedUrl);
    const feedUrlError = parsed ? undefined : 'The feed address must be a web address (http:// or https://).';
    const form = { values, errors, feedUrl, feedUrlError };
    if (Object.keys(errors).length > 0 || feedUrlError)
      return sourcePage(c, id, form, null, 'The settings were not saved: see the fields marked below.', 400);
    if (fields.step === 'extract') {
      const extraction = await previewExtraction(
        { store, config, pool: deps.extractions, robots: deps.robots, fetcher: deps.fetcher },
        source,
        idParam(fields.extractFrom),
        { selector: change.selector ?? null, remove: change.remove ?? [] },
      );
      return sourcePage(c, id, { ...form, extraction }, 'A preview of the extraction: nothing is saved yet.');
    }
    if (fields.step !== 'save') return sourcePage(c, id, form, 'A preview: nothing is saved yet.');
    const now = new Date();
    if (parsed && parsed.href !== source.feedUrl) {
      const taken = await store.sources.findByUrl(parsed.href);
      if (taken && taken.id !== id)
        return sourcePage(
          c,
          id,
          { ...form, feedUrlError: `Another source (number ${taken.id}) has this feed.` },
          null,
          null,
          400,
        );
      // A new address: the old one's validators mean nothing there, and it is checked at once.
      await store.sources.update(id, {
        feedUrl: parsed.href,
        etag: null,
        lastModified: null,
        nextCheckAt: now,
      });
    }
    const changed = await changeSource(store, id, change, now, actor(c));
    await store.rights.record(actor(c), 'change-source', `source ${id}: ${changed.fields.join(', ')}`, now);
    if (changed.requeued) deps.onFullTextQueued?.();
    if (changed.intake) {
      const { total } = await store.entries.listWithheld({
        withheld: 'filtered',
        sourceId: id,
        limit: 0,
        offset: 0,
      });
      return c.redirect(`/admin/sources/${id}?done=intake&n=${total}`, 303);
    }
    return c.redirect(`/admin/sources/${id}?done=saved`, 303);
  });

  admin.post('/sources/:id/check', async (c) => {
    const id = idParam(c.req.param('id'));
    const source = await store.sources.get(id);
    if (!source) return c.html(<NotFoundPage site={site} what="There is no such source." />, 404);
    const outcome = await refreshSource(deps.ingest, source);
    if (outcome.kind === 'stored' && outcome.inserted > 0) {
      deps.onFullTextQueued?.();
      deps.onMediaQueued?.();
    }
    const said =
      outcome.kind === 'stored'
        ? `Checked: ${plural(outcome.inserted, 'new article')}, ${outcome.updated} edited, ${outcome.unchanged} unchanged${outcome.suppressed ? `, ${outcome.suppressed} kept out by takedown rules` : ''}.`
        : outcome.kind === 'not-modified'
          ? 'Checked: the feed has not changed since the last check.'
          : null;
    return outcome.kind === 'failed'
      ? sourcePage(
          c,
          id,
          {},
          null,
          `The check failed: ${outcome.message}${outcome.disabled ? ' The source is now disabled; fix its address and resume it.' : ''}`,
        )
      : sourcePage(c, id, {}, said);
  });
}

/** A fetch or parse failure as the operator reads it. */
function explain(error: unknown): string {
  const message = errorMessage(error).replace(/^subscribe: /, '');
  return `Nothing was found to subscribe to: ${message}`;
}

async function log(
  c: DeskContext,
  deps: DeskDeps,
  action: string,
  sources: Source[] | SourceHealth[],
): Promise<void> {
  const now = new Date();
  for (const s of sources)
    await deps.store.rights.record(actor(c), `${action}-source`, `source ${s.id} (${s.feedUrl})`, now);
}
