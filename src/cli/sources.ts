import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CourtesyError, UsageError } from '../model/errors.js';
import {
  sourceDisplayName,
  type RightsPolicy,
  type SearchEnginePolicy,
  type Source,
} from '../model/source.js';
import type { Subscription } from '../model/subscription.js';
import { parseOpml, renderOpml, subscribe } from '../sources/index.js';
import { StoreError, type SourcePatch } from '../store/index.js';
import { checkScraperRules } from '../markup/selectors.js';
import { parseCount, parseId, parsePolicy, parseSearchEngines } from './arguments.js';
import { withAppContext, type AppContext, type GlobalOptions } from './context.js';
import { print, relative, table } from './output.js';
import { drainFullText, startProgress } from './progress.js';

interface AddOptions {
  name?: string;
  policy?: RightsPolicy;
  fullText?: boolean;
  selector?: string;
  remove: string[];
  attribution?: string;
  searchEngines?: SearchEnginePolicy | 'site';
}

interface SetOptions {
  name?: string;
  policy?: RightsPolicy;
  fullText?: boolean;
  /** A CSS selector; false for --no-selector. */
  selector?: string | false;
  remove?: string[] | false;
  attribution?: string;
  siteAttribution?: boolean;
  searchEngines?: SearchEnginePolicy | 'site';
}

export function registerSources(program: Command, global: () => GlobalOptions): void {
  const sources = program.command('sources').description('subscribe to feeds and manage them');
  const withContext = (fn: (ctx: AppContext) => Promise<void>) => withAppContext(global(), fn);

  sources
    .command('add')
    .description(
      'subscribe to a feed URL, or to a site\'s page URL (its feed is found through <link rel="alternate">)',
    )
    .argument('<url>', 'feed or page URL')
    .option('--name <name>', 'the name to show for this source (default: the feed title)')
    .option('--policy <policy>', 'what may be republished: full, excerpt or link', parsePolicy, 'full')
    .option(
      '--full-text',
      "republish the article from each new entry's original page instead of the feed's summary",
    )
    .option(
      '--selector <css>',
      'a scraper rule: the CSS selector of the article body on its pages (implies --full-text)',
    )
    .option(
      '--remove <css>',
      'a scraper rule: remove what this CSS selector matches first (repeatable; implies --full-text)',
      collect,
      [] as string[],
    )
    .option(
      '--attribution <template>',
      "this source's attribution template (same syntax as site.attribution)",
    )
    .option(
      '--search-engines <policy>',
      "what search engines are told of this source's copies: canonical, noindex or both (default: the site's)",
      parseSearchEngines,
    )
    .action((url: string, options: AddOptions) =>
      withContext(async (ctx) => {
        const rules = checkScraperRules({ selector: options.selector, remove: options.remove });
        const sub = await subscribe(
          ctx.store,
          ctx.fetcher,
          {
            url,
            name: options.name,
            policy: options.policy,
            fullText: options.fullText || rules.selector !== null || rules.remove.length > 0,
            scraperSelector: rules.selector,
            scraperRemove: rules.remove,
            attributionTemplate: options.attribution,
            searchEngines: options.searchEngines === 'site' ? null : options.searchEngines,
          },
          new Date(),
        );
        if (sub.discoveredFrom) print(`found the feed ${sub.source.feedUrl} on ${sub.discoveredFrom}`);
        print(
          `added source ${sub.source.id}: ${sourceDisplayName(sub.source)} (${sub.entries} entries in the feed now; run "courtesy poll --once" to fetch them)`,
        );
      }),
    );

  sources
    .command('list')
    .description('list sources with their status, last check and last error')
    .option('--json', 'print one JSON object per source, a line each')
    .action((options: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.sources.list();
        if (options.json) {
          for (const source of list) print(JSON.stringify(source));
          return;
        }
        if (list.length === 0) return print('no sources yet: add one with "courtesy sources add URL"');
        const now = new Date();
        print(
          table(
            ['ID', 'STATUS', 'POLICY', 'ENTRIES', 'PER DAY', 'LAST OK', 'NEXT', 'NAME', 'FEED', 'LAST ERROR'],
            list.map((s) => [
              String(s.id),
              statusOf(s),
              s.policy,
              String(s.entryCount),
              String(s.entriesPerDay),
              relative(s.lastSuccessAt, now),
              s.status === 'active' ? relative(s.nextCheckAt, now) : '-',
              sourceDisplayName(s),
              s.feedUrl,
              describeError(s),
            ]),
          ),
        );
      }),
    );

  sources
    .command('show')
    .description('show one source in detail: its state, its schedule and its recent fetch history')
    .argument('<id>', 'source ID', parseId)
    .option('--history <n>', 'how many recent checks to show', parseCount, 20)
    .action((id: number, options: { history: number }) =>
      withContext(async (ctx) => {
        const source = (await ctx.store.sources.list()).find((s) => s.id === id);
        if (!source) throw new CourtesyError('store.not-found', `there is no source ${id}`);
        const now = new Date();
        const when = (d: Date | null) => (d ? `${d.toISOString()} (${relative(d, now)})` : '-');
        const rows: Array<[string, string]> = [
          ['name', sourceDisplayName(source)],
          ['feed', source.feedUrl],
          ['site', source.siteUrl ?? '-'],
          ['status', statusOf(source)],
          ['policy', source.policy],
          ['full text', fullTextOf(source)],
          ['search engines', source.searchEngines ?? `${ctx.config.site.searchEngines} (the site's)`],
          ['entries', `${source.entryCount} (${source.entriesPerDay} a day over the last 30 days)`],
          ['added', when(source.createdAt)],
          ['last check', when(source.lastCheckedAt)],
          ['last success', when(source.lastSuccessAt)],
          ['last HTTP status', source.lastHttpStatus === null ? '-' : String(source.lastHttpStatus)],
          ['last error', describeError(source) || '-'],
          ['error code', source.lastErrorCode ?? '-'],
          ['next check', source.status === 'active' ? when(source.nextCheckAt) : `- (${source.status})`],
          ['because', source.checkBasis ?? '-'],
          [
            'validators',
            [
              source.etag && `ETag ${source.etag}`,
              source.lastModified && `Last-Modified ${source.lastModified}`,
            ]
              .filter(Boolean)
              .join(', ') || '-',
          ],
          ...pushRows(await ctx.store.subscriptions.get(id), when, ctx.websub.disabledBecause),
        ];
        const width = Math.max(...rows.map(([k]) => k.length));
        for (const [key, value] of rows) print(`${key.padEnd(width)}  ${value}`);
        if (source.fullText) {
          const extractions = await ctx.store.extractions.summary(id, 10);
          const { counts } = extractions;
          print();
          print(
            `full text: ${counts.done} extracted, ${counts['kept-feed']} kept the feed's content, ${counts.pending} waiting`,
          );
          if (extractions.recent.length > 0) {
            print(
              table(
                ['WHEN', 'STATE', 'TRIES', 'PAGE', 'WHY'],
                extractions.recent.map((l) => [
                  l.updatedAt.toISOString(),
                  l.state,
                  String(l.attempts),
                  l.url ?? '-',
                  l.note ?? '',
                ]),
              ),
            );
          }
        }
        const history = await ctx.store.sources.history(id, options.history);
        print();
        if (history.length === 0) return print('no checks yet');
        print(
          table(
            ['WHEN', 'OUTCOME', 'HTTP', 'TIME', 'BYTES', 'NEW', 'UPDATED', 'MESSAGE'],
            history.map((f) => [
              f.startedAt.toISOString(),
              f.outcome,
              f.httpStatus === null ? '-' : String(f.httpStatus),
              `${Math.round(f.durationMs)} ms`,
              f.bytes === null ? '-' : String(f.bytes),
              String(f.inserted),
              String(f.updated),
              f.message ?? '',
            ]),
          ),
        );
      }),
    );

  sources
    .command('remove')
    .description('unsubscribe and delete the source with all its entries')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        if (!(await ctx.store.sources.remove(id)))
          throw new StoreError('store.not-found', `there is no source ${id}`);
        print(`removed source ${id} and its entries`);
      }),
    );

  sources
    .command('set')
    .description(
      'change how a source is republished; it applies at once to its articles already stored, on every page and feed',
    )
    .argument('<id>', 'source ID', parseId)
    .option('--name <name>', 'the name to show for this source')
    .option('--policy <policy>', 'what may be republished: full, excerpt or link', parsePolicy)
    .option(
      '--attribution <template>',
      "this source's attribution template (same syntax as site.attribution)",
    )
    .option('--site-attribution', "use the site's attribution template again")
    .option('--full-text', "republish the article from each new entry's original page")
    .option('--no-full-text', "republish the feed's own content again")
    .option('--selector <css>', 'the CSS selector of the article body on its pages')
    .option('--no-selector', 'let Readability find the article again')
    .option(
      '--remove <css>',
      'remove what this CSS selector matches first (repeatable; replaces the list)',
      collect,
    )
    .option('--no-remove', 'remove nothing first')
    .option(
      '--search-engines <policy>',
      "canonical, noindex or both; or site for the site's own",
      parseSearchEngines,
    )
    .action((id: number, options: SetOptions) =>
      withContext(async (ctx) => {
        const before = await requireSource(ctx, id);
        if (options.attribution !== undefined && options.siteAttribution) {
          throw new UsageError(
            'sources.usage',
            'sources set: give --attribution or --site-attribution, not both',
          );
        }
        const rules = checkScraperRules({
          selector: typeof options.selector === 'string' ? options.selector : null,
          remove: Array.isArray(options.remove) ? options.remove : [],
        });
        const patch: SourcePatch = {
          ...(options.fullText !== undefined ? { fullText: options.fullText } : {}),
          ...(options.selector !== undefined ? { scraperSelector: rules.selector } : {}),
          ...(options.remove !== undefined ? { scraperRemove: rules.remove } : {}),
          ...(options.name !== undefined ? { name: options.name.trim() || null } : {}),
          ...(options.policy ? { policy: options.policy } : {}),
          ...(options.attribution !== undefined ? { attributionTemplate: options.attribution } : {}),
          ...(options.siteAttribution ? { attributionTemplate: null } : {}),
          ...(options.searchEngines
            ? { searchEngines: options.searchEngines === 'site' ? null : options.searchEngines }
            : {}),
        };
        if (Object.keys(patch).length === 0) {
          throw new UsageError('sources.usage', 'sources set: nothing to change (see --help)');
        }
        await ctx.store.sources.update(id, patch);
        print(`source ${id}: ${Object.keys(patch).join(', ')} changed`);
        const rulesChanged = patch.scraperSelector !== undefined || patch.scraperRemove !== undefined;
        if ((patch.fullText && !before.fullText) || (rulesChanged && (patch.fullText ?? before.fullText))) {
          const queued = await ctx.store.extractions.requeue(id, RECENT_EXTRACTIONS, new Date());
          print(
            `queued the ${queued} newest entries for extraction: "courtesy sources extract ${id}" does them now, or the poller will`,
          );
        }
      }),
    );

  sources
    .command('extract')
    .description(
      "fetch and extract the original pages of a full-text source's newest entries again, now (after changing its rules)",
    )
    .argument('<id>', 'source ID', parseId)
    .option('--limit <n>', 'how many of the newest entries', parseCount, RECENT_EXTRACTIONS)
    .addHelpText('after', '\nExit status: 1 when the source is not a full-text source or does not exist.')
    .action((id: number, options: { limit: number }) =>
      withContext(async (ctx) => {
        const source = await requireSource(ctx, id);
        if (!source.fullText) {
          throw new CourtesyError(
            'sources.not-full-text',
            `source ${id} is not a full-text source ("courtesy sources set ${id} --full-text" makes it one)`,
          );
        }
        const queued = await ctx.store.extractions.requeue(id, options.limit, new Date());
        const { extracted } = await drainFullText(ctx.fullText, 'extracting', queued);
        print(
          `source ${id}: ${extracted} of ${queued} pages extracted; "courtesy sources show ${id}" lists the rest`,
        );
      }),
    );

  sources
    .command('pause')
    .description('stop polling a source (its articles stay on the site)')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await requireSource(ctx, id);
        await ctx.store.sources.update(id, { status: 'paused' });
        print(`paused source ${id}`);
      }),
    );

  sources
    .command('resume')
    .description('poll a paused or disabled source again, starting now')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await requireSource(ctx, id);
        await ctx.store.sources.update(id, {
          status: 'active',
          consecutiveFailures: 0,
          nextCheckAt: new Date(),
          checkBasis: 'resumed by the operator',
        });
        print(`resumed source ${id}`);
      }),
    );

  sources
    .command('import')
    .description('subscribe to every feed in an OPML file (feeds already subscribed are skipped)')
    .argument('<file>', 'OPML file, or the http(s) address of one')
    .option(
      '--policy <policy>',
      'rights policy for the new sources: full, excerpt or link',
      parsePolicy,
      'full',
    )
    .action((file: string, options: { policy: RightsPolicy }) =>
      withContext(async (ctx) => {
        const outlines = parseOpml(await readOpml(ctx, file));
        let added = 0;
        let skipped = 0;
        const progress = startProgress('importing', outlines.length);
        for (const outline of outlines) {
          if (await ctx.store.sources.findByUrl(outline.feedUrl)) {
            skipped++;
            progress.step(`already subscribed: ${outline.feedUrl}`, false);
            continue;
          }
          await ctx.store.sources.add(
            {
              feedUrl: outline.feedUrl,
              title: outline.title,
              siteUrl: outline.siteUrl,
              policy: options.policy,
            },
            new Date(),
          );
          added++;
          progress.step(`added ${outline.feedUrl}`, false);
        }
        progress.stop();
        print(
          `imported ${added} source(s) from ${file}; ${skipped} already subscribed. They are polled at the next poll.`,
        );
      }),
    );

  sources
    .command('export')
    .description('print every source as OPML 2.0')
    .action(() =>
      withContext(async (ctx) => {
        process.stdout.write(
          renderOpml(await ctx.store.sources.list(), `${ctx.config.site.name} sources`, new Date()),
        );
      }),
    );
}

/** active, paused, disabled; or failing: active, but its last check failed. */
/** What `sources show` says about WebSub for a source. */
function pushRows(
  sub: Subscription | null,
  when: (d: Date | null) => string,
  disabledBecause: string | null,
): Array<[string, string]> {
  if (!sub) return [['push', disabledBecause ? `- (not subscribing: ${disabledBecause})` : '-']];
  const states: Record<Subscription['state'], string> = {
    requested: 'requested, waiting for the hub to verify',
    active: 'live',
    failed: 'failed',
    denied: 'denied by the hub',
    unsubscribing: 'unsubscribing',
  };
  return [
    ['push', `${states[sub.state]} (WebSub hub ${sub.hub})`],
    ['push topic', sub.topic],
    ['push lease', sub.expiresAt ? `until ${when(sub.expiresAt)}` : '-'],
    [sub.state === 'active' ? 'push renewal' : 'push retry', when(sub.renewAt)],
    [
      'pushes',
      `${sub.pushes} stored${sub.lastPushAt ? `, the last ${relative(sub.lastPushAt)}` : ''}; ${sub.rejectedPushes} ignored`,
    ],
    ['last push problem', sub.lastError ?? '-'],
  ];
}

function statusOf(source: Source): string {
  return source.status === 'active' && source.lastError ? 'failing' : source.status;
}

function describeError(source: Source): string {
  if (!source.lastError) return '';
  const http = source.lastHttpStatus && source.lastHttpStatus >= 300 ? `HTTP ${source.lastHttpStatus}: ` : '';
  const streak =
    source.status === 'active' && source.consecutiveFailures > 1
      ? ` (${source.consecutiveFailures} failures in a row)`
      : '';
  return `${http}${source.lastError}${streak}`;
}

async function requireSource(ctx: AppContext, id: number): Promise<Source> {
  const source = await ctx.store.sources.get(id);
  if (!source) throw new CourtesyError('store.not-found', `there is no source ${id}`);
  return source;
}

/** Gathers a repeatable option's values. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** How many of a source's newest entries are extracted again when its full text or rules change. */
const RECENT_EXTRACTIONS = 20;

function fullTextOf(source: Source): string {
  if (!source.fullText) return "off (the feed's own content)";
  const rules = [
    source.scraperSelector ? `article: ${source.scraperSelector}` : 'article found by Readability',
    ...(source.scraperRemove.length > 0 ? [`remove: ${source.scraperRemove.join(', ')}`] : []),
  ];
  return `on (${rules.join('; ')})`;
}

/**
 * The text of an OPML file named by its path, or fetched from its http(s) address through the
 * guarded fetcher (private addresses refused unless allowed, the body capped as a feed's is).
 */
async function readOpml(ctx: AppContext, file: string): Promise<string> {
  if (/^https?:\/\//i.test(file)) {
    const fetched = await ctx.fetcher.fetch(file, undefined, {
      accept: 'text/x-opml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    });
    if (fetched.kind !== 'modified')
      throw new CourtesyError('sources.no-opml', `${file} sent no OPML (HTTP ${fetched.status})`);
    return new TextDecoder('utf-8').decode(fetched.body);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CourtesyError('sources.read', `cannot read ${file}: ${why}`);
  }
}
